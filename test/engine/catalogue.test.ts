import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRulesMarkdown, RULES_MD_PATH } from '../../scripts/generate-rules-md';
import type { KubeObject } from '../../src/model/kube-object';
import { NEWEST_EDITION, RULES, ruleById } from '../../src/rules/catalogue';
import { LEVELS } from '../../src/rules/rule';
import { CHECK_ID_BY_PREFIX } from '../conformance/fixtures';
import { check } from '../rules/hardened/context';

const RULES_DIR = join(__dirname, '..', '..', 'src', 'rules');
const NOT_RULES = new Set(['rule.ts', 'catalogue.ts', 'index.ts']);

describe('rule catalogue', () => {
  it('has one file per rule, named after its id, and every rule file is in the catalogue', () => {
    const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && !NOT_RULES.has(f));
    expect(files.map((f) => f.slice(0, -3)).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const rule of RULES) {
      const source = readFileSync(join(RULES_DIR, `${rule.id}.ts`), 'utf8');
      expect(source).toContain(`id: '${rule.id}'`);
    }
  });

  it('has unique kebab-case ids and complete metadata', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.title.length).toBeGreaterThan(5);
      expect(rule.remediation.length).toBeGreaterThan(10);
      expect(LEVELS).toContain(rule.level);
      expect(rule.edition).toBeGreaterThanOrEqual(1);
      expect(rule.edition).toBeLessThanOrEqual(NEWEST_EDITION);
      expect(ruleById(rule.id)).toBe(rule);
      for (const control of rule.controls) {
        expect(control.edition).toBeTruthy();
        // NIST SP 800-190 names countermeasures, not fields: every mapping to it is an interpretation.
        if (control.framework === 'NIST SP 800-190') expect(control.interpretation).toBe(true);
      }
    }
  });

  it('has exactly one rule per upstream Pod Security check, named as the kebab-case check id', () => {
    const checkIds = Object.values(CHECK_ID_BY_PREFIX).sort();
    const pssRules = RULES.filter((r) => r.pss);
    expect(pssRules.map((r) => r.pss).sort()).toEqual(checkIds);
    for (const rule of pssRules) {
      const kebab = rule.pss!.replace(/_/g, '-').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
      expect(rule.id).toBe(kebab);
      expect(['baseline', 'restricted']).toContain(rule.level);
      expect(rule.controls.some((c) => c.framework === 'Pod Security Standards')).toBe(true);
    }
  });

  // The controls view lists an object under a rule without `kinds` only when it holds a pod spec.
  it.each(['ServiceAccount', 'ConfigMap', 'Namespace', 'NetworkPolicy'])('every object or input rule without kinds says not-applicable for a %s', (kind) => {
    const object: KubeObject = { apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'shop' } };
    const unscoped = RULES.filter((r) => r.scope !== 'pod' && !r.kinds);
    expect(unscoped.length).toBeGreaterThan(3);
    for (const rule of unscoped) expect([rule.id, check(rule, object, { input: [object] })]).toEqual([rule.id, 'not-applicable']);
  });
});

describe('RULES.md', () => {
  it('is generated from the rule metadata and up to date (run `npx projen rules`)', () => {
    expect(existsSync(RULES_MD_PATH)).toBe(true);
    expect(readFileSync(RULES_MD_PATH, 'utf8')).toBe(renderRulesMarkdown());
  });

  it('lists every rule, its upstream check, and states that NIST mappings are an interpretation', () => {
    const text = renderRulesMarkdown();
    for (const rule of RULES) expect(text).toContain(`| \`${rule.id}\` |`);
    expect(text).toContain('`capabilities_restricted`');
    expect(text).toMatch(/NIST SP 800-190 mappings are an interpretation/);
    expect(text).toContain('CIS Kubernetes Benchmark v1.10');
    expect(text).toContain('1.37: net.ipv4.tcp_slow_start_after_idle');
  });
});
