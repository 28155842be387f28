export * from './options';
export * from './enforce';
export * from './cli-plugin';
