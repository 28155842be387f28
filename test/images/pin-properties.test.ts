import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { pinCommand } from '../../src/cli/commands/pin';
import { parseImageRef, tagKey } from '../../src/images/image-ref';
import { LOCK_FILE_VERSION, parseLockFile, serializeLockFile, type LockFile } from '../../src/images/lock-file';
import { lineDiff, pinText, planFilePins } from '../../src/images/pin-yaml';
import { ManifestSet } from '../../src/loader';
import { HardpodError, isHardpodError } from '../../src/model/errors';
import { parseFieldPath } from '../../src/model/field-path';
import type { KubeObject } from '../../src/model/kube-object';
import { extractPodViews } from '../../src/model/pod-view';
import { cliMainPath } from '../cli/cli-process';

/**
 * `hardpod pin` rewrites users' files: for generated manifests in every style YAML allows, the
 * output must differ from the input only by the digests it adds to container images, hardpod must
 * read it as the same objects with only those images changed, and a file hardpod check refuses,
 * or one whose images cannot be pinned where they are written, must be refused with file:line.
 */

const PINNED_ALREADY = `sha256:${'c'.repeat(64)}`;
const REFERENCES = [
  'nginx', 'nginx:1.27', 'docker.io/library/nginx:1.27', 'ghcr.io/acme/app:v1.2.3', 'localhost:5000/team/web:v1',
  'registry.example.com:8443/a/b/c:latest', 'quay.io/org/tool:2024.01_rc-1', 'acme/worker:1.0',
  `busybox@${PINNED_ALREADY}`, `redis:7@${PINNED_ALREADY}`,
];

/** The lock file the fake resolver reads: one digest per tag, derived from the tag. */
const digestOfKey = (key: string): string => `sha256:${createHash('sha256').update(key).digest('hex')}`;
const LOCK: LockFile = parseLockFile(serializeLockFile({
  lockfileVersion: LOCK_FILE_VERSION,
  images: Object.fromEntries(REFERENCES.filter((r) => !r.includes('@')).map((r) => {
    const key = tagKey(parseImageRef(r));
    return [key, { digest: digestOfKey(key), mediaType: 'application/vnd.oci.image.index.v1+json', resolvedAt: '2026-01-01T00:00:00Z', resolvedFrom: 'https://r' }];
  })),
}), 'hardpod.lock.json');
const LOCKED_DIGESTS = Object.values(LOCK.images).map((entry) => entry.digest);

/** The digest the lock file gives a reference, as `hardpod pin --offline` looks it up. */
function lockedDigest(reference: string): string {
  const entry = LOCK.images[tagKey(parseImageRef(reference))];
  if (!entry) throw new Error(`no lock entry for ${reference}`);
  return entry.digest;
}
/** The pinned form: the reference as written with the digest appended (`name@sha256:...` without a tag). */
const pinnedForm = (reference: string): string => (parseImageRef(reference).digest ? reference : `${reference}@${lockedDigest(reference)}`);

/** The library path of `hardpod pin`: plan (refusing what cannot be pinned), then rewrite with the lock's digests. */
function pin(text: string, file = 'app.yaml'): string {
  return pinText(text, file, planFilePins(text, file).occurrences, lockedDigest);
}

