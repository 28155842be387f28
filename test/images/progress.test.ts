import type { CliContext } from '../../src/cli/command';
import { progressFor } from '../../src/cli/commands/lock';

/** A context whose standard error is a terminal or not (standard output: the opposite, unless given). */
function context(tty: boolean, env: Record<string, string> = {}, stdoutIsTTY = !tty): { context: CliContext; err: string[] } {
  const err: string[] = [];
  return { err, context: { args: [], cwd: '/', env, stdoutIsTTY, stderrIsTTY: tty, stdout: () => undefined, stderr: (text) => err.push(text) } };
}

describe('lock progress', () => {
  it('redraws one bar in place on a terminal', () => {
    const { context: ctx, err } = context(true);
    const progress = progressFor('lock', ctx);
    progress.start(4);
    progress.done('a');
    progress.done('b', 'boom');
    progress.finish();
    expect(err[0]).toMatch(/^\r\[#{8}\.{22}\] 1\/4 a/);
    expect(err[1]).toMatch(/^\r\[#{15}\.{15}\] 2\/4 b/);
    expect(err[2]).toBe('\n');
  });

  it('prints plain lines when standard error, where it goes, is a log file, even with standard output on a terminal', () => {
    const { context: ctx, err } = context(false, {}, true);
    const progress = progressFor('lock', ctx);
    progress.start(1);
    progress.done('registry.example.com/a:1');
    progress.finish();
    expect(err).toEqual(['hardpod lock: resolved registry.example.com/a:1 (1/1)\n']);
  });

  it('prints plain lines in CI, even on a terminal', () => {
    const { context: ctx, err } = context(true, { CI: 'true' });
    const progress = progressFor('lock', ctx);
    progress.start(2);
    progress.done('registry.example.com/a:1');
    progress.done('registry.example.com/b:1', 'not found');
    progress.finish();
    expect(err).toEqual(['hardpod lock: resolved registry.example.com/a:1 (1/2)\n', 'hardpod lock: failed registry.example.com/b:1 (2/2)\n']);
  });
});
