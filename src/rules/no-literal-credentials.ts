import type { PodRule, Violation } from './rule';
import type { ContainerView } from '../model/pod-view';
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
  // Where a credential is read from or sent in (`docker login --password-stdin`, `--api-key-header`).
  'STDIN', 'PROMPT', 'HEADER',
]);
const COMPOUNDS: readonly [string, string][] = [
  ['API', 'KEY'], ['PRIVATE', 'KEY'], ['ACCESS', 'KEY'], ['SECRET', 'KEY'], ['AUTH', 'TOKEN'], ['CLIENT', 'SECRET'],
  // Keys that encrypt or sign: whoever reads them decrypts or forges (Airflow's FERNET_KEY, Rails' MASTER_KEY).
  ['ENCRYPTION', 'KEY'], ['SIGNING', 'KEY'], ['MASTER', 'KEY'], ['FERNET', 'KEY'], ['HMAC', 'KEY'], ['SESSION', 'KEY'], ['JWT', 'KEY'],
];

/**
 * A value filled in at run time rather than written here: `$(VAR)`, which Kubernetes replaces with the
 * variable VAR defined before it; `${VAR}` or `${VAR:}`, which the application resolves (Spring and
 * Quarkus placeholders); `$VAR` and `${VAR}` in a shell script. A placeholder with a default
 * (`${VAR:hunter2}`) is not one: the default is used whenever VAR is unset, so it is a credential
 * written into the manifest; a default that is itself a `$(VAR)` reference is filled in too.
 */
const VARIABLE_REFERENCE = String.raw`(?:\$\([A-Za-z0-9_]+\)|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z0-9_.-]+(?::-?(?:\$\([A-Za-z0-9_]+\))?)?\})`;
const WHOLE_REFERENCE = new RegExp(`^${VARIABLE_REFERENCE}+$`);

/** Values shaped like well-known credentials, whatever the variable is called. */
const CREDENTIAL_VALUES: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { kind: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  { kind: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/ },
  // The user name may be empty (`redis://:pw@host`); a password that is only references (`$(VAR)`,
  // `${VAR}`) is filled in from other variables (often Secret references), so it is not written here.
  { kind: 'a URL with a password', pattern: new RegExp(String.raw`[a-z][a-z0-9+.-]*://[^\s/:@]*:(?!(?:${VARIABLE_REFERENCE})+@)[^\s/@]+@`, 'i') },
  // A password or key as a parameter of a URL or connection string (JDBC `?password=`, .NET `;Password=`,
  // an Azure SAS `&sig=`), unless it is only references.
  {
    kind: 'a connection string or URL with a password or key',
    pattern: new RegExp(String.raw`(?:^|[?&;\s])(?:password|passwd|pwd|secret|client_secret|token|access_token|api_key|apikey|sig)=(?!(?:${VARIABLE_REFERENCE})+(?:[&;\s]|$))[^&;\s]+`, 'i'),
  },
];

/**
 * One test every value of {@link CREDENTIAL_VALUES} passes (a superset of them), so that the common
 * value (`--port=8080`, `info`) costs one regular expression rather than one per shape.
 */
const MAY_BE_SHAPED = /-----BEGIN|A[KS]IA|gh[pousr]_|github_pat_|xox[abprs]-|AIza|eyJ|:\/\/[^\s/]*@|(?:pass(?:word|wd)|pwd|secret|token|key|sig)=/i;

/** What the value looks like when it is shaped like a well-known credential (an indexed loop: checks run cold, see Rule.check). */
function credentialShape(value: string): string | undefined {
  if (!MAY_BE_SHAPED.test(value)) return undefined;
  for (let i = 0; i < CREDENTIAL_VALUES.length; i++) {
    if (CREDENTIAL_VALUES[i].pattern.test(value)) return CREDENTIAL_VALUES[i].kind;
  }
  return undefined;
}

/** Values that are not credentials even under a credential-like name. */
function isHarmlessValue(value: string): boolean {
  const v = unquoted(value.trim());
  return v === '' || /^(true|false|yes|no|on|off|none|null)$/i.test(v) || v.startsWith('/') || WHOLE_REFERENCE.test(v);
}

/** A shell word without the quotes around it (`"$DB_PASSWORD"`). */
function unquoted(word: string): string {
  const q = word[0];
  return word.length >= 2 && (q === '"' || q === "'") && word[word.length - 1] === q ? word.slice(1, -1) : word;
}

/**
 * Cheap test an argument must pass before it is read word by word: it names a credential (each word of
 * {@link CREDENTIAL_WORDS} and {@link COMPOUNDS} holds one of these) or passes MySQL's `-pPASSWORD`.
 */
const MAY_HOLD_CREDENTIAL_OPTION = /pass|pwd|secret|token|key|credential|(?:^|\s)-p[^\s-]/i;
/** `--name=value`, `-name=value`, or `--name` alone (its value in the next word). */
const OPTION = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=(.*))?$/s;
/** MySQL and MariaDB clients take the password glued to `-p` (`mysql -pSECRET`); elsewhere `-p` is mostly a port. */
const MYSQL_CLIENT = /(?:^|[\s/])(?:mysql[a-z]*|mariadb[a-z-]*)(?:\s|$)/;

