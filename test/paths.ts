import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');
/** Set per run by test/global-setup.ts. */
export function workflowBundlePath(): string {
  const p = process.env.WORKFLOW_BUNDLE_PATH;
  if (!p) throw new Error('WORKFLOW_BUNDLE_PATH is unset: run tests through jest (global-setup).');
  return p;
}
export const CACHE_DIR =
  process.env.HARBOR_CACHE ?? path.join(os.homedir(), '.cache', 'harbor-bank');
export const TEMPORAL_CLI_PATH =
  process.env.TEMPORAL_CLI_PATH ?? path.join(CACHE_DIR, 'bin', 'temporal');
export const TEMPORAL_TEST_SERVER_PATH =
  process.env.TEMPORAL_TEST_SERVER_PATH ?? path.join(CACHE_DIR, 'bin', 'temporal-test-server');
