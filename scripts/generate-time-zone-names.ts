/**
 * Writes src/model/time-zone-names.ts (`npx projen time-zones`) from the time zone database Go
 * embeds (lib/time/zoneinfo.zip of the Go toolchain on PATH), which the API server reads CronJob
 * time zones from. A test fails when the file differs from the toolchain's names.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TIME_ZONE_NAMES_PATH = join(__dirname, '..', 'src', 'model', 'time-zone-names.ts');

/** The file names in a zip archive, from its central directory. */
export function zipEntryNames(zip: Buffer): string[] {
  const END_OF_CENTRAL_DIRECTORY = 0x06054b50, CENTRAL_FILE_HEADER = 0x02014b50;
  // The end record sits in the last 22 bytes plus at most a 65,535-byte comment.
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) end--;
  if (end < 0) throw new Error('not a zip archive: no end of central directory record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new Error(`not a zip archive: no central file header at offset ${at}`);
    const nameLength = zip.readUInt16LE(at + 28), extraLength = zip.readUInt16LE(at + 30), commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** Zone and link names of the Go toolchain's embedded time zone database, sorted. */
export function goTimeZoneNames(): string[] {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const zip = readFileSync(join(goroot, 'lib', 'time', 'zoneinfo.zip'));
  return zipEntryNames(zip).filter((name) => !name.endsWith('/')).sort();
}

/** The TypeScript module holding `names`, as lines of space-separated names. */
export function renderTimeZoneNames(names: readonly string[]): string {
  const lines: string[] = [];
  let line: string[] = [];
  for (const name of names) {
    if (line.length > 0 && [...line, name].join(' ').length > 120) {
      lines.push(`  '${line.join(' ')}',`);
      line = [];
    }
    line.push(name);
  }
  if (line.length > 0) lines.push(`  '${line.join(' ')}',`);
  return [
    '/**',
    ' * Every zone and link name of the IANA time zone database, as Go embeds it (lib/time/zoneinfo.zip)',
    ' * and the API server reads CronJob time zones: names are case-sensitive there, links included',
    ` * (\`US/Pacific\`). ${names.length} names. Written by \`npx projen time-zones\`; never edit it by hand.`,
    ' */',
    'export const IANA_TIME_ZONE_NAMES: readonly string[] = [',
    ...lines,
    '].join(\' \').split(\' \');',
    '',
  ].join('\n');
}

if (require.main === module) {
  const temp = `${TIME_ZONE_NAMES_PATH}.tmp`;
  writeFileSync(temp, renderTimeZoneNames(goTimeZoneNames()));
  renameSync(temp, TIME_ZONE_NAMES_PATH);
  console.log(`wrote ${TIME_ZONE_NAMES_PATH}`);
}
