import { whyNoAdmissionPolicy } from '../../admission/cel-rules';
import { HardpodError } from '../../model/errors';
import { controlLabel } from '../../reporters/shared';
import { RULES } from '../../rules/catalogue';
import { LEVELS, levelIncludes, type AnyRule, type Level } from '../../rules/rule';
import { oneOf, parseCommandArgs } from '../args';
import { EXIT, type CliContext, type Command } from '../command';

const USAGE = `Usage: hardpod rules [options]

Lists the rules: id, level, recommended severity, Pod Security check, the Kubernetes version a rule
starts at, the rule-set edition that introduced it, and the controls it maps to.

Options:
  --level LEVEL     only the rules a level runs: baseline, restricted or hardened (default: all)
  --format FORMAT   text or json (default: text); json is an object with a schemaVersion and the
                    rules, each with its kinds, version changes, control mappings and whether
                    hardpod admission-policy emits it
  -h, --help        show this help
`;

/** `hardpod rules`: the catalogue as a table or JSON. */
export const rulesCommand: Command = {
  usage: USAGE,
  run(context: CliContext): number {
    const { values, positionals } = parseCommandArgs('rules', context.args, {
      level: { type: 'string' },
      format: { type: 'string', default: 'text' },
    });
    // A path given here was meant for check: ignoring it would list the catalogue and exit 0 in a CI step.
    if (positionals.length > 0) {
      throw new HardpodError(`takes no arguments, got ${positionals.map((p) => JSON.stringify(p)).join(', ')} (to check files: hardpod check ${positionals.join(' ')})`, 'hardpod rules');
    }
    const format = oneOf('rules', 'format', values.format!, ['text', 'json'] as const);
    const level = values.level === undefined ? undefined : oneOf<Level>('rules', 'level', values.level, LEVELS);
    const rules = RULES.filter((rule) => level === undefined || levelIncludes(level, rule.level));

    if (format === 'json') {
      context.stdout(`${JSON.stringify(rulesJson(rules), null, 2)}\n`);
      return EXIT.ok;
    }
    const idWidth = Math.max(4, ...rules.map((r) => r.id.length));
    const lines = [`${'rule'.padEnd(idWidth)}  ${'level'.padEnd(10)}  ${'severity'.padEnd(8)}  title`];
    for (const r of rules) {
      const since = r.versions?.since ? `, from Kubernetes 1.${r.versions.since}` : '';
      lines.push(`${r.id.padEnd(idWidth)}  ${r.level.padEnd(10)}  ${r.severity.padEnd(8)}  ${r.title}`);
      lines.push(`${''.padEnd(idWidth)}  ${r.pss ? `PSS ${r.pss}; ` : ''}edition ${r.edition}${since}`);
      if (r.controls.length) lines.push(`${''.padEnd(idWidth)}  ${r.controls.map(controlLabel).join('; ')}`);
    }
    lines.push('', `${rules.length} rule${rules.length === 1 ? '' : 's'}${level ? ` at level ${level}` : ''}`);
    context.stdout(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};

/** Version of `hardpod rules --format json`; bumped on any breaking change to its shape. */
export const RULES_JSON_SCHEMA_VERSION = '1';

/**
 * The catalogue as data for tools (a dashboard, a policy review): every field of the rules' metadata
 * a reader of RULES.md sees, with null rather than a missing key where a rule has none.
 */
export function rulesJson(rules: readonly AnyRule[]): object {
  return {
    schemaVersion: RULES_JSON_SCHEMA_VERSION,
    rules: rules.map((r) => ({
      id: r.id,
      title: r.title,
      level: r.level,
      severity: r.severity,
      pss: r.pss ?? null,
      scope: r.scope,
      kinds: r.kinds ?? null,
      since: r.versions?.since !== undefined ? `1.${r.versions.since}` : null,
      changes: (r.versions?.changes ?? []).map((change) => ({ version: `1.${change.minor}`, note: change.note })),
      edition: r.edition,
      remediation: r.remediation,
      // The config keys the rule reads, as a config file spells them.
      settings: Object.keys(r.settings ?? {}).map((key) => `hardened.${key}`),
      // Whether `hardpod admission-policy` emits the rule (when the config runs it), or why not.
      admission: admissionOf(r),
      controls: r.controls.map((c) => ({
        framework: c.framework, edition: c.edition, id: c.id, interpretation: c.interpretation === true, field: c.field ?? null,
      })),
    })),
  };
}

/** `{ emitted: true }`, or `{ emitted: false, reason }` for a rule no admission policy carries. */
function admissionOf(rule: AnyRule): { readonly emitted: boolean; readonly reason?: string } {
  const reason = whyNoAdmissionPolicy(rule);
  return reason === undefined ? { emitted: true } : { emitted: false, reason };
}
