/**
 * The engine alone: evaluate() over 5,000 varied Deployments (the `hardpod check` bench's inputs) at
 * the default level, against parsing the same YAML with js-yaml in the same process. The CLI's
 * whole-process goal (1.5x the parse) leaves the engine about a third of the parse. Both inputs of
 * the check bench are measured: all-violating (60,000 findings) and mixed (80% compliant Deployments
 * with their Namespaces, NetworkPolicies and ServiceAccounts).
 */
import { loadAll } from 'js-yaml';
import { deploymentsYaml, type DeploymentsOptions } from './check.bench';
import { ratioAgainstFloor, report } from './measure';
import { evaluate, resolveConfig } from '../src/engine';
import type { KubeObject, LocatedObject } from '../src/model/kube-object';

const DEPLOYMENTS = 5000;
const config = resolveConfig({ level: 'hardened' });

function measure(variant: string, name: string, options: DeploymentsOptions): void {
  const text = deploymentsYaml(DEPLOYMENTS, options);
  const located: LocatedObject[] = (loadAll(text) as (KubeObject | null)[])
    .filter((o): o is KubeObject => o !== null)
    .map((object, i) => ({ object, source: { file: 'deployments.yaml', documentIndex: i } }));
  const deployments = located.filter((l) => l.object.kind === 'Deployment').length;
  if (deployments !== DEPLOYMENTS) throw new Error(`expected ${DEPLOYMENTS} Deployments, parsed ${deployments}`);

  const findings = evaluate(located, config).findings.length;
  if (findings === 0) throw new Error('the input is meant to produce findings; got none');

  const { ratio, subjectMs, floorMs } = ratioAgainstFloor(() => void evaluate(located, config), () => void loadAll(text), 9);
  const perSecond = Math.round(DEPLOYMENTS / (subjectMs / 1000));
  console.log(`${variant}: evaluate ${subjectMs.toFixed(0)} ms (${located.length} objects, ${findings} findings), js-yaml parse ${floorMs.toFixed(0)} ms (median, warm, same process)`);
  report(name, ratio, 0.35, `${perSecond} Deployments/s`);
}

measure('all-violating', 'evaluate 5000 Deployments (hardened) vs js-yaml parse', {});
measure('mixed', 'evaluate 5000 Deployments, 80% compliant (hardened) vs js-yaml parse', { compliantShare: 0.8 });
