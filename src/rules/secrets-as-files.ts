import type { PodRule, Violation } from './rule';
import { isFields } from '../model/pod-view';
import { cis, describeContainer, get, listOf, nist } from './support/pss';
import { text } from './support/shared-text';

/**
 * Environment variables leak: into child processes, crash dumps, `/proc/<pid>/environ` and logs
 * of tools that print their environment. Secrets mounted as files have none of those paths.
 */
export const secretsAsFiles: PodRule = {
  id: 'secrets-as-files',
  title: 'Secrets are mounted as files, not passed in environment variables',
  // The files of a Secret volume belong to root: with mode 0400 a non-root process (as the restricted
  // level demands) reads them only through the pod's fsGroup, to which the kubelet gives read access.
  remediation: 'Mount the Secret as a volume (readOnly, with defaultMode 0400, and the pod\'s securityContext.fsGroup set so the non-root process can read the files) and have the process read the file; remove env[].valueFrom.secretKeyRef and envFrom[].secretRef.',
  level: 'hardened',
  severity: 'medium',
  controls: [...cis('5.4.1'), ...nist('4.1.4')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const violations: Violation[] = [];
    for (let j = 0; j < pod.containers.length; j++) {
      const container = pod.containers[j];
      const variables = listOf(container.container.env);
      for (let i = 0; i < variables.length; i++) {
        const env = variables[i];
        const ref = get(get(env, 'valueFrom'), 'secretKeyRef');
        if (!isFields(ref)) continue;
        const variable = typeof get(env, 'name') === 'string' ? ` ${get(env, 'name') as string}` : '';
        violations.push({ path: text`${container.path}.env[${i}].valueFrom.secretKeyRef`, message: `${describeContainer(container)} reads Secret ${JSON.stringify(get(ref, 'name') ?? '')} into environment variable${variable}` });
      }
      const envFrom = listOf(container.container.envFrom);
      for (let i = 0; i < envFrom.length; i++) {
        const source = envFrom[i];
        const ref = get(source, 'secretRef');
        if (!isFields(ref)) continue;
        violations.push({ path: text`${container.path}.envFrom[${i}].secretRef`, message: `${describeContainer(container)} loads every key of Secret ${JSON.stringify(get(ref, 'name') ?? '')} into its environment` });
      }
    }
    return violations;
  },
};
