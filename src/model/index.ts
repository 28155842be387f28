export * from './kube-object';
export * from './errors';
