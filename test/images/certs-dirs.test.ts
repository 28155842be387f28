import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCertsDirs, registryTlsFiles } from '../../src/images/certs-dirs';

/** A certs.d folder with the given files per registry. */
function certsDir(files: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hardpod-certs-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('registryTlsFiles', () => {
  test('reads every *.crt as an authority and NAME.cert with NAME.key as the client certificate, from the registry\'s own folder', () => {
    const dir = certsDir({ 'registry.example.com:5000/ca.crt': 'CA1', 'registry.example.com:5000/b.crt': 'CA2', 'registry.example.com:5000/me.cert': 'CERT', 'registry.example.com:5000/me.key': 'KEY', 'other.example.com/ca.crt': 'OTHER' });
    expect(registryTlsFiles('registry.example.com:5000', [dir])).toEqual({ folder: path.join(dir, 'registry.example.com:5000'), ca: ['CA2', 'CA1'], client: { cert: 'CERT', key: 'KEY' } });
    // The port is part of the name, as docker reads it.
    expect(registryTlsFiles('registry.example.com', [dir])).toBeUndefined();
  });

  test('takes the first folder holding the registry, as containers/image does', () => {
    const first = certsDir({ 'r.example.com/ca.crt': 'FIRST' });
    const second = certsDir({ 'r.example.com/ca.crt': 'SECOND' });
    expect(registryTlsFiles('r.example.com', [path.join(first, 'absent'), first, second])?.ca).toEqual(['FIRST']);
    expect(defaultCertsDirs('/home/dev')).toEqual(['/home/dev/.config/containers/certs.d', '/etc/containers/certs.d', '/etc/docker/certs.d']);
  });

  test('refuses a certificate without its key, a key without its certificate, and two client certificates, naming the file', () => {
    const lone = certsDir({ 'r/client.cert': 'C' });
    expect(() => registryTlsFiles('r', [lone])).toThrow(`${path.join(lone, 'r', 'client.cert')}: a client certificate needs its key client.key beside it`);
    const key = certsDir({ 'r/client.key': 'K' });
    expect(() => registryTlsFiles('r', [key])).toThrow(`${path.join(key, 'r', 'client.key')}: a client key needs its certificate client.cert beside it`);
    const two = certsDir({ 'r/a.cert': 'A', 'r/a.key': 'A', 'r/b.cert': 'B', 'r/b.key': 'B' });
    expect(() => registryTlsFiles('r', [two])).toThrow(`${path.join(two, 'r')}: holds more than one client certificate (a.cert, b.cert)`);
  });
});
