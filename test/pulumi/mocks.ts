/**
 * Runs Pulumi programs under `pulumi.runtime.setMocks` and records what they register: every
 * resource's type, name, URN and inputs as the engine would receive them.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';

export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, any>;
}

const registered: RegisteredResource[] = [];

/**
 * Starts a mocked program run (once per test file, or before each test for one run per test);
 * `preview` makes outputs the mocks leave out unknown. The run before ends first: its pending
 * registrations would otherwise reach the new run's mocks.
 */
export async function installMocks(preview = false): Promise<void> {
  await pulumi.runtime.disconnect();
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        registered.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
        // A ConfigMap named "unknown-*" stands for a resource whose outputs are not known in preview.
        if (args.type === 'kubernetes:core/v1:ConfigMap' && args.name.startsWith('unknown-')) return { id: undefined, state: {} };
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        return args.inputs;
      },
    },
    'app',
    'dev',
    preview,
  );
}

/** The value of an output (undefined when unknown in preview); rejects when computing it threw. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  // Output.promise() is the SDK's own (internal) way to await a value, errors included.
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Waits until every resource is registered, then returns the records of those whose URN passes `filter`. */
export async function registeredUnder(resources: readonly pulumi.Resource[]): Promise<{ urns: string[]; records: RegisteredResource[] }> {
  const urns = await Promise.all(resources.map((r) => valueOf(r.urn)));
  const names = new Set(urns.map((urn) => `${urn.split('::')[2].split('$').pop()}::${urn.split('::')[3]}`));
  return { urns, records: registered.filter((r) => names.has(`${r.type}::${r.name}`)) };
}

export function clearRegistered(): void {
  registered.length = 0;
}

const REPO = path.resolve(__dirname, '../..');

/**
 * Runs program lines in a fresh Node.js process under the same mocks (with `pulumi` and `hp`, the
 * hardpod/pulumi module, in scope), for failures that end the program.
 */
export function runMockedProgram(body: string): { status: number | null; output: string } {
  const script = [
    "const pulumi = require('@pulumi/pulumi');",
    "pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + '-id', state: a.inputs }), call: (a) => a.inputs }, 'app', 'dev', false);",
    "const hp = require('./src/pulumi');",
    body,
  ].join('\n');
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
