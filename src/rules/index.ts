export * from './rule';
