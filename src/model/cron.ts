/**
 * CronJob schedules and time zones as the API server validates them: the schedule with the cron
 * library Kubernetes uses (robfig/cron v3, `ParseStandard`), the time zone by the IANA naming rules
 * and a lookup of the name. Each function returns why a value is refused, or undefined.
 */

import { IANA_TIME_ZONE_NAMES } from './time-zone-names';

interface FieldBounds {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAY_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FIELDS: readonly FieldBounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'day of week', min: 0, max: 6, names: DAY_NAMES },
];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Go's time.ParseDuration: an optional sign, then numbers with units (`1h30m`, `.5s`), or `0`. */
const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/;

/** Go's unicode.IsSpace, which splits the fields (JavaScript's \s differs: it has U+FEFF, not U+0085). */
const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Go's strconv.Atoi on a number robfig/cron accepts: an optional sign, then decimal digits, within int64. */
const GO_INT = /^[-+]?\d+$/;

/** Why the API server would refuse `schedule`, in the cron library's terms, or undefined when it parses. */
export function cronScheduleProblem(schedule: string): string | undefined {
  if (schedule.length === 0) return 'the schedule is empty';
  if (schedule.includes('TZ')) return 'it sets a time zone (TZ or CRON_TZ), which the API server refuses; use the timeZone field';
  if (schedule.startsWith('@')) {
    if (DESCRIPTORS.has(schedule)) return undefined;
    if (schedule.startsWith('@every ')) {
      return GO_DURATION.test(schedule.slice('@every '.length)) ? undefined : `"${schedule.slice('@every '.length)}" is not a duration such as 1h30m or 90s`;
    }
    return `unrecognized descriptor; expected one of ${[...DESCRIPTORS].join(', ')}, @every <duration>`;
  }
  const fields = schedule.split(GO_SPACE).filter((f) => f !== '');
  if (fields.length !== FIELDS.length) return `expected exactly 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  for (let i = 0; i < FIELDS.length; i++) {
    // Empty items between commas are skipped, as the cron library does.
    for (const item of fields[i].split(',').filter((r) => r !== '')) {
      const problem = rangeProblem(item, FIELDS[i]);
      if (problem) return `${FIELDS[i].name} "${fields[i]}": ${problem}`;
    }
  }
  return undefined;
}

/** One item of a field: `*` or `?`, a number or name, a range `a-b`, each optionally with `/step`. */
function rangeProblem(item: string, bounds: FieldBounds): string | undefined {
  const [range, ...steps] = item.split('/');
  if (steps.length > 1) return `too many slashes in "${item}"`;
  const ends = range.split('-');
  let start: number, end: number;
  if (ends[0] === '*' || ends[0] === '?') {
    // The library takes the whole range here and ignores anything after a dash.
    [start, end] = [bounds.min, bounds.max];
  } else {
    if (ends.length > 2) return `too many hyphens in "${item}"`;
    const first = intOrName(ends[0], bounds);
    if (typeof first === 'string') return first;
    const last = ends.length === 2 ? intOrName(ends[1], bounds) : first;
    if (typeof last === 'string') return last;
    [start, end] = [first, last];
  }
  if (steps.length === 1) {
    const step = intOrName(steps[0], { ...bounds, names: undefined });
    if (typeof step === 'string') return step;
    if (ends.length === 1) end = bounds.max;
    if (step === 0) return `the step in "${item}" must be a positive number`;
  }
  if (start < bounds.min) return `${start} is below the minimum ${bounds.min}`;
  if (end > bounds.max) return `${end} is above the maximum ${bounds.max}`;
  if (start > end) return `the range "${range}" starts after it ends`;
  return undefined;
}

function intOrName(text: string, bounds: FieldBounds): number | string {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!GO_INT.test(text)) return `"${text}" is not a number${bounds.names ? ` or a ${bounds.name} name` : ''}`;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return `"${text}" is out of range`;
  if (value < 0) return `negative numbers are not allowed ("${text}")`;
  return value;
}

/** Each part of an IANA name: ASCII letters, digits, `.`, `-`, `_`, `+`, at most 14 characters. */
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;
let namesByLowerCase: Map<string, string> | undefined;

/**
 * Why the API server would refuse `timeZone`, or undefined. The server loads the name with Go's
 * time.LoadLocation, case-sensitively, so only the names of the database Go embeds pass (links such
 * as `US/Pacific` and placeholders such as `Factory` included). Node's Intl is no judge: it still
 * knows names that database dropped (`US/Pacific-New`, `SystemV/AST4`). A wrong case
 * (`europe/berlin`) gets a suggestion.
 */
export function timeZoneProblem(timeZone: string): string | undefined {
  if (timeZone === '') return 'the time zone is empty';
  for (const part of timeZone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TIME_ZONE_PART.test(part)) return 'not an IANA time zone name';
  }
  if (timeZone.toLowerCase() === 'local') return 'Local is not an explicit time zone; name one such as Europe/Berlin or Etc/UTC';
  namesByLowerCase ??= new Map(IANA_TIME_ZONE_NAMES.map((name) => [name.toLowerCase(), name]));
  const known = namesByLowerCase.get(timeZone.toLowerCase());
  if (known === timeZone) return undefined;
  if (known !== undefined) return `time zone names are case-sensitive: did you mean ${known}?`;
  return 'unknown time zone (not in the time zone database Go embeds, which the API server reads)';
}
