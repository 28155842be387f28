import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHardpod } from '../cli/cli-process';
import { writeLockFile } from '../fixtures/lock-file';
import { describeWithTools } from '../harness/required-tools';
import { kubectl, missingKubectl } from '../loader/kubectl-reading';

/**
 * `hardpod pin` given a kustomization, compared with what the real `kubectl kustomize` builds from
 * it: pin must not report nothing to pin, or print digests of other tags, for images the build holds.
 */

const WEB = 'registry.example.com/shop/web';
const PROXY = 'registry.example.com/shop/proxy';
const digest = (c: string): string => `sha256:${c.repeat(64)}`;

describeWithTools('hardpod pin on a kustomization, against the real kubectl kustomize', 'kubectl', missingKubectl, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hardpod-pin-kustomize-'));
    writeLockFile({ [`${WEB}:1.0`]: { digest: digest('a') }, [`${WEB}:1.1`]: { digest: digest('b') }, [`${PROXY}:2.0`]: { digest: digest('c') } }, dir);
    mkdirSync(join(dir, 'base'));
    mkdirSync(join(dir, 'overlay'));
    writeFileSync(join(dir, 'base', 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deploy.yaml\n');
    writeFileSync(join(dir, 'base', 'deploy.yaml'), [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  selector: {matchLabels: {app: web}}', '  template:',
      '    metadata: {labels: {app: web}}', '    spec:', '      containers:', '        - name: web', `          image: ${WEB}:1.0`,
      '        - name: proxy', `          image: ${PROXY}:2.0`, '',
    ].join('\n'));
    writeFileSync(join(dir, 'overlay', 'kustomization.yaml'), [
      'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', '  - ../base', 'images:', `  - name: ${WEB}`, '    newTag: "1.1"', '',
    ].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const pin = (...args: string[]) => runHardpod(['pin', '--offline', ...args], { cwd: dir });
  const build = (folder: string): string => {
    const result = spawnSync(kubectl, ['kustomize', folder], { cwd: dir, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    return result.stdout;
  };
  const images = (rendered: string): string[] => [...rendered.matchAll(/image: (\S+)/g)].map((match) => match[1]);

  test('an overlay whose resources are outside the paths given is refused at that line, not "nothing to pin"', () => {
    expect(images(build('overlay'))).toEqual([`${WEB}:1.1`, `${PROXY}:2.0`]);
    for (const args of [['--kustomize', 'overlay'], ['overlay']]) {
      const result = pin(...args);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`hardpod pin: error: ${join('overlay', 'kustomization.yaml')}:4: the kustomization builds from ../base (resources), which is not among the paths given`);
      expect(result.stderr).toContain(`\`kubectl kustomize overlay | hardpod pin ${args[0] === '--kustomize' ? '--kustomize ' : ''}-\``);
      expect(result.status).toBe(2);
    }
  });

  test('--kustomize refuses an images entry that sets newTag, whose build the files\' digest would mislabel; the command it names pins what kubectl builds', () => {
    const refused = pin('--kustomize', 'overlay', 'base');
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`${join('overlay', 'kustomization.yaml')}:6: the kustomization's images entry for ${WEB} sets newTag 1.1, so it builds another image than the files name`);
    expect(refused.status).toBe(2);

    // What it says to run instead gives 1.1's digest; added to the entries, kubectl builds exactly the pinned images.
    const entries = runHardpod(['pin', '--offline', '--kustomize', '-'], { cwd: dir, input: build('overlay') });
    expect(entries.status).toBe(0);
    expect(entries.stdout).toBe(`images:\n- name: ${WEB}\n  digest: ${digest('b')}\n- name: ${PROXY}\n  digest: ${digest('c')}\n`);
    const kustomization = join(dir, 'overlay', 'kustomization.yaml');
    writeFileSync(kustomization, `${readFileSync(kustomization, 'utf8')}    digest: ${digest('b')}\n  - name: ${PROXY}\n    digest: ${digest('c')}\n`);
    expect(images(build('overlay'))).toEqual([`${WEB}:1.1@${digest('b')}`, `${PROXY}@${digest('c')}`]);
  });
});
