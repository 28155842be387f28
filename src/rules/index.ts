export * from './rule';
export * from './catalogue';
