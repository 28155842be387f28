import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serializeLockFile } from '../../src/images/lock-file';
import { runHardpod } from '../cli/cli-process';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const MANIFEST = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - name: web
      image: registry.example.com/team/web:1.0@${DIGEST}
      readinessProbe:
        exec: {command: [sh, -c, "true"]}
`;

describe('hardpod check reads image facts from the lock file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-check-lock-'));
    fs.writeFileSync(path.join(dir, 'pod.yaml'), MANIFEST);
  });

  function imageFindings(args: string[]): { rule: string; outcome: string; message: string }[] {
    const result = runHardpod(['check', '--format', 'json', ...args, 'pod.yaml'], { cwd: dir });
    expect(result.stderr).not.toMatch(/internal error/);
    return (JSON.parse(result.stdout) as { findings: { rule: string; outcome: string; message: string }[] }).findings.filter((finding) => finding.rule.startsWith('image-') && finding.rule !== 'image-digest');
  }

  it('judges the image rules when hardpod.lock.json is next to the manifests', () => {
    const lock = {
      lockfileVersion: 1 as const,
      images: {
        'registry.example.com/team/web:1.0': {
          digest: DIGEST,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          resolvedAt: '2026-01-01T00:00:00.000Z',
          resolvedFrom: 'https://registry.example.com',
          facts: { uid: 0, gid: 0, inspected: true, tools: ['server'], hasShell: false, hasPackageManager: false, setuidFiles: [] },
        },
      },
    };
    fs.writeFileSync(path.join(dir, 'hardpod.lock.json'), serializeLockFile(lock));
    const findings = imageFindings([]);
    expect(findings.map((finding) => `${finding.rule} ${finding.outcome}`).sort()).toEqual(['image-non-root-user fail', 'image-tool-present fail']);
    expect(findings.find((finding) => finding.rule === 'image-tool-present')?.message).toContain('calls the shell "sh"');
  });

  it('does not judge them without a lock file, and names a missing --lock-file', () => {
    expect(imageFindings([])).toEqual([]);
    const result = runHardpod(['check', '--lock-file', 'nope.json', 'pod.yaml'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/nope.json: lock file not found; run `npx hardpod lock`/);
  });

  it.each([
    ['setuidFiles', '"abc"', 'a list of strings, not a string ("abc")'],
    ['exposed', '5', 'a list of strings, not a number (5)'],
    ['tools', '5', 'a list of strings, not a number (5)'],
    ['uid', '"root"', 'a non-negative integer (a numeric id), not a string ("root")'],
    ['user', '["a"]', 'a string, not a list'],
    ['exposedPorts', '["x"]', 'a list of port numbers (integers 0 to 65535), not a list'],
    ['hasShell', '"yes"', 'true or false, not a string ("yes")'],
  ])('refuses a lock file whose facts.%s has the wrong type, naming its line and the expected type', (field, value, expected) => {
    const text = [
      '{',
      '  "lockfileVersion": 1,',
      '  "images": {',
      '    "registry.example.com/team/web:1.0": {',
      `      "digest": "${DIGEST}",`,
      '      "mediaType": "application/vnd.oci.image.manifest.v1+json",',
      '      "resolvedAt": "2026-01-01T00:00:00.000Z",',
      '      "resolvedFrom": "https://registry.example.com",',
      '      "facts": {',
      '        "inspected": true,',
      `        "${field}": ${value}`,
      '      }',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'hardpod.lock.json'), text);
    const result = runHardpod(['check', '--level', 'hardened', 'pod.yaml'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`hardpod.lock.json:11: images["registry.example.com/team/web:1.0"].facts.${field} must be ${expected}`);
    expect(result.stdout).not.toMatch(/is not a function/);
  });
});
