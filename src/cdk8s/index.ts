/**
 * The cdk8s front door: hardened constructs, golden-path defaults, synthesis-time enforcement and the cdk8s CLI validation plugin.
 *
 * hardpod/cdk8s: the cdk8s front door. cdk8s and constructs are optional peer dependencies.
 *
 * @module hardpod/cdk8s
 */
export * from './constructs';
export * from './validation';
