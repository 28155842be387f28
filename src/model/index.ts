export * from './kube-object';
export * from './errors';
export * from './pod-view';
