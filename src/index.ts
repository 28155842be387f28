/**
 * The framework-free core: workload model and builders, `harden()`, images and the lock file, the rule catalogue, the engine, reporters and the manifest loader.
 *
 * Nothing reachable from here may import cdk8s, constructs or any @pulumi package.
 *
 * @module hardpod
 */
export * from './model';
export * from './hardening';
export * from './images';
export * from './rules';
export * from './engine';
export * from './reporters';
export * from './loader';
export * from './admission';
