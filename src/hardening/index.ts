export * from './secure-defaults';
export * from './harden';
