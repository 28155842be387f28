export * from './image-ref';
export * from './lock-file';
export * from './lock-resolver';
export * from './credentials';
export * from './registry-client';
export * from './image-facts';
export * from './resolve-image';