function refusal(action: () => unknown): HardpodError {
  try {
    action();
  } catch (error) {
    if (isHardpodError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

// ---------------------------------------------------------------------------------------------
// The generator: manifests as pieces of text, each image value knowing where its digest goes.

/** An image value as written: `before` + `@digest` + `after` once pinned (`pin` false: never changes). */
interface ImagePiece {
  readonly before: string;
  readonly after: string;
  readonly reference: string;
  readonly pin: boolean;
}
type Piece = string | ImagePiece;
/** Lines that belong together (a block scalar's lines); `open` when comments and spaces may follow the last one. */
interface Group {
  readonly pieces: Piece[];
  readonly open: boolean;
}

type Style = 'plain' | 'double' | 'single' | 'escaped' | 'tagged' | 'folded' | 'literal' | 'continued';
const FLOW_STYLES: readonly Style[] = ['double', 'single', 'escaped', 'plain'];
const BLOCK_STYLES: readonly Style[] = ['plain', 'double', 'single', 'escaped', 'tagged', 'folded', 'literal', 'continued'];

interface ImageChoice {
  readonly reference: string;
  readonly style: number;
  readonly anchor: boolean;
  /** Use an earlier anchored image of the document instead, by index. */
  readonly alias: number | null;
}
interface ContainerChoice {
  readonly image: ImageChoice;
  readonly flow: boolean;
  readonly imageFirst: boolean;
  readonly extra: boolean;
}
interface PodChoice {
  readonly lists: { readonly field: 'containers' | 'initContainers' | 'ephemeralContainers'; readonly items: ContainerChoice[]; readonly flowList: boolean }[];
}
const KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'PodTemplate', 'ReplicationController'] as const;
type Kind = (typeof KINDS)[number];
interface ObjectChoice {
  readonly kind: Kind | 'ConfigMap';
  readonly pod: PodChoice;
  readonly annotated: boolean;
  readonly flowMetadata: boolean;
}
interface DocChoice {
  readonly objects: ObjectChoice[];
  /** Several objects as a v1 List. */
  readonly list: boolean;
}
interface FileChoice {
  readonly docs: DocChoice[];
  readonly separators: number[];
  readonly leadingSeparator: boolean;
  readonly decorations: number[];
  readonly crlf: boolean;
  readonly bom: boolean;
  readonly finalNewline: boolean;
}

const imageChoice: fc.Arbitrary<ImageChoice> = fc.record({
  reference: fc.constantFrom(...REFERENCES),
  style: fc.nat(BLOCK_STYLES.length - 1),
  anchor: fc.boolean(),
  alias: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.nat(3), weight: 1 }),
});
const containerChoice: fc.Arbitrary<ContainerChoice> = fc.record({
  image: imageChoice, flow: fc.boolean(), imageFirst: fc.boolean(), extra: fc.boolean(),
});
const podChoice: fc.Arbitrary<PodChoice> = fc.record({
  lists: fc.uniqueArray(
    fc.record({
      field: fc.constantFrom('containers' as const, 'initContainers' as const, 'ephemeralContainers' as const),
      items: fc.array(containerChoice, { minLength: 1, maxLength: 3 }),
      flowList: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3, selector: (list) => list.field },
  ),
});
const objectChoice: fc.Arbitrary<ObjectChoice> = fc.record({
  kind: fc.constantFrom(...KINDS, 'ConfigMap' as const),
  pod: podChoice,
  annotated: fc.boolean(),
  flowMetadata: fc.boolean(),
});
const fileChoice: fc.Arbitrary<FileChoice> = fc.record({
  docs: fc.array(fc.record({ objects: fc.array(objectChoice, { minLength: 1, maxLength: 3 }), list: fc.boolean() }), { minLength: 1, maxLength: 3 }),
  separators: fc.array(fc.nat(3), { minLength: 3, maxLength: 3 }),
  leadingSeparator: fc.boolean(),
  decorations: fc.array(fc.nat(9), { minLength: 1, maxLength: 40 }),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  finalNewline: fc.boolean(),
});

const sp = (n: number): string => ' '.repeat(n);

/** Writes the documents of one generated file: its pieces and the names of its objects. */
class Writer {
  private anchors: string[] = [];
  private anchorCount = 0;
  private names = 0;
  constructor(private readonly crlf: boolean) {}

  startDocument(): void {
    this.anchors = [];
  }

  /** An image value at a key indented by `indent`. */
  image(choice: ImageChoice, indent: number, flow: boolean): ImagePiece {
    if (choice.alias !== null && this.anchors.length > 0) {
      const name = this.anchors[choice.alias % this.anchors.length];
      return { before: `*${name}`, after: '', reference: '', pin: false };
    }
    const styles = flow ? FLOW_STYLES : BLOCK_STYLES;
    let style = styles[choice.style % styles.length];
    // hardpod check refuses a backslash before CRLF (it takes the LF for an empty line): no file to pin.
    if (style === 'continued' && this.crlf) style = 'double';
    const ref = choice.reference;
    let anchor = '';
    if (choice.anchor) {
      const name = `img${this.anchorCount++}`;
      this.anchors.push(name);
      anchor = `&${name} `;
    }
    const pinnable = !parseImageRef(ref).digest;
    const at = (before: string, after = ''): ImagePiece => ({ before: anchor + before, after, reference: ref, pin: pinnable });
    switch (style) {
      case 'plain': return at(ref);
      case 'double': return at(`"${ref}`, '"');
      case 'single': return at(`'${ref}`, '\'');
      case 'escaped': return at(`"\\u00${ref.charCodeAt(0).toString(16)}${ref.slice(1).replace(/:/g, '\\x3a')}`, '"');
      case 'tagged': return at(`!!str ${ref}`);
      case 'folded': return at(`>-\n${sp(indent + 2)}${ref}`);
      case 'literal': return at(`|-  # the image\n${sp(indent + 2)}${ref}`);
      case 'continued': return at(`"${ref}\\\n${sp(indent + 2)}`, '"');
    }
  }

  name(): string {
    return `o${this.names++}`;
  }

  /** The groups of one container at `indent` (of its `- `). */
  container(choice: ContainerChoice, indent: number): Group[] {
    const name = this.name();
    if (choice.flow) {
      const image = this.image(choice.image, indent, true);
      return [{ pieces: [`${sp(indent)}- {name: ${name}, image: `, image, `${choice.extra ? ', ports: [{containerPort: 80}]' : ''}}`], open: true }];
    }
    const image = this.image(choice.image, indent + 2, false);
    const blockScalar = image.before.includes('\n');
    const imageGroup: Group = { pieces: [`${sp(indent + 2)}image: `, image], open: !blockScalar || image.before.startsWith('"') };
    const nameGroup: Group = { pieces: [`${sp(indent + 2)}name: ${name}`], open: true };
    const groups = choice.imageFirst ? [imageGroup, nameGroup] : [nameGroup, imageGroup];
    if (choice.extra) groups.push({ pieces: [`${sp(indent + 2)}env:\n${sp(indent + 2)}- name: image\n${sp(indent + 4)}value: nginx:1.27`], open: true });
    const first = groups[0];
    groups[0] = { ...first, pieces: [`${sp(indent)}- ${(first.pieces[0] as string).slice(indent + 2)}`, ...first.pieces.slice(1)] };
    return groups;
  }

  podSpec(choice: PodChoice, indent: number): Group[] {
    const groups: Group[] = [];
    for (const list of choice.lists) {
      if (list.flowList) {
        const pieces: Piece[] = [`${sp(indent)}${list.field}: [`];
        list.items.forEach((item, i) => pieces.push(i === 0 ? '' : ', ', `{name: ${this.name()}, image: `, this.image(item.image, indent, true), '}'));
        pieces.push(']');
        groups.push({ pieces, open: true });
      } else {
        groups.push({ pieces: [`${sp(indent)}${list.field}:`], open: true });
        for (const item of list.items) groups.push(...this.container(item, indent));
      }
    }
    return groups;
  }

  object(choice: ObjectChoice): Group[] {
    const kind = choice.kind;
    const apiVersion = { Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', ReplicaSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1' }[kind as string] ?? 'v1';
    const name = this.name();
    const groups: Group[] = [{ pieces: [`apiVersion: ${apiVersion}`], open: true }, { pieces: [`kind: ${kind}`], open: true }];
    // A key named image outside any container must stay as it is.
    if (choice.flowMetadata) {
      groups.push({ pieces: [`metadata: {name: ${name}${choice.annotated ? ', annotations: {image: "nginx:1.27", example.com/image: nginx}' : ''}}`], open: true });
    } else {
      groups.push({ pieces: ['metadata:'], open: true }, { pieces: [`  name: ${name}`], open: true });
      if (choice.annotated) groups.push({ pieces: ['  annotations:\n    image: nginx:1.27'], open: true });
    }
    if (kind === 'ConfigMap') {
      groups.push({ pieces: ['data:\n  image: nginx:1.27\n  containers: "- image: nginx:1.27"'], open: true });
      return groups;
    }
    const template = (indent: number): Group[] => [
      { pieces: [`${sp(indent)}template:`], open: true },
      { pieces: [`${sp(indent + 2)}metadata: {labels: {app: ${name}}}`], open: true },
      { pieces: [`${sp(indent + 2)}spec:`], open: true },
      ...this.podSpec(choice.pod, indent + 4),
    ];
    if (kind === 'Pod') {
      groups.push({ pieces: ['spec:'], open: true }, ...this.podSpec(choice.pod, 2));
    } else if (kind === 'PodTemplate') {
      groups.push(...template(0));
    } else if (kind === 'CronJob') {
      groups.push({ pieces: ['spec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:'], open: true }, ...template(6));
    } else {
      groups.push({ pieces: ['spec:'], open: true }, ...template(2));
    }
    return groups;
  }
}

/** Indents every line of the groups by two, and makes the first line a list item. */
function asListItem(groups: Group[]): Group[] {
  const indent = (piece: Piece): Piece =>
    typeof piece === 'string' ? piece.replace(/\n/g, '\n  ') : { ...piece, before: piece.before.replace(/\n/g, '\n  '), after: piece.after.replace(/\n/g, '\n  ') };
  return groups.map((group, i) => ({ ...group, pieces: [i === 0 ? '- ' : '  ', ...group.pieces.map(indent)] }));
}

const SEPARATORS = ['---\n', '--- # next\n', '...\n---\n', '---   \n'];
const DECORATIONS = ['', '', '', '', '', '\n', '  ', ' # note', '\n# a comment line', '\n\n  # indented comment\n'];

interface Generated {
  /** The file, pieces in order. */
  readonly pieces: Piece[];
  readonly text: string;
  /** What pinning must give: each pinnable image with its lock digest inserted, every other byte kept. */
  readonly expected: string;
}

function generate(choice: FileChoice): Generated {
  const writer = new Writer(choice.crlf);
  const pieces: Piece[] = [];
  let decoration = 0;
  const nextDecoration = (): string => DECORATIONS[choice.decorations[decoration++ % choice.decorations.length]];
  if (choice.leadingSeparator) pieces.push('---\n');
  choice.docs.forEach((doc, d) => {
    if (d > 0) pieces.push(SEPARATORS[choice.separators[d % choice.separators.length]]);
    writer.startDocument();
    let groups: Group[];
    if (doc.list) {
      groups = [{ pieces: ['apiVersion: v1'], open: true }, { pieces: ['kind: List'], open: true }, { pieces: ['items:'], open: true }];
      for (const object of doc.objects) groups.push(...asListItem(writer.object(object)));
    } else {
      groups = doc.objects.slice(0, 1).flatMap((object) => writer.object(object));
    }
    for (const group of groups) {
      pieces.push(...group.pieces);
      const extra = nextDecoration();
      // A comment or spaces after a block scalar's last line would be part of the value.
      if (group.open || extra.startsWith('\n')) pieces.push(extra);
      pieces.push('\n');
    }
  });
  if (!choice.finalNewline) {
    while (typeof pieces[pieces.length - 1] === 'string' && /^\s*$/.test(pieces[pieces.length - 1] as string)) pieces.pop();
    const last = pieces[pieces.length - 1];
    if (typeof last === 'string') pieces[pieces.length - 1] = last.replace(/\s+$/, '');
  }
  const ending = (s: string): string => (choice.crlf ? s.replace(/\n/g, '\r\n') : s);
  const bom = choice.bom ? '\uFEFF' : '';
  const write = (pinned: boolean): string =>
    bom + pieces.map((piece) => ending(typeof piece === 'string' ? piece : `${piece.before}${pinned && piece.pin ? `@${lockedDigest(piece.reference)}` : ''}${piece.after}`)).join('');
  return { pieces, text: write(false), expected: write(true) };
}

/** The input's objects with the container images hardpod's loader sees pinned: what the output must read as. */
function withImagesPinned(objects: readonly { object: KubeObject }[]): unknown[] {
  return objects.map(({ object }) => {
    const copy = structuredClone(object) as Record<string, unknown>;
    for (const view of extractPodViews(object).views) {
      for (const container of view.containers) {
        const image = container.container.image;
        if (typeof image !== 'string' || image === '') continue;
        const path = parseFieldPath(`${container.path}.image`);
        const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((at, key) => at[key] as Record<string | number, unknown>, copy);
        parent[path[path.length - 1]] = pinnedForm(image);
      }
    }
    return copy;
  });
}

function readable(text: string): boolean {
  try {
    new ManifestSet().addText(text, 'app.yaml');
    return true;
  } catch {
    return false;
  }
}

function loaded(text: string, file = 'app.yaml'): KubeObject[] {
  const set = new ManifestSet();
  set.addText(text, file);
  return set.objects.map((located) => located.object);
}

/** Every string `image` of a container the loader sees, with its path. */
function loaderImages(objects: readonly KubeObject[]): string[] {
  return objects.flatMap((object) => extractPodViews(object).views.flatMap((view) => view.containers.map((c) => c.container.image))).filter((i): i is string => typeof i === 'string');
}

describe('hardpod pin changes nothing but the container images it pins', () => {
  test('for generated manifests: same bytes elsewhere, same objects to the loader, every image pinned', () => {
    let pinnedImages = 0;
    let withAliases = 0;
    let blockScalars = 0;
    let refusedByCheck = 0;
    fc.assert(
      fc.property(fileChoice, (choice) => {
        const generated = generate(choice);
        const { text } = generated;
        let before: KubeObject[];
        try {
          before = loaded(text);
        } catch (error) {
          // The few generated files check refuses (see the loader's own tests): pin refuses them alike.
          if (!isHardpodError(error)) throw error;
          expect(refusal(() => pin(text)).message).toBe(error.message);
          refusedByCheck++;
          return;
        }
        const output = pin(text);

        // 1. Byte for byte the input, with each pinnable image's digest inserted right after its value.
        expect(output).toBe(generated.expected);
        let stripped = output;
        for (const digest of LOCKED_DIGESTS) stripped = stripped.split(`@${digest}`).join('');
        expect(stripped).toBe(text);

        // 2. The loader reads the input's objects, with only the container images changed, to the pinned form.
        const after = loaded(output);
        expect(after).toEqual(withImagesPinned(before.map((object) => ({ object }))));

        // 3. Every container image the loader sees is pinned by digest.
        for (const image of loaderImages(after)) expect(parseImageRef(image).digest).toBeDefined();
        pinnedImages += generated.pieces.filter((p) => typeof p !== 'string' && p.pin).length;
        if (generated.pieces.some((p) => typeof p !== 'string' && p.before.startsWith('*'))) withAliases++;
        if (generated.pieces.some((p) => typeof p !== 'string' && /^(&\S+ )?[>|]/.test(p.before))) blockScalars++;
      }),
      { numRuns: 400 },
    );
    // The generator must reach what the properties are about.
    expect(pinnedImages).toBeGreaterThan(400);
    expect(withAliases).toBeGreaterThan(20);
    expect(blockScalars).toBeGreaterThan(20);
    expect(refusedByCheck).toBe(0);
  });

  test('the CLI with --write rewrites the file to exactly what the library gives, digests from the lock file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-pin-prop-'));
    try {
      writeFileSync(join(dir, 'hardpod.lock.json'), serializeLockFile(LOCK));
      await fc.assert(
        fc.asyncProperty(fileChoice, async (choice) => {
          const generated = generate(choice);
          writeFileSync(join(dir, 'app.yaml'), generated.text);
          if (!readable(generated.text)) return;
          const { status, stderr } = await runPin(['--offline', '--write', 'app.yaml'], dir);
          expect(stderr).toMatch(/^hardpod pin: (pinned \d+ images? in [01] files?|every image is already pinned by digest|the manifests hold no container image, so there is nothing to pin)\n$/);
          expect(status).toBe(0);
          expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe(generated.expected);
          // Without --write: the diff, line for line, and the file untouched.
          writeFileSync(join(dir, 'app.yaml'), generated.text);
          const diff = await runPin(['--offline', 'app.yaml'], dir);
          expect(diff.stdout).toBe(lineDiff('app.yaml', generated.text, generated.expected));
          expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe(generated.text);
          expect(readdirSync(dir).sort()).toEqual(['app.yaml', 'hardpod.lock.json']);
        }),
        { numRuns: 60 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('pin - (the Helm post-renderer) writes exactly the pinned text to standard output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hardpod-pin-stdin-'));
    try {
      writeFileSync(join(dir, 'hardpod.lock.json'), serializeLockFile(LOCK));
      for (const generated of fc.sample(fileChoice, { numRuns: 8, seed: 7 }).map(generate).filter((g) => readable(g.text))) {
        const result = spawnSync(process.execPath, [cliMainPath(), 'pin', '--offline', '-'], { cwd: dir, input: generated.text, encoding: 'utf8' });
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        expect(result.stdout).toBe(generated.expected);
      }
      const refused = spawnSync(process.execPath, [cliMainPath(), 'pin', '--offline', '-'], { cwd: dir, input: `${POD}spec:\n  containers:\n  - {image: nginx}\n...\n# x\n${POD}`, encoding: 'utf8' });
      expect(refused.status).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/<stdin>:10: content after a `\.\.\.` document end line/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n';

async function runPin(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  try {
    const status = await pinCommand.run({ args, cwd, env: {}, stdoutIsTTY: false, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { status, stdout, stderr };
  } catch (error) {
    if (!isHardpodError(error)) throw error;
    return { status: 2, stdout, stderr: `${error.message}\n` };
  }
}

describe('hardpod pin refuses what it cannot pin without changing something else', () => {
  /** Files hardpod check refuses, because kubectl would read them otherwise: pin refuses them at the same line. */
  const REFUSED_BY_CHECK: [string, string, number, RegExp][] = [
    ['a duplicated key', `${POD}spec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    image: nginx:1.28\n`, 9, /the key "image" appears twice/],
    ['content on a separator line', `${POD}--- {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {containers: [{name: a, image: nginx}]}}\n`, 5, /line starting with `---` holds more/],
    ['content after a ... line', `${POD}...\n${POD}spec:\n  containers:\n  - {name: a, image: nginx:1.27}\n`, 6, /content after a `\.\.\.` document end line/],
    ['a tab in the indentation', `${POD}spec:\n  containers:\n\t\n  - name: a\n    image: nginx:1.27\n`, 7, /a tab in the indentation of a line/],
    ['--- at column 0 inside a block scalar', `${POD}spec:\n  containers:\n  - {name: a, image: nginx:1.27}\n  x: |\n    one\n---\n    two\n`, 11, /expected a Kubernetes object/],
  ];

  test.each(REFUSED_BY_CHECK)('%s: refused at the line check names, and the file is left as it was', async (_name, text, line, reason) => {
    const error = refusal(() => planFilePins(text, 'app.yaml').occurrences);
    expect(error.where).toBe(`app.yaml:${line}`);
    expect(error.reason).toMatch(reason);
    // The same refusal as hardpod check's.
    expect(refusal(() => new ManifestSet().addText(text, 'app.yaml')).message).toBe(error.message);

    const dir = mkdtempSync(join(tmpdir(), 'hardpod-pin-refused-'));
    try {
      writeFileSync(join(dir, 'hardpod.lock.json'), serializeLockFile(LOCK));
      writeFileSync(join(dir, 'app.yaml'), text);
      writeFileSync(join(dir, 'b.yaml'), `${POD}spec:\n  containers:\n  - {name: a, image: nginx:1.27}\n`);
      const result = await runPin(['--offline', '--write', '.'], dir);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`app.yaml:${line}: `);
      expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe(text);
      expect(readFileSync(join(dir, 'b.yaml'), 'utf8')).not.toContain('@sha256');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('generated files made unreadable to check (duplicate key, --- value, content after ..., tab indentation) are refused, not rewritten', () => {
    let refusedCount = 0;
    fc.assert(
      fc.property(fileChoice, fc.nat(3), fc.nat(1000), (choice, mutation, at) => {
        const { text } = generate({ ...choice, crlf: false, bom: false });
        const lines = text.split('\n');
        const i = 1 + (at % Math.max(1, lines.length - 1));
        const mutated = [
          () => [...lines.slice(0, 2), lines[0], ...lines.slice(2)],
          () => [...lines, '--- {apiVersion: v1, kind: Pod, metadata: {name: z}}'],
          () => [...lines.filter((l) => l !== ''), '...', POD.trimEnd()],
          () => [...lines.slice(0, i), '\t', ...lines.slice(i)],
        ][mutation]().join('\n');
        let checkError: string | undefined;
        try {
          new ManifestSet().addText(mutated, 'app.yaml');
        } catch (error) {
          if (!isHardpodError(error)) throw error;
          checkError = error.message;
        }
        if (checkError === undefined) return;
        refusedCount++;
        const error = refusal(() => planFilePins(mutated, 'app.yaml').occurrences);
        expect(error.message).toBe(checkError);
        expect(error.where).toMatch(/^app\.yaml:\d+$/);
      }),
      { numRuns: 300 },
    );
    expect(refusedCount).toBeGreaterThan(200);
  });

  test('an image written through an alias of a value outside the containers is refused at its line, naming why', () => {
    const text = `${POD}  annotations:\n    img: &img nginx:1.27\nspec:\n  containers:\n  - name: a\n    image: *img\n`;
    const error = refusal(() => planFilePins(text, 'app.yaml').occurrences);
    expect(error.where).toBe('app.yaml:10');
    expect(error.reason).toMatch(/^spec\.containers\[0\]\.image: the image "nginx:1\.27" cannot be pinned here: its value .* comes from an alias \(\*name\) or a << merge.*write the reference out at this field/);
  });

  test('an image merged into a container with << is refused at its line', () => {
    const text = `${POD}x: &base {name: a, image: nginx:1.27}\nspec:\n  containers:\n  - <<: *base\n    name: b\n`;
    const error = refusal(() => planFilePins(text, 'app.yaml').occurrences);
    expect(error.where).toBe('app.yaml:8');
    expect(error.reason).toMatch(/spec\.containers\[0\]\.image: the image "nginx:1\.27" cannot be pinned here/);
  });

  test('an anchored image that an annotation also uses is refused: pinning it would change the annotation', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: &img nginx:1.27\nmetadata:\n  name: p\n  annotations:\n    img: *img\n';
    const error = refusal(() => planFilePins(text, 'app.yaml').occurrences);
    expect(error.where).toBe('app.yaml:10');
    expect(error.reason).toMatch(/^metadata\.annotations\.img: pinning would also change this field \("nginx:1\.27"\), which is not a container image/);
  });

  test('an anchored image that other containers use through aliases is pinned once, for all of them', () => {
    const text = `${POD}spec:\n  initContainers:\n  - {name: i, image: &img "nginx:1.27"}\n  containers:\n  - {name: a, image: *img}\n`;
    const output = pin(text);
    expect(output).toBe(text.replace('"nginx:1.27"', `"nginx:1.27@${lockedDigest('nginx:1.27')}"`));
    expect(loaderImages(loaded(output))).toEqual([`nginx:1.27@${lockedDigest('nginx:1.27')}`, `nginx:1.27@${lockedDigest('nginx:1.27')}`]);
  });
});

describe('hardpod pin: images in every style and place', () => {
  const digest = (reference: string): string => lockedDigest(reference);

  test('a double-quoted image continued on the next line keeps its lines (the diff needs them, and they are the user\'s)', () => {
    const text = `${POD}spec:\n  containers:\n  - name: a\n    image: "nginx:1.27\\\n      "\n  - name: b\n    image: ok:1\n`.replace('ok:1', 'nginx');
    const output = pin(text);
    expect(output).toBe(text.replace('\\\n      "', `\\\n      @${digest('nginx:1.27')}"`).replace('image: nginx\n', `image: nginx@${digest('nginx')}\n`));
    expect(lineDiff('app.yaml', text, output)).toContain('+      @sha256:');
  });

  test('escapes in a double-quoted image are kept as written', () => {
    const text = `${POD}spec:\n  containers:\n  - name: a\n    image: "nginx\\x3a1.27"\n`;
    expect(pin(text)).toBe(text.replace('"nginx\\x3a1.27"', `"nginx\\x3a1.27@${digest('nginx:1.27')}"`));
  });

  test('an image written as a block scalar is pinned, not skipped', () => {
    const text = `${POD}spec:\n  containers:\n  - name: a\n    image: >-\n      nginx:1.27\n\n  - name: b\n    image: |-\n      nginx\n`;
    expect(pin(text)).toBe(text.replace('      nginx:1.27\n', `      nginx:1.27@${digest('nginx:1.27')}\n`).replace('      nginx\n', `      nginx@${digest('nginx')}\n`));
  });

  test('two << merges in one mapping (which check reads) do not stop pin', () => {
    const text = `${POD}  labels:\n    <<: {a: "1"}\n    <<: {b: "2"}\nspec:\n  containers:\n  - {name: a, image: nginx:1.27}\n`;
    expect(pin(text)).toContain(`image: nginx:1.27@${digest('nginx:1.27')}}`);
  });

  test('a value kubectl reads as a number or boolean is not an image reference and is not rewritten', () => {
    for (const value of ['0o17', 'yes', '1_000', 'on']) {
      const text = `${POD}spec:\n  containers:\n  - name: a\n    image: ${value}\n`;
      expect(pin(text)).toBe(text);
    }
  });

  test('an empty image (left to the controller) is not an error and stays', () => {
    const text = `${POD}spec:\n  containers:\n  - name: a\n    image: ""\n  - name: b\n    image: nginx\n`;
    expect(pin(text)).toBe(text.replace('image: nginx\n', `image: nginx@${digest('nginx')}\n`));
  });

  test('keys named image outside containers stay: ConfigMap data, annotations, env values, a container list inside a string', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: {image: nginx:1.27}\ndata:\n  image: nginx:1.27\n' +
      '  containers: "- image: nginx:1.27"\n---\n' +
      `${POD}spec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    env: [{name: image, value: nginx:1.27}]\n`;
    const output = pin(text);
    expect(output.match(/@sha256/g)).toHaveLength(1);
    expect(output).toContain(`    image: nginx:1.27@${digest('nginx:1.27')}\n`);
  });

  test('a stream of JSON objects (one after another, as check reads it) is pinned object by object, escapes kept', () => {
    const json = (name: string, image: string): string => `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"${name}"},"spec":{"containers":[{"name":"a","image":"${image}"}]}}`;
    for (const between of ['', '\n', ' \r\n\t', '\nnull\n']) {
      const text = `\uFEFF${json('a', 'nginx\\u003a1.27')}${between}${json('b', 'nginx')}\n`;
      expect(pin(text, 'app.json')).toBe(text.replace('nginx\\u003a1.27"', `nginx\\u003a1.27@${digest('nginx:1.27')}"`).replace('"nginx"', `"nginx@${digest('nginx')}"`));
    }
    // Lines count from the file's start, not the object's.
    const error = refusal(() => planFilePins(`${json('a', 'nginx')}\n${json('b', 'Bad:1')}`, 'app.json').occurrences);
    expect(error.where).toBe('app.json:2');
    expect(error.reason).toMatch(/must be lowercase/);
    // What pin's YAML parser cannot place though check reads it is refused, never guessed at.
    const glued = `${POD}spec:\n  containers:\n  - {name: a, image: nginx}\n---# next\n${POD}`;
    new ManifestSet().addText(glued, 'app.yaml');
    const refused = refusal(() => planFilePins(glued, 'app.yaml').occurrences);
    expect(refused.where).toBe('app.yaml:8');
    expect(refused.reason).toMatch(/^hardpod pin cannot find the image values in this file \(.*\); pin the images by hand$/);
  });
});
