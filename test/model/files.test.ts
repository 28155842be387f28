import { constants } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, constants as fsConstants, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isHardpodError } from '../../src/model/errors';
import { decodeUtf8, readUserFile, refuseOversizedText, refuseUnwritablePath, writeFileAtomic, writeFileAtomicChunks, writeFilesAtomic } from '../../src/model/files';
import { describeWithTools } from '../harness/required-tools';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hardpod-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The error a promise is rejected with. */
async function rejected(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('writeFileAtomic', () => {
  test('replaces the file whole and leaves nothing else behind', async () => {
    const file = join(dir, 'report.sarif');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new content\n');
    expect(readFileSync(file, 'utf8')).toBe('new content\n');
    expect(readdirSync(dir)).toEqual(['report.sarif']);
  });

  test('a folder that does not exist is a HardpodError naming the file and the folder', async () => {
    const file = join(dir, 'missing', 'baseline.json');
    const error = await rejected(writeFileAtomic(file, '{}'));
    expect(isHardpodError(error)).toBe(true);
    expect((error as Error).message).toBe(`${file}: cannot write the file: the folder ${dirname(file)} does not exist (create it first)`);
    // Through a link to a file in a missing folder, that folder is the one named.
    const link = join(dir, 'report.json');
    symlinkSync(join(dir, 'gone', 'report.json'), link);
    expect((await rejected(writeFileAtomic(link, '{}')) as Error).message).toBe(`${link}: cannot write the file: the folder ${join(dir, 'gone')} does not exist (create it first)`);
  });

  test('a failed rename keeps what was there and removes the temp file', async () => {
    // A non-empty folder where the file should go: the rename fails after the content was written.
    const target = join(dir, 'out.json');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'kept');
    const error = await rejected(writeFileAtomic(target, 'content'));
    expect((error as Error).message).toMatch(/: cannot write the file: (is a folder, expected a file|write error \((ENOTEMPTY|EEXIST)\))$/);
    expect(readdirSync(dir)).toEqual(['out.json']);
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('kept');
  });
});

describe('writeFileAtomic through links and with permissions', () => {
  const modeOf = (path: string) => statSync(path).mode % 0o1000;

  test('a symlink stays a link and the file it points to is rewritten', async () => {
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'target.yaml');
    writeFileSync(target, 'old');
    symlinkSync(join('real', 'target.yaml'), join(dir, 'link.yaml'));
    await writeFileAtomic(join(dir, 'link.yaml'), 'new');
    expect(lstatSync(join(dir, 'link.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(join(dir, 'real'))).toEqual(['target.yaml']);
    expect(readdirSync(dir).sort()).toEqual(['link.yaml', 'real']);
  });

  test('a dangling symlink creates the file it names and stays a link', async () => {
    symlinkSync('made.json', join(dir, 'link.json'));
    await writeFileAtomic(join(dir, 'link.json'), '{}');
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'made.json'), 'utf8')).toBe('{}');
  });

  test('an existing file keeps its mode (0600 stays private); a new one is 0644 less the umask', async () => {
    for (const mode of [0o600, 0o640, 0o755]) {
      const file = join(dir, `f${mode.toString(8)}.yaml`);
      writeFileSync(file, 'old');
      chmodSync(file, mode);
      await writeFileAtomic(file, 'new');
      expect(readFileSync(file, 'utf8')).toBe('new');
      expect(modeOf(file).toString(8)).toBe(mode.toString(8));
    }
    if (process.getuid?.() === 0) {
      // Root may keep the owner too: a file in a shared folder stays its owner's.
      const owned = join(dir, 'owned.yaml');
      writeFileSync(owned, 'old');
      chownSync(owned, 1234, 2345);
      await writeFileAtomic(owned, 'new');
      expect([statSync(owned).uid, statSync(owned).gid]).toEqual([1234, 2345]);
    }
    const created = join(dir, 'new.yaml');
    await writeFileAtomic(created, 'x');
    // eslint-disable-next-line no-bitwise
    expect(modeOf(created)).toBe(0o644 & ~process.umask());
  });

  test('a read-only file (no write bit, as chmod a-w leaves it) is refused, even through a link, and stays as it was', async () => {
    const file = join(dir, 'protected.yaml');
    writeFileSync(file, 'kept');
    chmodSync(file, 0o444);
    symlinkSync('protected.yaml', join(dir, 'link.yaml'));
    for (const path of [file, join(dir, 'link.yaml')]) {
      const error = await rejected(writeFileAtomic(path, 'new'));
      expect(isHardpodError(error)).toBe(true);
      expect((error as Error).message).toBe(`${path}: cannot write the file: it is read-only (mode 0444); make it writable (chmod u+w) to have it replaced, or write to another file`);
      expect(() => refuseUnwritablePath(path)).toThrow((error as Error).message);
    }
    expect(readFileSync(file, 'utf8')).toBe('kept');
    expect(modeOf(file)).toBe(0o444);
    expect(readdirSync(dir).sort()).toEqual(['link.yaml', 'protected.yaml']);
  });
});

