/**
 * Declares a suite that needs tools the set-up scripts install or build (a registry, Helm ...).
 * Without them the suite is one failing test that names what is missing and the set-up script that
 * provides it (`npm test` runs them all first), on CI and on a developer machine alike: a suite that
 * could not run is never a pass, nor a skip that a green run hides.
 * @param what what the suite needs, for messages: `registry tools`, `Helm`
 * @param missing why the tools are not there (naming the set-up script), or undefined when they are
 */
export function describeWithTools(title: string, what: string, missing: string | undefined, body: () => void): void {
  if (missing === undefined) {
    describe(title, body);
    return;
  }
  describe(title, () => {
    test(`needs ${what}`, () => {
      throw new Error(`${title}: not run, ${what} missing: ${missing}`);
    });
  });
}
