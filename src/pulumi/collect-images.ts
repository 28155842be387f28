/**
 * Runs a Pulumi Node.js program once under Pulumi's own mocks, so that `hardpod lock` learns which
 * images it uses: no engine, no cloud, no state; resources resolve to their inputs. The hardened
 * components resolve images through the lock file, which records every reference while
 * HARDPOD_LOCK_COLLECT is set. Spawned by `hardpod lock` as
 * `node collect-images.js <project folder> <entry> <project name> <stack name>`; a program that
 * fails makes this process fail with the program's own error, reported as Pulumi reports it.
 *
 * Everything is loaded from the project, as `pulumi up` would: its @pulumi/pulumi (the instance the
 * program and hardpod/pulumi register resources with) and, for TypeScript, its ts-node.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const [project, entry, projectName, stackName] = process.argv.slice(2);
if (!project || !entry || !projectName || !stackName) fail('usage: collect-images.js <project folder> <entry> <project name> <stack name>');
const fromProject = createRequire(join(project, 'package.json'));

function resolvable(id: string): boolean {
  try {
    fromProject.resolve(id);
    return true;
  } catch {
    return false;
  }
}

if (resolvable('ts-node')) {
  // As Pulumi's Node.js runtime does for TypeScript programs; CommonJS whatever the tsconfig says, as the program is required.
  (fromProject('ts-node') as { register(options: object): void }).register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
}
if (!resolvable('@pulumi/pulumi')) fail(`@pulumi/pulumi is not installed in ${project}; run npm install there first`);

interface MockResourceArgs { readonly name: string; readonly inputs: unknown }
interface Mocks {
  newResource(args: MockResourceArgs): { id: string; state: unknown };
  call(args: { inputs: unknown }): unknown;
}
interface ErrorClass {
  isInstance(error: unknown): boolean;
}
interface PulumiRuntime {
  runtime: { setMocks(mocks: Mocks, project: string, stack: string, preview: boolean): Promise<void> | void };
  RunError: ErrorClass;
  ResourceError: ErrorClass;
}
const pulumi = fromProject('@pulumi/pulumi') as PulumiRuntime;

/**
 * Reports the program's failure as Pulumi's Node.js runtime does: a RunError (a mistake a library
 * such as hardpod reports in the program's props, a missing config value) and a ResourceError that
 * asks so by its message alone, anything else (a bug) with its stack. Without this, Node would print
 * every failure as a crash, with the source line and the stack. The first failure is the one said.
 */
function programFailed(error: unknown): void {
  const hidesStack = pulumi.ResourceError.isInstance(error) && (error as { hideStack?: boolean }).hideStack === true;
  const mistake = pulumi.RunError.isInstance(error) || hidesStack;
  const text = error instanceof Error ? (mistake ? error.message : (error.stack ?? error.message)) : String(error);
  process.stderr.write(`${text}\n`);
  process.exit(1);
}
// A mistake found inside an apply (an Output's value) fails outside the program's own call.
process.on('uncaughtException', programFailed);
process.on('unhandledRejection', programFailed);
void Promise.resolve(pulumi.runtime.setMocks({
  newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
  call: (args) => args.inputs,
}, projectName, stackName, false)).then(async () => {
  // A program may export its body as a function (`export = async () => { ... }`); Pulumi runs it, so do we.
  const program = fromProject(entry) as unknown;
  const main = typeof program === 'function' ? program : (program as { default?: unknown } | null)?.default;
  if (typeof main === 'function') await (main as () => unknown)();
});
