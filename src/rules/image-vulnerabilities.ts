import type { PodRule, Violation } from './rule';
import { cisDocker, containersWithFacts, hasImageFacts, IMAGE_FACTS_SETTINGS, notCheckedWithEveryKey } from './support/image-facts';
import { describeContainer, nist, quote } from './support/pss';
import { text } from './support/shared-text';
import type { ResolvedConfig } from '../engine/config';
import { keysCheckedNow } from '../images/lock-file';
import { atOrAbove, describeScan, describeVulnerabilities, judgeScans, staleScansProblem } from '../images/vulnerability-scans';

/** The gate and the keys its scans are verified with, or undefined when the config sets no gate. */
function gateSettings(config: ResolvedConfig) {
  const keys = config.images?.signatures?.keys;
  const gate = config.images?.vulnerabilities;
  return keys === undefined || keys.length === 0 || gate === undefined ? undefined : { keys, gate };
}

/**
 * Where the config sets a vulnerability gate (`images.vulnerabilities`), every container image
 * carries a vulnerability scan attested with one of the signature keys (`cosign attest --type vuln`,
 * as `trivy image --format cosign-vuln` writes it, or holding Grype's JSON report), which `hardpod
 * lock` verified and recorded, and the newest scan of each scanner found no vulnerability of
 * `failOn` or more severe (with a fix available, under `ignoreUnfixed`) that `ignore` does not accept
 * for the image, nor a verified OpenVEX statement clears (unless `vex` is off). With `maxScanAge`, one of those scans must have finished within that age of the
 * check. A lock file that did not record scans of that severity leaves the image unknown until it is
 * locked again.
 */
export const imageVulnerabilities: PodRule = {
  id: 'image-vulnerabilities',
  title: 'Images carry a verified vulnerability scan that found nothing of the gate\'s severity (when a vulnerability gate is configured)',
  remediation: 'Rebuild the image on patched packages and a current base, scan and attest it (`trivy image --format cosign-vuln --output vuln.json <image>@<digest>`, then `cosign attest --key cosign.key --type vuln --predicate vuln.json <image>@<digest>`), then run `npx hardpod lock --update --config <config>`. Accept a vulnerability that does not apply with an images.vulnerabilities.ignore entry and its reason.',
  level: 'hardened',
  severity: 'high',
  // CIS Docker 4.4: images are scanned and rebuilt to include security patches. NIST SP 800-190 4.1.1
  // (image vulnerabilities): a gate on scan results at deployment, as an interpretation.
  controls: [...cisDocker('4.4'), ...nist('4.1.1')],
  edition: 5,
  scope: 'pod',
  settings: IMAGE_FACTS_SETTINGS,
  appliesUnder: (config) => gateSettings(config) !== undefined && hasImageFacts(config),
  check({ pod, config }) {
    const settings = gateSettings(config);
    if (settings === undefined) return 'not-applicable';
    const { keys, gate } = settings;
    const violations: Violation[] = [];
    const entries = containersWithFacts(pod, config, violations);
    if (entries === 'not-applicable') return entries;
    for (const { container, image, facts } of entries) {
      const path = text`${container.path}.image`;
      const who = `${describeContainer(container)}'s image ${quote(image)}`;
      const record = facts.attestations?.vulnerabilities;
      if (record === undefined || !atOrAbove(gate.failOn, record.recordedFrom)) {
        const why = record === undefined
          ? 'the lock file was written without reading vulnerability scans'
          : `the lock file recorded only vulnerabilities of ${record.recordedFrom} or more severe`;
        violations.push({ path, message: `whether ${who} has vulnerabilities of ${gate.failOn} or more severe is not known: ${why}; run \`npx hardpod lock --config <config>\``, unknown: true });
        continue;
      }
      const checked = keysCheckedNow(keys, facts.attestations).map((key) => key.name);
      // What a key the config no longer names verified does not count.
      const byCheckedKey = <T extends { readonly verifiedBy: readonly string[] }>(found: readonly T[]) => found
        .filter((item) => item.verifiedBy.some((name) => checked.includes(name)));
      const scans = byCheckedKey(record.scans);
      if (scans.length === 0) {
        violations.push(notCheckedWithEveryKey(path, who, 'carries a vulnerability scan', keys, keys.filter((key) => checked.includes(key.name)))
          ?? { path, message: `${who} carries no vulnerability scan verified with a configured key (${keys.map((key) => key.name).join(', ')}) for its digest` });
        continue;
      }
      const stale = staleScansProblem(scans, gate);
      if (stale !== undefined) violations.push({ path, message: `${who} ${stale}; scan and attest it again` });
      const { failing } = judgeScans(scans, gate, image, byCheckedKey(record.vex ?? []));
      if (failing.length === 0) continue;
      const fixed = gate.ignoreUnfixed ? ' with a fix available' : '';
      violations.push({
        path,
        message: `${who} has ${failing.length} ${failing.length === 1 ? 'vulnerability' : 'vulnerabilities'} of ${gate.failOn} or more severe${fixed} `
          + `(${scans.map(describeScan).join('; ')}): ${describeVulnerabilities(failing)}`,
      });
    }
    return violations;
  },
};
