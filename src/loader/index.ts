export * from './manifests';
export * from './read';
export * from './field-path';
