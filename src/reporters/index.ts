export type { Emit } from '../model/chunks';
export * from './shared';
export * from './text';
export * from './json';
export * from './sarif';
export * from './junit';
export * from './github';
export * from './controls';
