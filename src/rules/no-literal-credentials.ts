import type { PodRule, Violation } from './rule';
import { cis, describeContainer, get, listOf, nist } from './support/pss';
import { text } from './support/shared-text';

/**
 * Names that say "this is a credential". Split on `_`, `-` and `.` so `PASSWORD` and `DB_PASSWORD`
 * match but `PASSWORDLESS_LOGIN` does not; a word ending in PASSWORD (`PGPASSWORD`, libpq's)
 * matches too, not one ending in PASSWD (`HTPASSWD` names a file format). Variables that point at
 * a credential (`*_FILE`, `*_PATH`) or set how one is handled (`*_TIMEOUT`, `*_INTERVAL`) are
 * excluded because their values are paths and settings.
 */
const CREDENTIAL_WORDS = new Set(['PASSWORD', 'PASSWD', 'PWD', 'PASS', 'SECRET', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATEKEY', 'ACCESSKEY', 'SECRETKEY', 'AUTHTOKEN', 'CLIENTSECRET']);
const REFERENCE_SUFFIXES = new Set([
  'FILE', 'PATH', 'DIR', 'NAME', 'REF', 'ENABLED', 'TTL', 'TYPE', 'URL', 'ENDPOINT', 'HOST', 'PORT', 'AUDIENCE', 'ISSUER', 'LENGTH', 'EXPIRY',
  'EXPIRATION', 'LIFETIME', 'DURATION', 'TIMEOUT', 'INTERVAL', 'MS', 'SEC', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS', 'COUNT', 'SIZE', 'RETRIES',
  'ALGORITHM', 'METHOD', 'MODE', 'VERSION', 'FORMAT', 'PREFIX', 'SCOPE', 'SCOPES', 'PROVIDER', 'BACKEND', 'STORE', 'POLICY', 'STRATEGY',
  'LOCATION', 'REGION', 'ROUNDS', 'LIMIT', 'MAX', 'MIN', 'ARN', 'URI', 'NAMESPACE',
]);
const COMPOUNDS: readonly [string, string][] = [
  ['API', 'KEY'], ['PRIVATE', 'KEY'], ['ACCESS', 'KEY'], ['SECRET', 'KEY'], ['AUTH', 'TOKEN'], ['CLIENT', 'SECRET'],
  // Keys that encrypt or sign: whoever reads them decrypts or forges (Airflow's FERNET_KEY, Rails' MASTER_KEY).
  ['ENCRYPTION', 'KEY'], ['SIGNING', 'KEY'], ['MASTER', 'KEY'], ['FERNET', 'KEY'], ['HMAC', 'KEY'], ['SESSION', 'KEY'], ['JWT', 'KEY'],
];

/**
 * A value filled in at run time rather than written here: `$(VAR)`, which Kubernetes replaces with the
 * variable VAR defined before it, and `${VAR}` or `${VAR:}`, which the application resolves (Spring and
 * Quarkus placeholders, shell parameters), from its environment or its own configuration. A placeholder
 * with a default (`${VAR:hunter2}`) is not one: the default is used whenever VAR is unset, so it is a
 * credential written into the manifest; a default that is itself a `$(VAR)` reference is filled in too.
 */
const VARIABLE_REFERENCE = String.raw`(?:\$\([A-Za-z0-9_]+\)|\$\{[A-Za-z0-9_.-]+(?::-?(?:\$\([A-Za-z0-9_]+\))?)?\})`;
const WHOLE_REFERENCE = new RegExp(`^${VARIABLE_REFERENCE}+$`);

/** Values shaped like well-known credentials, whatever the variable is called. */
const CREDENTIAL_VALUES: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { kind: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { kind: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/ },
  // The user name may be empty (`redis://:pw@host`); a password that is only `$(VAR)` references is
  // filled in by Kubernetes from other variables (often Secret references), so it is not written here.
  { kind: 'a URL with a password', pattern: new RegExp(String.raw`[a-z][a-z0-9+.-]*://[^\s/:@]*:(?!(?:${VARIABLE_REFERENCE})+@)[^\s/@]+@`, 'i') },
  // A password or key as a parameter of a URL or connection string (JDBC `?password=`, .NET `;Password=`,
  // an Azure SAS `&sig=`), unless it is only `$(VAR)` references.
  {
    kind: 'a connection string or URL with a password or key',
    pattern: new RegExp(String.raw`(?:^|[?&;\s])(?:password|passwd|pwd|secret|client_secret|token|access_token|api_key|apikey|sig)=(?!(?:${VARIABLE_REFERENCE})+(?:[&;\s]|$))[^&;\s]+`, 'i'),
  },
];

/** Values that are not credentials even under a credential-like name. */
function isHarmlessValue(value: string): boolean {
  const v = value.trim();
  return v === '' || /^(true|false|yes|no|on|off|none|null)$/i.test(v) || v.startsWith('/') || WHOLE_REFERENCE.test(v);
}

/** True when the variable name says it holds a credential. */
export function isCredentialName(name: string): boolean {
  const words = name.toUpperCase().split(/[_.-]+/).filter((w) => w);
  if (words.length === 0 || REFERENCE_SUFFIXES.has(words[words.length - 1])) return false;
  if (words.some((w) => CREDENTIAL_WORDS.has(w) || w.endsWith('PASSWORD'))) return true;
  for (let i = 0; i + 1 < words.length; i++) {
    if (COMPOUNDS.some(([a, b]) => words[i] === a && words[i + 1] === b)) return true;
  }
  return false;
}

/**
 * Credentials written into the manifest end up in git, in CI logs and in every copy of the
 * manifest. The message never repeats the value.
 */
export const noLiteralCredentials: PodRule = {
  id: 'no-literal-credentials',
  title: 'No credentials are written literally into environment variables',
  remediation: 'Move the credential into a Secret (created out of band or by a secrets operator) and mount it as a file; rotate the credential, since it has been exposed.',
  level: 'hardened',
  severity: 'critical',
  controls: [...cis('5.4.1'), ...nist('4.1.4')],
  edition: 1,
  scope: 'pod',
  check({ pod }) {
    const violations: Violation[] = [];
    for (let j = 0; j < pod.containers.length; j++) {
      const container = pod.containers[j];
      const variables = listOf(container.container.env);
      for (let i = 0; i < variables.length; i++) {
        const env = variables[i];
        const name = get(env, 'name');
        const value = get(env, 'value');
        if (typeof value !== 'string' || isHarmlessValue(value)) continue;
        const path = text`${container.path}.env[${i}].value`;
        const label = typeof name === 'string' ? name : `#${i}`;
        const shaped = CREDENTIAL_VALUES.find((c) => c.pattern.test(value));
        if (shaped) violations.push({ path, message: `${describeContainer(container)} environment variable ${label} holds what looks like ${shaped.kind}, written literally` });
        else if (typeof name === 'string' && isCredentialName(name)) violations.push({ path, message: `${describeContainer(container)} environment variable ${label} looks like a credential and has a literal value` });
      }
    }
    return violations;
  },
};
