import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HardpodError } from '../model/errors';

/**
 * Per-registry TLS files, as docker, podman and skopeo read them: a folder named after the registry
 * (`host[:port]`) in a certs.d folder, holding the certificate authorities to trust for it (`*.crt`)
 * and a client certificate for mutual TLS (`NAME.cert` with its key `NAME.key`).
 */

/**
 * The certs.d folders read by default, in order: the first that holds a folder for a registry is
 * used for it, as containers/image reads them (rootless user's own, then the system's, then docker's).
 */
export function defaultCertsDirs(home: string = homedir()): string[] {
  return [join(home, '.config', 'containers', 'certs.d'), '/etc/containers/certs.d', '/etc/docker/certs.d'];
}

/** The TLS settings of one registry, read from its certs.d folder. */
export interface RegistryTlsFiles {
  /** The folder they were read from: `/etc/docker/certs.d/registry.example.com:5000`. */
  readonly folder: string;
  /** Certificate authorities (PEM) trusted for the registry, beside the others (see trustedAuthorities in registry-client.ts). */
  readonly ca: readonly string[];
  /** A client certificate (PEM) and its key, for registries that ask for one. */
  readonly client?: { readonly cert: string; readonly key: string };
}

/**
 * The TLS files for `host` (`host[:port]`, as the registry's folder is named) in the first of `dirs`
 * holding a folder for it, or undefined when none does. A client certificate without its key (or a
 * key without its certificate), or a file that cannot be read, is a HardpodError naming the file.
 */
export function registryTlsFiles(host: string, dirs: readonly string[]): RegistryTlsFiles | undefined {
  for (const dir of dirs) {
    const folder = join(dir, host);
    if (!isDirectory(folder)) continue;
    const files = readdirSync(folder).sort();
    const read = (name: string): string => {
      try {
        return readFileSync(join(folder, name), 'utf8');
      } catch (error) {
        throw new HardpodError(`cannot read ${name} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, join(folder, name));
      }
    };
    const ca = files.filter((name) => name.endsWith('.crt')).map(read);
    const certs = files.filter((name) => name.endsWith('.cert'));
    const keys = files.filter((name) => name.endsWith('.key'));
    for (const key of keys) {
      if (!certs.includes(`${key.slice(0, -'.key'.length)}.cert`)) {
        throw new HardpodError(`a client key needs its certificate ${key.slice(0, -'.key'.length)}.cert beside it (docker's certs.d layout: NAME.cert and NAME.key)`, join(folder, key));
      }
    }
    let client: RegistryTlsFiles['client'];
    for (const cert of certs) {
      const key = `${cert.slice(0, -'.cert'.length)}.key`;
      if (!keys.includes(key)) {
        throw new HardpodError(`a client certificate needs its key ${key} beside it (docker's certs.d layout: NAME.cert and NAME.key)`, join(folder, cert));
      }
      if (client !== undefined) {
        throw new HardpodError(`holds more than one client certificate (${certs.join(', ')}); keep the one the registry accepts`, folder);
      }
      client = { cert: read(cert), key: read(key) };
    }
    return { folder, ca, ...(client ? { client } : {}) };
  }
  return undefined;
}

/** Whether `path` is a folder (false when it cannot be read). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
