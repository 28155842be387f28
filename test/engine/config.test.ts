import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployment, located } from './helpers';
import { evaluate, loadConfig, resolveConfig } from '../../src/engine';
import { HardpodError } from '../../src/model/errors';

const dir = mkdtempSync(join(tmpdir(), 'hardpod-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('loads a YAML config with comments that the engine applies', () => {
    const path = file('ok.yaml', [
      '# team policy',
      'level: baseline',
      'kubernetesVersion: "1.30"',
      'rules:',
      '  privileged: { severity: low, enforcement: warn }',
      'suppressions:',
      '  - { rule: host-ports, kind: Deployment, namespace: shop, name: a, reason: legacy ingress }',
      'hardened:',
      '  allowedRegistries: [registry.example]',
      '',
    ].join('\n'));
    const config = loadConfig(path);
    expect(config.hardened?.allowedRegistries).toEqual(['registry.example']);
    const report = evaluate(located(deployment('a', { containers: [{ name: 'app', securityContext: { privileged: true } }] })), config);
    expect(report).toMatchObject({ level: 'baseline', kubernetesVersion: '1.30' });
    expect(report.findings[0]).toMatchObject({ severity: 'low', enforcement: 'warn' });
  });

  it('refuses an unquoted version that YAML reads as a number', () => {
    const path = file('number.yaml', 'kubernetesVersion: 1.30\n');
    expect(() => loadConfig(path)).toThrow(new RegExp(`${path}:1.*quoted string`));
  });

  it('loads JSON', () => {
    expect(loadConfig(file('ok.json', '{"level": "restricted"}')).level).toBe('restricted');
  });

  it('names the file and line of a YAML syntax error', () => {
    const path = file('broken.yaml', 'level: baseline\nrules:\n  privileged: [\n');
    expect(() => loadConfig(path)).toThrow(HardpodError);
    expect(() => loadConfig(path)).toThrow(new RegExp(`${path}:\\d+`));
  });

  it('names the file and line of an invalid setting', () => {
    const path = file('bad.yaml', 'level: baseline\nrules:\n  privileged:\n    severity: urgent\n');
    expect(() => loadConfig(path)).toThrow(new RegExp(`${path}:4 \\(rules\\.privileged\\.severity\\).*unknown severity "urgent"`));
    const unknownKey = file('unknown.yaml', 'level: baseline\nlevle: restricted\n');
    expect(() => loadConfig(unknownKey)).toThrow(new RegExp(`${unknownKey}:2.*unknown config key "levle"`));
    const emptyReason = file('reason.yaml', 'suppressions:\n  - rule: privileged\n    kind: Deployment\n    name: a\n    reason: ""\n');
    expect(() => loadConfig(emptyReason)).toThrow(new RegExp(`${emptyReason}:2.*non-empty reason`));
  });

  it('checks the hardened settings the rules read and the workload kinds, naming the file and line of a typo or a wrong type', () => {
    const cases: [string, RegExp][] = [
      ['hardened:\n  allowedRegistrys: [ghcr.io/acme]\n', /:2 \(hardened\.allowedRegistrys\): unknown setting "allowedRegistrys"; expected one of .*allowedRegistries/],
      ['hardened:\n  allowedRegistries: ghcr.io/acme\n', /:2 \(hardened\.allowedRegistries\): allowedRegistries must be a non-empty list/],
      ['hardened:\n  allowedRegistries: []\n', /:2 \(hardened\.allowedRegistries\): allowedRegistries must be a non-empty list/],
      ['level: hardened\nhardened:\n  requireCpuLimit: "no"\n', /:3 \(hardened\.requireCpuLimit\): requireCpuLimit must be true or false, got "no"/],
      ['hardened:\n  requireMinimalImages: 1\n', /:2 \(hardened\.requireMinimalImages\): requireMinimalImages must be true or false, got 1/],
      ['hardened:\n  imageFacts: {}\n', /:2 \(hardened\.imageFacts\): imageFacts holds the facts hardpod reads from a lock file/],
      ['workloadKinds:\n  - kind: Rollout\n    templatePath: spec..template\n', /:3 \(workloadKinds\[0\]\.templatePath\): templatePath "spec\.\.template" must be a dotted path of field names/],
      ['workloadKinds:\n  - kind: Worker\n    templatePath: spec.template\n    referencePath: 3\n', /:4 \(workloadKinds\[0\]\.referencePath\): referencePath 3 must be a dotted path of field names, e\.g\. spec\.workloadRef/],
      ['workloadKinds:\n  - kind: Worker\n    templatepath: spec.template\n    templatePath: spec.template\n', /:3 \(workloadKinds\[0\]\.templatepath\): unknown key "templatepath" in a workload kind; expected kind, group, templatePath, referencePath/],
    ];
    cases.forEach(([text, message], i) => expect(() => loadConfig(file(`hardened-${i}.yaml`, text))).toThrow(message));
    const good = loadConfig(file('hardened-good.yaml', 'hardened:\n  allowedRegistries: [ghcr.io/acme]\n  requireCpuLimit: false\n  requireMinimalImages: true\n'));
    expect(resolveConfig(good).hardened).toEqual({ allowedRegistries: ['ghcr.io/acme'], requireCpuLimit: false, requireMinimalImages: true });
  });

  it('names a missing file and a config that is not a mapping', () => {
    expect(() => loadConfig(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read the config file: no such file or folder/);
    expect(() => loadConfig(file('list.yaml', '- a\n- b\n'))).toThrow(/must be a mapping/);
  });
});
