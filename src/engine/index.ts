export * from './report';
export * from './config';
export * from './baseline';
export * from './evaluate';
