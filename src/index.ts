// hardpod core: framework-free. Nothing reachable from here may import cdk8s, constructs or @pulumi/*.
export * from './model';
export * from './hardening';
export * from './images';
export * from './rules';
export * from './engine';
export * from './reporters';
export * from './loader';
export * from './admission';
