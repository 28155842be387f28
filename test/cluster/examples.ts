/**
 * The objects the examples emit, rendered in a child process without touching their output
 * directories: the cdk8s app's charts as synthesized JSON, the Pulumi program's Kubernetes resources
 * as registered under Pulumi's mocks.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { KubeObject } from '../../src/model';

const REPO = path.resolve(__dirname, '../..');
const MARKER = '--- hardpod objects ---';

function runNode(script: string): KubeObject[] {
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: REPO, encoding: 'utf8', timeout: 180_000, maxBuffer: 64 * 1024 * 1024,
  });
  const at = run.stdout.lastIndexOf(MARKER);
  if (run.status !== 0 || at < 0) throw new Error(`rendering failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout.slice(at + MARKER.length)) as KubeObject[];
}

/** examples/cdk8s-app: App.synth is replaced so the charts come back as JSON instead of files. */
export function renderCdk8sExample(): KubeObject[] {
  return runNode([
    "const cdk8s = require('cdk8s');",
    `cdk8s.App.prototype.synth = function () { process.stdout.write(${JSON.stringify(MARKER)} + JSON.stringify(this.charts.flatMap((c) => c.toJson()))); };`,
    "require('./examples/cdk8s-app/main.ts');",
  ].join('\n'));
}

/** examples/pulumi-app under Pulumi's mocks: every Kubernetes resource's inputs. */
export function renderPulumiExample(): KubeObject[] {
  return runNode([
    "const pulumi = require('@pulumi/pulumi');",
    'const objects = [];',
    'pulumi.runtime.setMocks({',
    "  newResource: (a) => { if (a.type.startsWith('kubernetes:')) objects.push(a.inputs); return { id: a.name + '-id', state: a.inputs }; },",
    '  call: (a) => a.inputs,',
    "}, 'shop', 'dev', false);",
    `process.on('beforeExit', () => { if (!globalThis.printed) { globalThis.printed = true; process.stdout.write(${JSON.stringify(MARKER)} + JSON.stringify(objects)); } });`,
    "require('./examples/pulumi-app/index.ts');",
  ].join('\n'));
}
