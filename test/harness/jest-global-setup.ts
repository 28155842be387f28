import { clusterGlobalSetup } from './cluster-suite';

/** Runs once before all suites of a jest run; servers themselves start lazily in the suites that need them. */
export default function globalSetup(): void {
  clusterGlobalSetup();
}
