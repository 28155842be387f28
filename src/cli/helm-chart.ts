import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { HardpodError } from '../model/errors';
import type { LocatedObject } from '../model/kube-object';
import { yamlModule } from '../model/lazy-yaml';
import { isFields } from '../model/pod-view';

/**
 * `--helm-chart DIR`: where in the repository the chart a `helm template` output came from lives.
 * Helm names each template in its `# Source:` comment from the chart's name (`shop/templates/web.yaml`,
 * `shop/charts/redis/templates/...` for a subchart), not from the folder it was rendered from
 * (`deploy/charts/shop`), so reports would point code scanning at files the repository does not have.
 */

/** The name a chart's Chart.yaml gives it, which starts the `# Source:` paths of what it renders. */
function chartName(dir: string, given: string, option: string): string {
  const chartFile = join(dir, 'Chart.yaml');
  let isFolder = false;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    // Said below, as a folder that is not there.
  }
  if (!isFolder) throw new HardpodError(`${option} ${JSON.stringify(given)} is not a folder: give the folder of the chart that rendered the input (the one holding Chart.yaml)`, 'hardpod check');
  let text: string;
  try {
    text = readFileSync(chartFile, 'utf8');
  } catch {
    throw new HardpodError(`${option} ${JSON.stringify(given)} holds no Chart.yaml: give the folder of the chart that rendered the input`, 'hardpod check');
  }
  let chart: unknown;
  try {
    chart = yamlModule().parse(text);
  } catch (error) {
    throw new HardpodError(`is no YAML Helm can read (${(error as Error).message.split('\n')[0]})`, join(given, 'Chart.yaml'));
  }
  const name = isFields(chart) ? chart.name : undefined;
  if (typeof name !== 'string' || name === '' || name.includes('/')) {
    throw new HardpodError('has no chart name (name: <chart>), which Helm starts every # Source: path of the templates it renders with', join(given, 'Chart.yaml'));
  }
  return name;
}

/**
 * Rewrites the template of every object the chart at `dir` rendered (`<name>/...`) into its path in
 * the repository, relative to `cwd`. The sources are changed in place: the input's field-line index is
 * keyed by them. Throws when no object of the input comes from that chart, which would leave every
 * report pointing where it pointed before, unseen.
 */
export function relocateHelmTemplates(objects: readonly LocatedObject[], dir: string, cwd: string, option = '--helm-chart'): void {
  const absolute = resolve(cwd, dir);
  const name = chartName(absolute, dir, option);
  const prefix = `${name}/`;
  const folder = relative(cwd, absolute).split(sep).join('/');
  const others = new Set<string>();
  let relocated = 0;
  for (const { source } of objects) {
    const template = source.template;
    if (template === undefined) continue;
    if (!template.startsWith(prefix)) {
      others.add(template.split('/')[0]);
      continue;
    }
    const rest = template.slice(prefix.length);
    (source as { template?: string }).template = folder === '' ? rest : `${folder}/${rest}`;
    relocated++;
  }
  if (relocated === 0) {
    const found = others.size > 0 ? `its # Source: comments name the chart${others.size === 1 ? '' : 's'} ${[...others].map((o) => JSON.stringify(o)).join(', ')}` : 'it holds no # Source: comment (is it helm template output?)';
    throw new HardpodError(`${option} ${JSON.stringify(dir)}: no object of the input was rendered by chart ${JSON.stringify(name)} (its Chart.yaml's name); ${found}`, 'hardpod check');
  }
}
