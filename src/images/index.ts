export * from './image-ref';
