import type { ObjectRule } from './rule';

/**
 * Fields of the wrong type (`containers: {}`, `capabilities: "ALL"`), and a pod spec without any
 * container (`containers` missing or empty, e.g. misspelt `container:`), would make every other check
 * read nothing and pass; this rule turns each into a finding instead. So are the fields the API server
 * refuses for the OS a pod names (`readOnlyRootFilesystem` in a Windows pod): the checks that exempt
 * Windows pods would pass a pod that is never created. And ephemeral containers in a pod template or a
 * Pod to create, which the server refuses there: they would be judged as if they ran.
 */
export const wellFormedPodSpec: ObjectRule = {
  id: 'well-formed-pod-spec',
  title: 'Pod specs have the types and fields Kubernetes accepts',
  remediation: 'Fix the field to the type the Kubernetes API expects, or remove a field it refuses there (see the message); the API server would reject the pod, and hardpod cannot judge it.',
  level: 'baseline',
  severity: 'high',
  controls: [],
  edition: 1,
  scope: 'object',
  check({ pods, shapeProblems }) {
    if (pods.length === 0 && shapeProblems.length === 0) return 'not-applicable';
    return shapeProblems;
  },
};
