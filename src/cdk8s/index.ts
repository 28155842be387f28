// hardpod/cdk8s: the cdk8s front door. cdk8s and constructs are optional peer dependencies.
export * from './constructs';
export * from './validation';
