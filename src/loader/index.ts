export * from './manifests';
export * from './read';

