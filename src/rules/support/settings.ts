import { allowedRegistryPrefix, registryPrefixProblem } from '../../images/image-ref';
import type { SettingCheck } from '../rule';

/** A setting that is true or false when given. */
export function booleanSetting(name: string): SettingCheck {
  return (value) => (value === undefined || typeof value === 'boolean' ? undefined : `${name} must be true or false, got ${JSON.stringify(value)}`);
}

/**
 * A setting that lists registry hosts or host/path prefixes (`allowedRegistries`), as image names
 * are matched against them ({@link registryPrefixes}).
 */
export function registryPrefixesSetting(name: string): SettingCheck {
  return (value) => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.trim() !== '')) {
      return `${name} must be a non-empty list of registry hosts or host/path prefixes, e.g. [registry.example.com, ghcr.io/acme]`;
    }
    // An entry that can never match would fail every image with a misleading finding.
    for (let i = 0; i < value.length; i++) {
      const problem = registryPrefixProblem(value[i] as string);
      if (problem !== undefined) return `${name}[${i}] ${problem}`;
    }
    return undefined;
  };
}

const prefixCache = new WeakMap<readonly string[], string[]>();

/**
 * The prefixes of a {@link registryPrefixesSetting} (checked with the config) as image names are
 * matched against them; undefined when the setting is not given.
 */
export function registryPrefixes(value: readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  let prefixes = prefixCache.get(value);
  if (!prefixes) {
    prefixes = value.map(allowedRegistryPrefix);
    prefixCache.set(value, prefixes);
  }
  return prefixes;
}
