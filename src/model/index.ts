export * from './kube-object';
export * from './errors';
export * from './pod-view';
export * from './image';
export * from './quantity';
export * from './workload-props';
export * from './companions';
export * from './workloads';