/** Whether an item of `commands` (the container's command and args when not given) runs a MySQL or MariaDB client. */
function runsMysqlClient(container: ContainerView, commands: readonly unknown[] | undefined): boolean {
  const items = commands ?? [...listOf(container.container.command), ...listOf(container.container.args)];
  return items.some((item) => typeof item === 'string' && MYSQL_CLIENT.test(item));
}

/**
 * Checks a command: items shaped like a credential, and options that give a credential a literal
 * value: `--password=x`, `--db-password x` (in the next word or the next item), MySQL's `-px`, also
 * inside a shell script (`sh -c "..."`), which is read word by word.
 * @param items the command's items
 * @param at where they are in the container (`args`, `readinessProbe.exec.command`); the path is built only for a finding
 * @param what the command in messages (`args`, `readinessProbe exec command`)
 * @param own whether the command runs on its own (an exec probe or hook), rather than with the container's command and args
 */
function checkCommand(violations: Violation[], container: ContainerView, items: readonly unknown[], at: string, what: string, own: boolean): void {
  // An option written alone whose value is in the next item, as exec-form arguments write it.
  let pending: string | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item !== 'string') {
      pending = undefined;
      continue;
    }
    const shape = credentialShape(item);
    if (shape !== undefined) {
      violations.push({ path: text`${container.path}.${at}[${i}]`, message: `${describeContainer(container)} ${what}[${i}] holds what looks like ${shape}, written literally` });
      pending = undefined;
      continue;
    }
    let option: string | undefined;
    if (pending !== undefined) {
      if (!item.startsWith('-') && !isHarmlessValue(item)) option = pending;
      pending = undefined;
    } else if (MAY_HOLD_CREDENTIAL_OPTION.test(item)) {
      const words = item.trim().split(/\s+/);
      for (let w = 0; w < words.length && option === undefined; w++) {
        const word = words[w];
        if (word.length > 2 && word.startsWith('-p') && word[2] !== '-' && runsMysqlClient(container, own ? items : undefined)) {
          if (!isHarmlessValue(word.slice(2))) option = '-p (the MySQL password)';
          continue;
        }
        const parsed = OPTION.exec(word);
        if (parsed === null || !isCredentialName(parsed[1])) continue;
        const flag = parsed[2] === undefined ? word : word.slice(0, word.length - parsed[2].length - 1);
        const value = parsed[2] ?? words[w + 1];
        if (value === undefined) pending = flag;
        else if (!(parsed[2] === undefined && value.startsWith('-')) && !isHarmlessValue(value)) option = flag;
      }
    }
    if (option !== undefined) violations.push({ path: text`${container.path}.${at}[${i}]`, message: `${describeContainer(container)} option ${option} in its ${what} has a literal value that looks like a credential` });
  }
}

/** The probes and lifecycle hooks whose `exec.command` runs in the container. */
const EXEC_HANDLERS = [
  ['readinessProbe', undefined], ['livenessProbe', undefined], ['startupProbe', undefined], ['lifecycle', 'postStart'], ['lifecycle', 'preStop'],
] as const;

/** Checks the commands of the container's exec probes and lifecycle hooks (a `mysqladmin ping -pSECRET` readiness probe). */
function checkExecHandlers(violations: Violation[], container: ContainerView): void {
  for (let i = 0; i < EXEC_HANDLERS.length; i++) {
    const [field, hook] = EXEC_HANDLERS[i];
    const holder = container.container[field];
    if (holder === undefined || holder === null) continue;
    const handler = hook === undefined ? holder : get(holder, hook);
    const command = get(get(handler, 'exec'), 'command');
    if (!Array.isArray(command)) continue;
    const handlerAt = hook === undefined ? field : `${field}.${hook}`;
    checkCommand(violations, container, command, `${handlerAt}.exec.command`, `${handlerAt} exec command`, true);
  }
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
  title: 'No credentials are written literally into environment variables, container arguments or exec probes and hooks',
  remediation: 'Move the credential into a Secret (created out of band or by a secrets operator) and mount it as a file (give a program its path, as with --password-file); rotate the credential, since it has been exposed.',
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
        const shape = credentialShape(value);
        if (shape !== undefined) violations.push({ path, message: `${describeContainer(container)} environment variable ${label} holds what looks like ${shape}, written literally` });
        else if (typeof name === 'string' && isCredentialName(name)) violations.push({ path, message: `${describeContainer(container)} environment variable ${label} looks like a credential and has a literal value` });
      }
      checkCommand(violations, container, listOf(container.container.command), 'command', 'command', false);
      checkCommand(violations, container, listOf(container.container.args), 'args', 'args', false);
      checkExecHandlers(violations, container);
    }
    return violations;
  },
};
