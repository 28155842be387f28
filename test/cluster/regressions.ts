/**
 * Regression cases: Pods on which the server and the hardpod engine once disagreed, each with the
 * server's verdict. They live as YAML files in test/cluster/regressions/ and are judged again by both.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { KubeObjectLike } from '../harness/cluster';
import type { PodSecurityLevel } from '../harness/pod-security';

export const REGRESSIONS_DIR = path.join(__dirname, 'regressions');

export interface RegressionCase {
  readonly file: string;
  /** What was found, in a sentence. */
  readonly description: string;
  readonly level: PodSecurityLevel;
  /** Pod Security version the namespace enforced, e.g. `v1.37`. */
  readonly version: string;
  /** The server's verdict: admitted or not. */
  readonly allowed: boolean;
  readonly pod: KubeObjectLike;
}

/** Reads every regression file; a malformed one throws, naming the file and what was wrong. */
export function loadRegressions(dir = REGRESSIONS_DIR): RegressionCase[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((name) => {
    const file = path.join(dir, name);
    const doc = yaml.load(fs.readFileSync(file, 'utf8')) as Record<string, unknown> | undefined;
    const problem = (what: string): Error => new Error(`${file}: ${what}; expected keys description, level (baseline|restricted), version (v1.N), allowed (boolean), pod (a v1 Pod)`);
    if (!doc || typeof doc !== 'object') throw problem('not a mapping');
    if (typeof doc.description !== 'string') throw problem('description missing');
    if (doc.level !== 'baseline' && doc.level !== 'restricted') throw problem(`level ${JSON.stringify(doc.level)}`);
    if (typeof doc.version !== 'string' || !/^v1\.\d+$/.test(doc.version)) throw problem(`version ${JSON.stringify(doc.version)}`);
    if (typeof doc.allowed !== 'boolean') throw problem('allowed missing');
    const pod = doc.pod as KubeObjectLike | undefined;
    if (!pod || pod.kind !== 'Pod' || pod.apiVersion !== 'v1') throw problem('pod is not a v1 Pod');
    return { file, description: doc.description, level: doc.level, version: doc.version, allowed: doc.allowed, pod };
  });
}

/** The text of a regression file for a disagreement, ready to be copied into test/cluster/regressions/. */
export function regressionFileText(entry: Omit<RegressionCase, 'file'>): string {
  return `# Found by the differential suite (test/cluster/pod-security-differential.test.ts).\n${yaml.dump(
    { description: entry.description, level: entry.level, version: entry.version, allowed: entry.allowed, pod: entry.pod },
    { lineWidth: 120, noRefs: true },
  )}`;
}
