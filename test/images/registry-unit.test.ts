import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerCredentials, normalizeCredentialKey } from '../../src/images/credentials';
import { isLoopbackHost, realmMayReceiveCredentials } from '../../src/images/registry-client';
import { parseWwwAuthenticate } from '../../src/images/www-authenticate';

describe('WWW-Authenticate', () => {
  it('parses several challenges with quoted and bare parameters', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull", Basic realm="Registry Realm"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
    expect(parseWwwAuthenticate(['Basic realm=simple', 'Bearer realm="a\\"b"'])).toEqual([
      { scheme: 'basic', params: { realm: 'simple' } },
      { scheme: 'bearer', params: { realm: 'a"b' } },
    ]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });
});

describe('credential trust', () => {
  it('sends credentials only to realms on the registry domain, or loopback to loopback', () => {
    expect(realmMayReceiveCredentials('auth.docker.io', 'registry-1.docker.io')).toBe(true);
    expect(realmMayReceiveCredentials('ghcr.io', 'ghcr.io')).toBe(true);
    expect(realmMayReceiveCredentials('evil.example.com', 'ghcr.io')).toBe(false);
    expect(realmMayReceiveCredentials('127.0.0.1', 'localhost')).toBe(true);
    expect(realmMayReceiveCredentials('10.0.0.1', '10.0.0.2')).toBe(false);
    // Registrable domains come from the Public Suffix List: two organisations under co.uk are strangers.
    expect(realmMayReceiveCredentials('auth.example.co.uk', 'registry.example.co.uk')).toBe(true);
    expect(realmMayReceiveCredentials('auth.other.co.uk', 'registry.example.co.uk')).toBe(false);
    expect(realmMayReceiveCredentials('evil.github.io', 'team.github.io')).toBe(false);
    expect(realmMayReceiveCredentials('gitlab.com', 'registry.gitlab.com')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });

  it('a malformed docker config is named with its line, never quoting the secrets around the mistake', () => {
    const home = mkdtempSync(join(tmpdir(), 'hardpod-home-'));
    mkdirSync(join(home, '.docker'));
    const secret = Buffer.from('robot:hunter2-very-secret').toString('base64');
    // An unquoted value: JSON.parse's message would paste the text around it, secret included.
    writeFileSync(join(home, '.docker', 'config.json'), `{\n  "auths": {\n    "ghcr.io": {"auth": ${secret}}\n  }\n}\n`);
    const lookup = dockerCredentials({ env: { HOME: home } });
    let message = '';
    try {
      lookup('ghcr.io', 'acme/app');
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/config\.json:3\b.*cannot read registry credentials/);
    expect(message).not.toContain(secret.slice(0, 8));
  });

  it('normalizes credential keys the way docker writes them', () => {
    expect(normalizeCredentialKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeCredentialKey('registry-1.docker.io')).toBe('docker.io');
    expect(normalizeCredentialKey('http://Registry.Example.com:5000/')).toBe('registry.example.com:5000');
    expect(normalizeCredentialKey('quay.io/team')).toBe('quay.io/team');
  });
});
