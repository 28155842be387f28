/**
 * Declares a suite that needs tools the set-up scripts install or build (a registry, Helm ...).
 * Without them it prints a loud banner and skips on a developer machine, and fails under
 * HARDPOD_REQUIRE_SERVERS=1 (CI), so a suite that could not run is never a silent pass.
 * @param what what the suite needs, for messages: `registry tools`, `Helm`
 * @param missing why the tools are not there (naming the set-up script), or undefined when they are
 */
export function describeWithTools(title: string, what: string, missing: string | undefined, body: () => void): void {
  if (missing === undefined) {
    describe(title, body);
    return;
  }
  describe(title, () => {
    if (process.env.HARDPOD_REQUIRE_SERVERS === '1') {
      test(`needs ${what}`, () => {
        throw new Error(`HARDPOD_REQUIRE_SERVERS=1 and ${what} missing: ${missing}`);
      });
    } else {
      console.warn(`\n${'!'.repeat(78)}\n!! NOT RUN: ${title}\n!! no ${what}: ${missing}\n${'!'.repeat(78)}\n`);
      test.skip(`NOT RUN (no ${what}): ${missing}`, () => undefined);
    }
  });
}
