/**
 * Builds the workflow bundle ahead of time. A worker given `WORKFLOW_BUNDLE_PATH` skips webpack at
 * start-up: it starts faster and its heap never holds the bundler (≈250 MiB of RSS the process
 * keeps). Used by `npm run build:workflows` (deployments), the jest global setup, chaos and bench.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import fs from 'node:fs/promises';
import path from 'node:path';
import { WORKFLOW_INTERCEPTOR_MODULES } from './telemetry-temporal';

const quiet = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: console.error,
  log() {},
} as never;

export interface WorkflowBundleOptions {
  /** Bundle the OpenTelemetry workflow interceptors (what a production worker runs). Default true. */
  tracing?: boolean;
}

/** Writes the bundle of workflows/index.ts to `outPath` and returns the path. */
export async function writeWorkflowBundle(
  outPath: string,
  options: WorkflowBundleOptions = {},
): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    ...(options.tracing !== false && { workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES }),
    logger: quiet,
  });
  await fs.mkdir(path.dirname(outPath), { recursive: true });
  await fs.writeFile(outPath, code);
  return outPath;
}
