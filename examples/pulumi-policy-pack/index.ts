/**
 * hardpod's rules as a Pulumi policy pack. The policies come from the same engine config as
 * `hardpod check` (a hardpod.config.yaml next to this file, when there is one), so CI and every
 * stack enforce one policy. Publish it once for the organisation (`pulumi policy publish`), or
 * run it locally: `pulumi preview --policy-pack <this directory>`.
 *
 * Set `remediate` to let the pack harden workloads itself (Pulumi's `remediate` enforcement):
 * every stack's Deployments, StatefulSets ... are rewritten with hardpod's secure defaults before
 * they are validated, without touching the programs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyPack } from '@pulumi/policy';
// hardpod comes from this pack's package.json (`file:../..`); the repository's lint resolver does not see it.
// eslint-disable-next-line import/no-unresolved
import { isHardpodError, loadConfig } from 'hardpod';
// eslint-disable-next-line import/no-unresolved
import { hardpodPolicies } from 'hardpod/pulumi';

const configFile = join(__dirname, 'hardpod.config.yaml');

function policies() {
  try {
    return hardpodPolicies({
      config: existsSync(configFile) ? loadConfig(configFile) : {},
      remediate: process.env.HARDPOD_REMEDIATE === '1',
    });
  } catch (error) {
    if (!isHardpodError(error)) throw error;
    // A mistake in the config: say what and where, without a stack trace.
    console.error(`hardpod policy pack: ${error.message}`);
    return process.exit(1);
  }
}

new PolicyPack('hardpod', {
  description: 'hardpod: Pod Security Standards, CIS Kubernetes Benchmark and NIST SP 800-190 controls for Kubernetes workloads',
  policies: policies(),
});
