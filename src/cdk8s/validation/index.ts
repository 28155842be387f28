export type { ValidationOptions } from './options';
export { Hardpod, type EnforceOptions } from './enforce';
export { HardpodValidation, type HardpodValidationProperties } from './cli-plugin';
export type { CliValidationContext, CliValidationReport, CliViolation, CliViolatingResource } from './cli-plugin';