// Run as root, the test writes as the nobody user (65534) through setpriv; other users cannot switch.
const canWriteAsNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
describeWithTools('writeFileAtomic as a user who may not write the file', 'root and setpriv', canWriteAsNobody ? undefined : 'the tests must run as root, with setpriv (util-linux), to write as another user', () => {
  test('another user\'s file in a folder anyone may write is refused, not replaced by one of this user\'s', () => {
    chmodSync(dir, 0o777);
    const file = join(dir, 'theirs.yaml');
    writeFileSync(file, 'kept');
    chmodSync(file, 0o644);
    const script = `
      const { writeFileAtomic } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'model', 'files'))});
      writeFileAtomic(process.argv[1], 'new')
        .then(() => console.log('written'), (error) => console.log(error.name, error.message));`;
    const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-r', 'ts-node/register/transpile-only', '-e', script, file], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(`HardpodError ${file}: cannot write the file: it is not writable by this user (mode 0644); write to another file, or run as a user who may write it`);
    expect(readFileSync(file, 'utf8')).toBe('kept');
    expect(statSync(file).uid).toBe(0);
    expect(readdirSync(dir)).toEqual(['theirs.yaml']);
  });
});

describe('writeFileAtomic with the content read before', () => {
  test('writes when the file still holds what was read, and refuses (writing nothing) when it was edited or removed meanwhile', async () => {
    const file = join(dir, 'app.yaml');
    writeFileSync(file, 'read');
    await writeFileAtomic(file, 'pinned', { readContent: 'read' });
    expect(readFileSync(file, 'utf8')).toBe('pinned');

    const edited = await rejected(writeFileAtomic(file, 'pinned again', { readContent: 'read' }));
    expect(isHardpodError(edited)).toBe(true);
    expect((edited as Error).message).toBe(`${file}: the file changed after hardpod read it (edited meanwhile?); nothing was written: run the command again`);
    expect(readFileSync(file, 'utf8')).toBe('pinned');

    rmSync(file);
    expect((await rejected(writeFileAtomic(file, 'x', { readContent: 'pinned' })) as Error).message).toMatch(/the file was removed after hardpod read it/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeFilesAtomic', () => {
  test('writes every file, or none when one cannot be prepared', async () => {
    const a = join(dir, 'a.yaml');
    writeFileSync(a, 'old a');
    await writeFilesAtomic([{ path: a, content: 'new a' }, { path: join(dir, 'b.yaml'), content: 'new b' }]);
    expect([readFileSync(a, 'utf8'), readFileSync(join(dir, 'b.yaml'), 'utf8')]).toEqual(['new a', 'new b']);

    const missing = join(dir, 'missing', 'c.yaml');
    const error = await rejected(writeFilesAtomic([{ path: a, content: 'newer a' }, { path: missing, content: 'c' }]));
    expect((error as Error).message).toBe(`${missing}: cannot write the file: the folder ${dirname(missing)} does not exist (create it first); no file was changed`);
    expect(readFileSync(a, 'utf8')).toBe('new a');
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml']);
  });

  test('a file changed since it was read stops every write', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, 'a');
    writeFileSync(b, 'b edited');
    const error = await rejected(writeFilesAtomic([{ path: a, content: 'A', readContent: 'a' }, { path: b, content: 'B', readContent: 'b' }]));
    expect((error as Error).message).toBe(`${b}: the file changed after hardpod read it (edited meanwhile?); no file was changed: run the command again`);
    expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual(['a', 'b edited']);
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml']);
  });

  test('a rename failing midway names the files rewritten and those not', async () => {
    const a = join(dir, 'a.yaml');
    writeFileSync(a, 'old a');
    // A non-empty folder where the second file should go: its temp file is written, its rename fails.
    const folder = join(dir, 'b.yaml');
    mkdirSync(folder);
    writeFileSync(join(folder, 'keep'), 'kept');
    const c = join(dir, 'c.yaml');
    writeFileSync(c, 'old c');
    const error = await rejected(writeFilesAtomic([{ path: a, content: 'new a' }, { path: folder, content: 'b' }, { path: c, content: 'new c' }]));
    expect((error as Error).message).toMatch(new RegExp(`^${folder}: cannot write the file: (is a folder, expected a file|write error \\((ENOTEMPTY|EEXIST)\\)); already rewritten: ${a}; not rewritten: ${folder}, ${c}$`));
    expect([readFileSync(a, 'utf8'), readFileSync(c, 'utf8')]).toEqual(['new a', 'old c']);
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
  });
});

describe('writeFileAtomicChunks', () => {
  test('writes the chunks in order and replaces the file whole', async () => {
    const file = join(dir, 'report.json');
    writeFileSync(file, 'old');
    await writeFileAtomicChunks(file, (write) => ['{', '"a": 1', '}\n'].forEach(write));
    expect(readFileSync(file, 'utf8')).toBe('{"a": 1}\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  test('an error of the producer keeps what was there, removes the temp file and is thrown as it is', async () => {
    const file = join(dir, 'report.json');
    writeFileSync(file, 'old');
    const failure = new Error('the report could not be built');
    const error = await rejected(writeFileAtomicChunks(file, (write) => {
      write('half a report');
      throw failure;
    }));
    expect(error).toBe(failure);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  test('a write that fails halfway (the file size limit) is a HardpodError naming the file, and what was there stays', async () => {
    const file = join(dir, 'report.json');
    writeFileSync(file, 'old');
    // Under `ulimit -f`, a write beyond the limit fails with EFBIG (Node ignores SIGXFSZ).
    const script = `
      const { writeFileAtomicChunks } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'model', 'files'))});
      writeFileAtomicChunks(process.argv[1], (write) => { for (let i = 0; i < 64; i++) write('x'.repeat(64 * 1024)); })
        .then(() => console.log('written'), (error) => console.log(error.name, error.message));`;
    const run = spawnSync('bash', ['-c', 'ulimit -f 1024 && exec "$0" -r ts-node/register/transpile-only -e "$1" "$2"', process.execPath, script, file], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(`HardpodError ${file}: cannot write the file: larger than this process may write (ulimit -f)`);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  test('a pipe (a FIFO a CI step reads, /dev/stdout, /dev/null) is written to, not replaced by a file', async () => {
    const fifo = join(dir, 'report.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // Opened for reading first (without blocking), so the write finds a reader.
    // eslint-disable-next-line no-bitwise
    const reader = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      await writeFileAtomicChunks(fifo, (write) => ['{', '"a": 1', '}\n'].forEach(write));
      const buffer = Buffer.alloc(64);
      const size = readSync(reader, buffer);
      expect(buffer.subarray(0, size).toString('utf8')).toBe('{"a": 1}\n');
    } finally {
      closeSync(reader);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['report.fifo']);
  });
});

describe('writeFileAtomicChunks stopped by a signal', () => {
  /** Runs a script that writes `report.json` in `dir` and, after the first chunk, sends itself `signal`. */
  function writeStoppedBy(signal: NodeJS.Signals, setup = ''): ReturnType<typeof spawnSync> {
    const script = `
      const { writeFileAtomicChunks } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'model', 'files'))});
      ${setup}
      writeFileAtomicChunks(process.argv[1], (write) => {
        write('half a report');
        process.kill(process.pid, ${JSON.stringify(signal)});
        write(' and the rest');
      }).then(() => console.log('written'), (error) => console.log(error.name, error.message));`;
    return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script, join(dir, 'report.json')], { encoding: 'utf8' });
  }

  test.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s stops the process as it does without a listener, the temp file removed and the previous file kept', (signal) => {
    writeFileSync(join(dir, 'report.json'), 'previous');
    const run = writeStoppedBy(signal);
    expect({ status: run.status, signal: run.signal, stdout: run.stdout }).toEqual({ status: null, signal, stdout: '' });
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  test('in a program that listens for the signal itself, the write is refused, naming the signal, and the program goes on', () => {
    writeFileSync(join(dir, 'report.json'), 'previous');
    const run = writeStoppedBy('SIGINT', "process.on('SIGINT', () => console.log('the program handles SIGINT'));");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`the program handles SIGINT\nHardpodError ${join(dir, 'report.json')}: stopped by SIGINT while being written; nothing was written\n`);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });
});

describe('refuseOversizedText', () => {
  test('a file longer than the longest string (a baseline of millions of findings) is refused naming it, not an internal error', () => {
    // V8's limit here, and the file one byte beyond it (no such file is read in a test: it takes half a gigabyte).
    const max = 0x1fffffe8;
    expect(() => refuseOversizedText(max, 'helm-output.yaml', max)).not.toThrow();
    const error = thrown(() => refuseOversizedText(max + 1, 'helm-output.yaml', max));
    expect(isHardpodError(error)).toBe(true);
    expect((error as Error).message).toBe('helm-output.yaml: the file is 512 MiB; hardpod reads files of at most 512 MiB (split it)');
  });

  test('the default limit is this Node\'s own, which bytes.toString would hit', () => {
    expect(() => refuseOversizedText(constants.MAX_STRING_LENGTH + 1, 'x.yaml')).toThrow(/x\.yaml: the file is \d+ MiB; hardpod reads files of at most \d+ MiB/);
    expect(() => decodeUtf8(Buffer.from('ok'), 'x.yaml')).not.toThrow();
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

describe('decodeUtf8', () => {
  const message = (bytes: Buffer): string => (thrown(() => decodeUtf8(bytes, 'app.yaml')) as Error).message;

  test('UTF-8 is decoded as it is, a byte order mark and characters beyond the BMP included', () => {
    const text = '\uFEFFname: café 🚀\n';
    expect(decodeUtf8(Buffer.from(text, 'utf8'), 'app.yaml')).toBe(text);
  });

  test.each([
    ['a Latin-1 byte after valid multi-byte characters', Buffer.concat([Buffer.from('a: é\nb: ✓\nc: caf'), Buffer.from([0xe9, 0x0a])]), 3, 0xe9],
    ['an overlong form', Buffer.concat([Buffer.from('a: '), Buffer.from([0xc0, 0xaf])]), 1, 0xc0],
    ['an encoded surrogate', Buffer.concat([Buffer.from('a: b\n'), Buffer.from([0xed, 0xa0, 0x80])]), 2, 0xed],
    ['a sequence cut off at the end', Buffer.concat([Buffer.from('a: b\n\nc: '), Buffer.from([0xe2, 0x82])]), 3, 0xe2],
    ['a continuation byte on its own', Buffer.concat([Buffer.from('a: '), Buffer.from([0x80])]), 1, 0x80],
  ])('%s is refused at its line and offset', (_, bytes, line, byte) => {
    const offset = bytes.indexOf(byte);
    expect(message(bytes)).toMatch(new RegExp(`^app\\.yaml:${line}: not valid UTF-8: byte 0x${byte.toString(16).toUpperCase()} at offset ${offset}; `));
  });

  test('UTF-16 (either byte order) is named as such', () => {
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: b\n', 'utf16le')]);
    const utf16be = Buffer.from(utf16le.subarray(0).swap16());
    expect(message(utf16le)).toMatch(/^app\.yaml:1: encoded in UTF-16; hardpod reads UTF-8/);
    expect(message(utf16be)).toMatch(/^app\.yaml:1: encoded in UTF-16/);
  });

  test('UTF-16 without a byte order mark (either byte order) is named as such, not as a null byte in YAML', () => {
    const utf16le = Buffer.from('apiVersion: v1\n', 'utf16le');
    const utf16be = Buffer.from(Buffer.from(utf16le).swap16());
    expect(message(utf16le)).toBe('app.yaml:1: encoded in UTF-16 (without a byte order mark); hardpod reads UTF-8: convert it (e.g. `iconv -f UTF-16LE -t UTF-8`)');
    expect(message(utf16be)).toMatch(/^app\.yaml:1: encoded in UTF-16 \(without a byte order mark\); .*iconv -f UTF-16BE -t UTF-8/);
  });

  test('readUserFile refuses a config that is not UTF-8 the same way', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, Buffer.from('level: h\u00e4rdened\n', 'latin1'));
    expect((thrown(() => readUserFile(file, 'config file')) as Error).message).toMatch(new RegExp(`^${file}:1: not valid UTF-8: byte 0xE4 at offset 8`));
  });
});
