/**
 * The engine alone: evaluate() over 5,000 varied Deployments (the `hardpod check` bench's input) at
 * the default level, against parsing the same YAML with js-yaml in the same process. The CLI's
 * whole-process goal (1.5x the parse) leaves the engine about a third of the parse.
 */
import { loadAll } from 'js-yaml';
import { deploymentsYaml } from './check.bench';
import { ratioAgainstFloor, report } from './measure';
import { evaluate, resolveConfig } from '../src/engine';
import type { KubeObject, LocatedObject } from '../src/model/kube-object';

const DEPLOYMENTS = 5000;
const text = deploymentsYaml(DEPLOYMENTS);
const located: LocatedObject[] = (loadAll(text) as (KubeObject | null)[])
  .filter((o): o is KubeObject => o !== null)
  .map((object, i) => ({ object, source: { file: 'deployments.yaml', documentIndex: i } }));
if (located.length !== DEPLOYMENTS) throw new Error(`expected ${DEPLOYMENTS} objects, parsed ${located.length}`);

const config = resolveConfig({ level: 'hardened' });
const findings = evaluate(located, config).findings.length;
if (findings === 0) throw new Error('the input is meant to produce findings; got none');

const { ratio, subjectMs, floorMs } = ratioAgainstFloor(() => void evaluate(located, config), () => void loadAll(text), 9);
const perSecond = Math.round(DEPLOYMENTS / (subjectMs / 1000));
console.log(`evaluate ${subjectMs.toFixed(0)} ms (${findings} findings), js-yaml parse ${floorMs.toFixed(0)} ms (median, warm, same process)`);
report('evaluate 5000 Deployments (hardened) vs js-yaml parse', ratio, 0.35, `${perSecond} objects/s`);
