/**
 * The runtime environment the production image gives every process (Dockerfile, runtime stage):
 * glibc's arena limit and Node's heap flags. The benchmarks run the API and worker with it, read
 * from the Dockerfile itself so the measured settings cannot drift from the shipped ones.
 */
import fs from 'node:fs';
import path from 'node:path';

const KEYS = ['MALLOC_ARENA_MAX', 'NODE_OPTIONS'] as const;

export function parseImageRuntimeEnv(dockerfile: string): Record<string, string> {
  const runtime = dockerfile.split(/^FROM .* AS runtime$/m)[1];
  if (runtime === undefined) throw new Error('Dockerfile: no "AS runtime" stage');
  const env: Record<string, string> = {};
  for (const key of KEYS) {
    const m = new RegExp(`\\b${key}=("([^"]*)"|(\\S+))`).exec(runtime);
    const value = m?.[2] ?? m?.[3];
    if (value === undefined) throw new Error(`Dockerfile runtime stage does not set ${key}`);
    env[key] = value;
  }
  return env;
}

export function imageRuntimeEnv(
  repoRoot = path.join(__dirname, '..', '..'),
): Record<string, string> {
  return parseImageRuntimeEnv(fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));
}
