import type { SettingCheck } from '../rule';

/** A setting that is true or false when given. */
export function booleanSetting(name: string): SettingCheck {
  return (value) => (value === undefined || typeof value === 'boolean' ? undefined : `${name} must be true or false, got ${JSON.stringify(value)}`);
}
