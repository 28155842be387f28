/**
 * The CronJob builder refuses exactly the schedules and time zones the real API server refuses:
 * each one is given to the builder, and a CronJob carrying it (the builder's own output when it
 * accepts) is dry-run created. Schedules come from a list of known cases and from fields generated
 * out of the pieces cron syntax is made of (ranges, steps, names, the characters other cron
 * dialects accept, out-of-range numbers, signs, empty list items).
 */
import * as fc from 'fast-check';
import { buildCronJob, type KubeObject } from '../../src/model';
import { isHardpodError } from '../../src/model/errors';
import { IANA_TIME_ZONE_NAMES } from '../../src/model/time-zone-names';
import type { Cluster } from '../harness/cluster';
import { describeCluster } from '../harness/cluster-suite';
import { mapLimit } from '../harness/pod-security';

const IMAGE = `ghcr.io/acme/report@sha256:${'a'.repeat(64)}`;

const KNOWN_SCHEDULES = [
  '0 3 * * *', '*/15 0-6 1,15 JAN-MAR MON-FRI', '0 0 ? * sun', '5/10 * * * *', '0 0 1 */2 *', '0 12 * * 1-5', '0 0 * * 0',
  '0 0 L * ?', '0 0 * * 5L', '0 0 * * MON#2', '0 0 15W * *', '60 * * * *', '0 24 * * *', '0 0 0 * *', '0 0 32 * *', '0 0 * 13 *',
  '0 0 * 0 *', '0 0 * * 7', '0 0 * * -1', '0 0 * * +1', '00 03 * * *', '*/0 * * * *', '5-1 * * * *', '1-2-3 * * * *', '1/2/3 * * * *',
  '*-5 * * * *', '0 , * * *', '0 1,,2 * * *', '0 0 * jan,FeB *', '0 0 * * Mon-fri', '0 0 * * MONDAY', '0\t3 * * *', '0  3 * * *',
  ' 0 3 * * *', '0 3 * * * ', '0 3 * *', '0 0 3 * * *', '', '@daily', '@midnight', '@hourly', '@weekly', '@monthly', '@yearly',
  '@annually', '@reboot', '@every 1h30m', '@every 90s', '@every 0', '@every -5m', '@every .5h', '@every 1.h', '@every 1', '@every',
  '@every  1h', '@daily ', ' @daily', '@DAILY', 'TZ=UTC 0 3 * * *', 'CRON_TZ=Europe/Berlin 0 3 * * *', '0 3 * * * TZ',
  '0 3\u00a0* * *', '0 3\u0085* * *', '99999999999999999999 * * * *',
];

/** Pieces of cron fields: valid values, names, ranges and steps, and what other cron dialects accept. */
const FIELD_PIECES = [
  '*', '?', '0', '1', '5', '7', '12', '23', '31', '59', '60', '-', '/', ',', '1-5', '*/2', '/0', 'MON', 'jan', 'L', 'W', '#2', '+', '05',
];
/** Whole fields that are valid in some positions and out of range in others. */
const PLAUSIBLE_FIELDS = [
  '*', '?', '*/5', '1-5', '0', '1', '6', '7', '12', '1,2', '5/10', '0-23/2', 'MON-FRI', 'sun', 'JAN', 'jan-jun', '31', '59',
];
const field = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PLAUSIBLE_FIELDS) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...FIELD_PIECES), { minLength: 1, maxLength: 3 }).map((p) => p.join('')) },
);
const generatedSchedule = fc
  .oneof(
    { weight: 6, arbitrary: fc.array(field, { minLength: 5, maxLength: 5 }) },
    { weight: 1, arbitrary: fc.array(field, { minLength: 4, maxLength: 6 }) },
  )
  .map((fields) => fields.join(' '));

const TIME_ZONES = [
  'Europe/Berlin', 'europe/berlin', 'EUROPE/BERLIN', 'America/New_York', 'America/Argentina/Buenos_Aires', 'America/Port-au-Prince',
  'america/port-au-prince', 'Asia/Kolkata', 'Asia/Calcutta', 'US/Pacific', 'Etc/UTC', 'Etc/GMT+5', 'Etc/GMT-14', 'UTC', 'utc', 'Local',
  'local', 'Mars/Olympus', 'Europe/Berlin/', '/Europe/Berlin', 'Europe//Berlin', '../Europe/Berlin', 'Europe/-Berlin', 'Europe/Berlin ',
  'Antarctica/DumontDUrville', 'America/Argentina/ComodRivadavia', 'Pacific/Port_Moresby', 'Zulu', 'GMT', 'EST5EDT', '',
  // Links of the database in the wrong case, which Intl accepts.
  'us/pacific', 'US/PACIFIC', 'asia/calcutta', 'zulu', 'gmt', 'est5edt', 'etc/gmt+5', 'Europe/kiev', 'antarctica/dumontdurville',
  // Names the database dropped, which Intl still knows.
  'SystemV/AST4', 'US/Pacific-New',
];

