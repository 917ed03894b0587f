/**
 * The worker's activity registry: every domain's factory, merged. Add one line per domain.
 * Workflows never import this file (they proxy activity types from the domain modules).
 */
import type { ActivityDeps } from './deps';
import { createSmokeActivities } from './smoke/smoke.activities';

export function createActivities(_deps: ActivityDeps) {
  return {
    ...createSmokeActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
