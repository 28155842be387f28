import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { goTimeZoneNames, renderTimeZoneNames, TIME_ZONE_NAMES_PATH } from '../../scripts/generate-time-zone-names';
import { IANA_TIME_ZONE_NAMES } from '../../src/model/time-zone-names';
import { describeWithTools } from '../harness/required-tools';

/** Why Go is not there to read its time zone database from, or undefined. */
function missingGo(): string | undefined {
  const go = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' });
  return go.status === 0 ? undefined : 'the go command is not on PATH (the set-up builds kube-apiserver with it)';
}

describeWithTools('The time zone names are those of the database Go embeds', 'Go', missingGo(), () => {
  test('the committed list is what `npx projen time-zones` writes from this Go toolchain', () => {
    expect(readFileSync(TIME_ZONE_NAMES_PATH, 'utf8')).toBe(renderTimeZoneNames(goTimeZoneNames()));
  });

  test('the zip reader lists the same names as Python\'s zipfile', () => {
    const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
    const listed = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if not n.endswith("/")))', `${goroot}/lib/time/zoneinfo.zip`], { encoding: 'utf8' });
    expect(goTimeZoneNames()).toEqual(listed.trim().split('\n').sort());
    expect(IANA_TIME_ZONE_NAMES).toContain('US/Pacific');
    expect(IANA_TIME_ZONE_NAMES.length).toBeGreaterThan(500);
  });

  test('names the database dropped are not in it, although Node\'s Intl still knows them', () => {
    for (const name of ['SystemV/AST4', 'US/Pacific-New']) {
      expect(goTimeZoneNames()).not.toContain(name);
      expect(IANA_TIME_ZONE_NAMES).not.toContain(name);
      expect(() => new Intl.DateTimeFormat('en', { timeZone: name })).not.toThrow();
    }
  });
});
