import type { Finding, Report } from '../../src/engine/report';
import type { RuleMetadata } from '../../src/rules/rule';

/** Rule metadata for hand-built reports, independent of the real catalogue. */
export const FIXTURE_RULES: RuleMetadata[] = [
  {
    id: 'privileged',
    title: 'Containers are not privileged',
    remediation: 'Set privileged: false.',
    level: 'baseline',
    severity: 'critical',
    pss: 'privileged',
    controls: [{ framework: 'CIS Kubernetes Benchmark', edition: 'v1.10', id: '5.2.2' }, { framework: 'NIST SP 800-190', edition: '2017', id: '4.4.3' }],
    edition: 1,
    scope: 'pod',
  },
  {
    id: 'image-digest',
    title: 'Images are pinned by digest',
    remediation: 'Pin images by digest.',
    level: 'hardened',
    severity: 'high',
    controls: [{ framework: 'CIS Kubernetes Benchmark', edition: 'v1.10', id: '5.5.1' }, { framework: 'NIST SP 800-190', edition: '2017', id: '4.1.5' }],
    edition: 1,
    scope: 'pod',
  },
  {
    id: 'namespace-psa-labels',
    title: 'Namespaces carry Pod Security labels',
    remediation: 'Label the namespace.',
    level: 'hardened',
    severity: 'medium',
    controls: [{ framework: 'CIS Kubernetes Benchmark', edition: 'v1.10', id: '5.2.1' }],
    edition: 1,
    scope: 'input',
    kinds: ['Deployment', 'Pod'],
  },
  {
    id: 'not-at-this-level',
    title: 'A rule that did not run',
    remediation: 'n/a',
    level: 'hardened',
    severity: 'low',
    controls: [{ framework: 'NIST SP 800-190', edition: '2017', id: '4.9.9' }],
    edition: 2,
    scope: 'pod',
  },
];

function finding(overrides: Partial<Finding> & Pick<Finding, 'rule' | 'name'>): Finding {
  const rule = FIXTURE_RULES.find((r) => r.id === overrides.rule)!;
  return {
    pss: rule.pss ?? null,
    outcome: 'fail',
    severity: rule.severity,
    enforcement: 'deny',
    kind: 'Deployment',
    namespace: 'shop',
    path: 'spec.template.spec.containers[0].securityContext.privileged',
    message: 'container "app" must not set securityContext.privileged=true',
    remediation: rule.remediation,
    controls: rule.controls,
    source: { file: 'deploy/web.yaml', line: 19 },
    ...overrides,
  };
}

/**
 * A report with one finding of every outcome: a blocking fail, a warning, an unknown, a suppressed,
 * a baselined fail and a rule error; text that needs escaping in XML and JSON; and a passing object.
 */
export function fixtureReport(): Report {
  const findings: Finding[] = [
    finding({ rule: 'privileged', name: 'web' }),
    finding({ rule: 'image-digest', name: 'web', path: 'spec.template.spec.containers[0].image', message: 'image "nginx:1.25" <is> not "pinned" & tagged', source: { file: 'deploy/web.yaml', line: 17 }, enforcement: 'warn' }),
    finding({ rule: 'namespace-psa-labels', name: 'web', path: 'metadata.namespace', outcome: 'unknown', message: 'the Namespace "shop" is not in the input', source: { file: 'deploy/web.yaml', line: 7 } }),
    finding({ rule: 'privileged', name: 'debug', kind: 'Pod', namespace: undefined, path: 'spec.containers[0].securityContext.privileged', outcome: 'suppressed', suppression: { rule: 'privileged', reason: 'node debugging, approved by SEC-12', source: 'annotation' }, source: { file: 'deploy/debug.yaml', line: 12 } }),
    finding({ rule: 'image-digest', name: 'legacy', path: 'spec.template.spec.containers[0].image', baselined: true, source: { file: 'legacy/app.yaml', line: 30 } }),
    finding({ rule: 'namespace-psa-labels', name: 'legacy', path: '', outcome: 'error', message: 'rule namespace-psa-labels could not judge this object: boom\u0001', source: { file: 'legacy/app.yaml', line: 2 } }),
  ];
  return {
    schemaVersion: '1',
    level: 'hardened',
    kubernetesVersion: '1.37',
    edition: 1,
    findings,
    summary: {
      objects: 5, checks: 40, pass: 30, fail: 2, unknown: 1, error: 1, suppressed: 1, notApplicable: 5, checksWithFindings: 5, baselined: 1,
    },
    objects: [
      { kind: 'Deployment', name: 'web', namespace: 'shop', source: { file: 'deploy/web.yaml', line: 3, template: 'web/templates/deployment.yaml' } },
      { kind: 'Pod', name: 'debug', source: { file: 'deploy/debug.yaml', line: 1 } },
      { kind: 'Deployment', name: 'legacy', namespace: 'shop', source: { file: 'legacy/app.yaml', line: 1 } },
      { kind: 'Deployment', name: 'clean', namespace: 'shop', source: { file: 'ok/clean.yaml', line: 1 } },
      // As the engine reports it: among the objects (with no pod spec found) and in notChecked.
      { kind: 'Widget', name: 'w', source: { file: 'crd/w.yaml', line: 4 }, podSpecs: 0 },
    ],
    notChecked: [{ kind: 'Widget', name: 'w', source: { file: 'crd/w.yaml', line: 4 }, podSpecs: 0, reason: 'spec.template looks like a pod template' }],
    rules: ['privileged', 'image-digest', 'namespace-psa-labels'],
  };
}
