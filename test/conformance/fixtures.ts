import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import type { KubeObject } from '../../src/model/kube-object';

/** File prefix (check id lowercased) -> upstream Pod Security Admission check id. */
export const CHECK_ID_BY_PREFIX: Readonly<Record<string, string>> = {
  apparmorprofile: 'appArmorProfile',
  capabilities_baseline: 'capabilities_baseline',
  hostnamespaces: 'hostNamespaces',
  hostpathvolumes: 'hostPathVolumes',
  hostports: 'hostPorts',
  hostprobesandhostlifecycle: 'hostProbesAndHostLifecycle',
  privileged: 'privileged',
  procmount: 'procMount',
  selinuxoptions: 'seLinuxOptions',
  seccompprofile_baseline: 'seccompProfile_baseline',
  sysctls: 'sysctls',
  windowshostprocess: 'windowsHostProcess',
  allowprivilegeescalation: 'allowPrivilegeEscalation',
  capabilities_restricted: 'capabilities_restricted',
  procmount_restricted: 'procMount_restricted',
  restrictedvolumes: 'restrictedVolumes',
  runasnonroot: 'runAsNonRoot',
  runasuser: 'runAsUser',
  seccompprofile_restricted: 'seccompProfile_restricted',
};

/** Upstream's expected reason substring per check id (the fixtures README; the check id itself where none is set). */
export const EXPECTED_SUBSTRING: Readonly<Record<string, string>> = {
  appArmorProfile: 'forbidden AppArmor profile',
  capabilities_baseline: 'capabilities',
  hostNamespaces: 'host namespaces',
  hostPathVolumes: 'hostPath',
  hostPorts: 'hostPort',
  hostProbesAndHostLifecycle: 'probe or lifecycle host',
  privileged: 'privileged',
  procMount: 'procMount',
  seLinuxOptions: 'seLinuxOptions',
  seccompProfile_baseline: 'seccompProfile',
  sysctls: 'forbidden sysctl',
  windowsHostProcess: 'hostProcess',
  allowPrivilegeEscalation: 'allowPrivilegeEscalation',
  capabilities_restricted: 'unrestricted capabilities',
  procMount_restricted: 'procMount',
  restrictedVolumes: 'restricted volume types',
  runAsNonRoot: 'runAsNonRoot',
  runAsUser: 'runAsUser',
  seccompProfile_restricted: 'seccompProfile',
};

/** Upstream's fixtures, vendored unchanged with their README (source commit) and LICENSE. */
const VENDORED = resolve(__dirname, '..', 'fixtures', 'pod-security-admission');

/**
 * The upstream fixtures folder: `HARDPOD_PSA_FIXTURES` (to run against another upstream snapshot),
 * else the vendored copy. Throws when it is missing: the suites must fail, not skip.
 */
export function fixturesRoot(): string {
  const root = process.env.HARDPOD_PSA_FIXTURES || VENDORED;
  if (!existsSync(join(root, 'baseline')) || !existsSync(join(root, 'restricted'))) {
    throw new Error(`Pod Security Admission fixtures not found in ${root} (expected baseline/ and restricted/)`);
  }
  return root;
}

export interface Fixture {
  readonly level: 'baseline' | 'restricted';
  readonly minor: number;
  readonly verdict: 'pass' | 'fail';
  readonly file: string;
  /** Upstream check id the file exercises; undefined for the `base*` pods. */
  readonly checkId?: string;
  readonly pod: KubeObject;
}

/** Every fixture, parsed, grouped by level and minor. */
export function loadFixtures(root = fixturesRoot()): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    for (const versionDir of readdirSync(join(root, level))) {
      const minor = Number(/^v1\.(\d+)$/.exec(versionDir)?.[1]);
      if (!Number.isInteger(minor)) throw new Error(`unexpected folder ${level}/${versionDir}`);
      for (const verdict of ['pass', 'fail'] as const) {
        const dir = join(root, level, versionDir, verdict);
        for (const file of readdirSync(dir).sort()) {
          if (!file.endsWith('.yaml')) continue;
          const prefix = file.replace(/\d*\.yaml$/, '');
          const checkId = CHECK_ID_BY_PREFIX[prefix];
          if (!checkId && !/^base(_linux|_windows)?$/.test(prefix)) throw new Error(`no check id for fixture ${level}/${versionDir}/${verdict}/${file}`);
          if (!checkId && verdict === 'fail') throw new Error(`fail fixture without check id: ${file}`);
          fixtures.push({ level, minor, verdict, file: `${level}/${versionDir}/${verdict}/${file}`, checkId, pod: load(readFileSync(join(dir, file), 'utf8')) as KubeObject });
        }
      }
    }
  }
  return fixtures;
}

/** The pod's template wrapped in a workload, as upstream's createController does. */
export function wrapInDeployment(pod: KubeObject): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: pod.metadata?.name },
    spec: { selector: { matchLabels: { app: 'fixture' } }, template: { metadata: { ...pod.metadata, labels: { app: 'fixture' } }, spec: pod.spec } },
  };
}

export function wrapInCronJob(pod: KubeObject): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: pod.metadata?.name },
    spec: { schedule: '@daily', jobTemplate: { spec: { template: { metadata: pod.metadata, spec: pod.spec } } } },
  };
}
