import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHardpodError } from '../../src/model/errors';
import { readUserFile, writeFileAtomic } from '../../src/model/files';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hardpod-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('writeFileAtomic', () => {
  test('replaces the file whole and leaves nothing else behind', () => {
    const file = join(dir, 'report.sarif');
    writeFileSync(file, 'old');
    writeFileAtomic(file, 'new content\n');
    expect(readFileSync(file, 'utf8')).toBe('new content\n');
    expect(readdirSync(dir)).toEqual(['report.sarif']);
  });

  test('a folder that does not exist is a HardpodError naming the file and the reason', () => {
    const file = join(dir, 'missing', 'baseline.json');
    const error = thrown(() => writeFileAtomic(file, '{}'));
    expect(isHardpodError(error)).toBe(true);
    expect((error as Error).message).toBe(`${file}: cannot write the file (ENOENT)`);
  });

  test('a failed rename keeps what was there and removes the temp file', () => {
    // A non-empty folder where the file should go: the rename fails after the content was written.
    const target = join(dir, 'out.json');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'kept');
    const error = thrown(() => writeFileAtomic(target, 'content'));
    expect((error as Error).message).toMatch(/: cannot write the file \((EISDIR|ENOTEMPTY|EEXIST)\)$/);
    expect(readdirSync(dir)).toEqual(['out.json']);
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('kept');
  });
});

describe('readUserFile', () => {
  test('reads the text, or names the file and says why not', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'level: hardened\n');
    expect(readUserFile(file, 'config file')).toBe('level: hardened\n');
    expect((thrown(() => readUserFile(dir, 'config file')) as Error).message).toBe(`${dir}: cannot read the config file: is a folder, expected a file`);
    expect((thrown(() => readUserFile(join(dir, 'none'), 'baseline file')) as Error).message).toBe(`${join(dir, 'none')}: cannot read the baseline file: no such file or folder`);
  });

  test('a missing file can say how to create it', () => {
    const error = thrown(() => readUserFile(join(dir, 'hardpod.lock.json'), 'lock file', 'lock file not found; run `npx hardpod lock` to create it'));
    expect(isHardpodError(error)).toBe(true);
    expect((error as Error).message).toBe(`${join(dir, 'hardpod.lock.json')}: lock file not found; run \`npx hardpod lock\` to create it`);
  });
});
