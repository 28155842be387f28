export { HardpodDefaults, type HardpodDefaultsProps } from './defaults';
export * from './network';
export * from './workload';
export * from './workloads';
export * from './namespace';
export * from './debug-access';
export * from './admission-policies';
