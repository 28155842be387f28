import { resolveConfig } from '../engine/config';
import type { HardenOptions } from '../hardening/harden';
import { HardpodError } from '../model/errors';
import { isFields } from '../model/pod-view';
import { PROP_KEYS, refuseUnknownKeys } from '../model/prop-keys';
import { parseQuantity } from '../model/quantity';

const SETTINGS = ['imageFacts', 'resources', 'seccompProfile', 'workloadKinds'];
/** The resources harden() fills in. */
const RESOURCE_NAMES = ['cpu', 'memory'];

/**
 * Refuses a `hardening` option of the policy pack or the transform that plain JavaScript or a
 * config file gets wrong: a misspelled setting would be ignored, and a value of the wrong shape
 * (a quantity that is none, a seccomp profile as a string) written into every workload it hardens,
 * where the API server or the next check refuses it far from its cause.
 * @param where the function the option was given to, named in the error
 */
export function checkHardeningOption(hardening: unknown, where: string): void {
  if (hardening === undefined) return;
  if (!isFields(hardening)) throw new HardpodError(`hardening must be an object of ${SETTINGS.join(', ')} (got ${JSON.stringify(hardening)})`, where);
  const wording = { noun: 'setting', listAlways: true };
  refuseUnknownKeys(hardening, SETTINGS, 'hardening', where, wording);
  const { imageFacts, resources, seccompProfile, workloadKinds } = hardening as HardenOptions;
  if (imageFacts !== undefined && typeof imageFacts !== 'function') throw new HardpodError('hardening.imageFacts must be a function (image reference => facts)', where);
  if (resources !== undefined) {
    if (!isFields(resources)) throw new HardpodError('hardening.resources must be an object { requests, limits } of quantities by resource', where);
    refuseUnknownKeys(resources, PROP_KEYS.resources, 'hardening.resources', where, wording);
    for (const section of ['requests', 'limits'] as const) {
      const amounts: unknown = resources[section];
      if (amounts === undefined) continue;
      const field = `hardening.resources.${section}`;
      if (!isFields(amounts)) throw new HardpodError(`${field} must be an object of quantities by resource (${RESOURCE_NAMES.join(', ')})`, where);
      refuseUnknownKeys(amounts, RESOURCE_NAMES, field, where, wording);
      for (const [name, amount] of Object.entries(amounts)) {
        const parsed = typeof amount === 'string' ? parseQuantity(amount) : undefined;
        if (parsed === undefined || !(parsed > 0)) {
          throw new HardpodError(`${field}.${name} ${JSON.stringify(amount)} is not a quantity above 0; write one such as 100m, 0.5 or 128Mi`, where);
        }
      }
    }
  }
  if (seccompProfile !== undefined) checkSeccompProfile(seccompProfile, where);
  // Checked as the config's own workloadKinds are.
  if (workloadKinds !== undefined) resolveConfig({ workloadKinds }, (key) => `${where} hardening.${key}`);
}

/** A profile harden() may set: one that confines, as the seccomp rules require. */
function checkSeccompProfile(profile: unknown, where: string): void {
  const expected = 'hardening.seccompProfile must be { type: RuntimeDefault } or { type: Localhost, localhostProfile: <file> }';
  if (!isFields(profile)) throw new HardpodError(`${expected} (got ${JSON.stringify(profile)})`, where);
  refuseUnknownKeys(profile, PROP_KEYS.seccompProfile, 'hardening.seccompProfile', where, { noun: 'setting', listAlways: true });
  const { type, localhostProfile } = profile;
  if (type === 'RuntimeDefault' && localhostProfile === undefined) return;
  if (type === 'Localhost' && typeof localhostProfile === 'string' && localhostProfile !== '') return;
  throw new HardpodError(`${expected} (got ${JSON.stringify(profile)})`, where);
}