function rawCronJob(schedule: string, timeZone?: string): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report' },
    spec: {
      schedule,
      ...(timeZone === undefined ? {} : { timeZone }),
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: IMAGE }] } } } },
    },
  };
}

/** The builder's CronJob, or the reason it refused (any other exception fails the test). */
function build(schedule: string, timeZone?: string): KubeObject | { refused: string } {
  try {
    return buildCronJob({ name: 'report', image: IMAGE, schedule, ...(timeZone === undefined ? {} : { timeZone }) }, { where: 'report' }).workload as KubeObject;
  } catch (error) {
    if (isHardpodError(error)) return { refused: error.message };
    throw error;
  }
}

/** Disagreements between the builder and the server over these schedule and time zone pairs. */
async function disagreements(c: Cluster, namespace: string, cases: readonly { schedule: string; timeZone?: string }[]): Promise<string[]> {
  const found: string[] = [];
  await mapLimit(cases, 8, async ({ schedule, timeZone }) => {
    const built = build(schedule, timeZone);
    const refusedByBuilder = 'refused' in built;
    const verdict = await c.dryRunCreate(refusedByBuilder ? rawCronJob(schedule, timeZone) : built, namespace);
    const what = `schedule ${JSON.stringify(schedule)}${timeZone === undefined ? '' : ` timeZone ${JSON.stringify(timeZone)}`}`;
    if (verdict.allowed === refusedByBuilder) {
      found.push(`${what}: the builder ${refusedByBuilder ? `refuses it (${built.refused})` : 'accepts it'}, the API server ${verdict.allowed ? 'admits it' : `refuses it: ${verdict.message}`}`);
    } else if (!verdict.allowed && !/spec\.(schedule|timeZone)/.test(verdict.message ?? '')) {
      found.push(`${what}: the API server refused it for another reason: ${verdict.message}`);
    }
  });
  return found;
}

describeCluster('CronJob schedules and time zones: the builder refuses what the API server refuses', (cluster) => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await cluster().createNamespace(cluster().uniqueNamespaceName('cron'));
  });

  test('known schedules, with and without a time zone', async () => {
    const cases = KNOWN_SCHEDULES.flatMap((schedule) => [{ schedule }, { schedule, timeZone: 'Europe/Berlin' }]);
    expect(await disagreements(cluster(), namespace, cases)).toEqual([]);
  });

  test('generated schedules', async () => {
    const schedules = [...new Set(fc.sample(generatedSchedule, { numRuns: 600 }))];
    const results = schedules.map((schedule) => 'refused' in build(schedule));
    // Both verdicts must be common, or the comparison proves little.
    expect(results.filter(Boolean).length).toBeGreaterThan(100);
    expect(results.filter((r) => !r).length).toBeGreaterThan(15);
    expect(await disagreements(cluster(), namespace, schedules.map((schedule) => ({ schedule })))).toEqual([]);
  });

  test('time zones', async () => {
    expect(await disagreements(cluster(), namespace, TIME_ZONES.map((timeZone) => ({ schedule: '0 3 * * *', timeZone })))).toEqual([]);
  });

  test('every name of the time zone database, as written and with its case changed', async () => {
    // Flips the case of one letter, chosen by fast-check: a name the server must refuse.
    const recased = fc.sample(fc.constantFrom(...IANA_TIME_ZONE_NAMES).chain((name) => fc.nat(name.length - 1).map((i) => {
      const letters = [...name].map((c, at) => ({ c, at })).filter(({ c }) => c.toLowerCase() !== c.toUpperCase());
      const { c, at } = letters[i % letters.length];
      return name.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + name.slice(at + 1);
    })), { numRuns: 150 });
    const cases = [...IANA_TIME_ZONE_NAMES, ...recased].map((timeZone) => ({ schedule: '0 3 * * *', timeZone }));
    expect(await disagreements(cluster(), namespace, cases)).toEqual([]);
  }, 300_000);
});
