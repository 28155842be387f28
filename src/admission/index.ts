export * from './validating-admission-policy';
