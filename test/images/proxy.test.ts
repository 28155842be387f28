import { proxySettingsFrom } from '../../src/images/proxy';
import { HardpodError } from '../../src/model/errors';

describe('proxies from the environment, read as Go\'s ProxyFromEnvironment reads them', () => {
  const proxied = (env: Record<string, string>, url: string) => proxySettingsFrom(env).proxyFor(new URL(url))?.url.href;

  it('HTTPS_PROXY for HTTPS, HTTP_PROXY for plain HTTP, upper case first unless blank, a bare host:port as http://', () => {
    expect(proxied({ HTTPS_PROXY: 'proxy.corp:3128' }, 'https://ghcr.io/v2/')).toBe('http://proxy.corp:3128/');
    expect(proxied({ HTTPS_PROXY: 'proxy.corp:3128' }, 'http://registry.corp:5000/v2/')).toBeUndefined();
    expect(proxied({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' }, 'https://ghcr.io/')).toBe('http://upper:1/');
    expect(proxied({ https_proxy: 'http://lower:1', HTTPS_PROXY: ' ' }, 'https://ghcr.io/')).toBe('http://lower:1/');
    expect(proxied({ http_proxy: 'http://plain:8080' }, 'http://registry.corp:5000/')).toBe('http://plain:8080/');
    expect(proxySettingsFrom({ http_proxy: 'http://plain:8080' }).proxyFor(new URL('http://registry.corp/'))?.variable).toBe('http_proxy');
  });

  it('reaches loopback, and every host NO_PROXY names, directly', () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'corp.example, .internal, registry.io:5000, 10.0.0.0/8, [fd00::1], fd00::2' };
    for (const url of ['https://localhost:5000/', 'https://127.0.0.1/', 'https://[::1]:5000/', 'https://corp.example/', 'https://r.corp.example/',
      'https://a.internal/', 'https://registry.io:5000/', 'https://10.1.2.3/', 'https://[fd00::1]:5000/', 'https://[fd00::2]/']) {
      expect({ url, proxy: proxied(env, url) }).toEqual({ url, proxy: undefined });
    }
    for (const url of ['https://internal/', 'https://registry.io/', 'https://notcorp.example/', 'https://11.0.0.1/', 'https://ghcr.io/']) {
      expect({ url, proxy: proxied(env, url) }).toEqual({ url, proxy: 'http://p:1/' });
    }
    expect(proxied({ HTTPS_PROXY: 'http://p:1', no_proxy: '*' }, 'https://ghcr.io/')).toBeUndefined();
  });

  it('refuses a proxy variable that is not an http:// or https:// proxy when a request needs it, naming it and never its value', () => {
    const socks = proxySettingsFrom({ HTTPS_PROXY: 'socks5://p:1080', NO_PROXY: 'corp.example' });
    expect(() => socks.proxyFor(new URL('https://ghcr.io/'))).toThrow(new HardpodError('names a socks5 proxy; registries are reached through http:// or https:// proxies', 'HTTPS_PROXY'));
    // As Go reads them: a proxy no request goes through is no error.
    expect(socks.proxyFor(new URL('http://registry.corp:5000/'))).toBeUndefined();
    expect(socks.proxyFor(new URL('https://registry.corp.example/'))).toBeUndefined();
    expect(socks.proxyFor(new URL('https://localhost:5000/'))).toBeUndefined();
    let error: unknown;
    try {
      proxySettingsFrom({ http_proxy: 'http://user:s3cret@[::1' }).proxyFor(new URL('http://registry.corp/'));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(HardpodError);
    expect((error as HardpodError).message).toMatch(/^http_proxy: is not a proxy URL; expected http:\/\/host:port/);
    expect((error as HardpodError).message).not.toContain('s3cret');
  });
});
