import { clusterGlobalTeardown } from './cluster-suite';

/** Runs once after all suites of a jest run: stops the servers the suites started, by PID. */
export default async function globalTeardown(): Promise<void> {
  await clusterGlobalTeardown();
}
