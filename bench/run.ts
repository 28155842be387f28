/**
 * Runs every `bench/*.bench.ts` in its own process (fresh heap, no cross-talk) and prints one
 * summary table. Each benchmark prints a final line `BENCH {"name":...,"ratio":...,"goal":...}`;
 * ratios are always against a floor or peer measured in the same run, never absolute times.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

interface BenchResult {
  readonly name: string;
  readonly ratio: number;
  readonly goal: number;
  readonly detail?: string;
}

const dir = __dirname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results: BenchResult[] = [];
for (const file of files) {
  console.log(`\n== ${file}`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '-r', 'ts-node/register/transpile-only', join(dir, file)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TS_NODE_PROJECT: join(dir, '..', 'test', 'tsconfig.json') } },
  );
  process.stdout.write(run.stdout);
  if (run.status !== 0) {
    console.error(`${file} exited with ${run.status}`);
    process.exitCode = 1;
    continue;
  }
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('BENCH ')) results.push(JSON.parse(line.slice(6)) as BenchResult);
  }
}

console.log('\nbenchmark'.padEnd(60) + 'ratio'.padStart(8) + 'goal'.padStart(8) + '  verdict');
for (const r of results) {
  const verdict = r.ratio <= r.goal ? 'met' : 'MISSED';
  console.log(r.name.padEnd(60) + r.ratio.toFixed(2).padStart(8) + r.goal.toFixed(2).padStart(8) + `  ${verdict}${r.detail ? `  (${r.detail})` : ''}`);
}
