/** What a chaos scenario is and what it reports. */
import type { CheckResult } from './checks';
import type { RunContext } from './context';

export interface ScenarioOutcome {
  checks: CheckResult[];
  /** What happened along the way (kills, timings, retries): printed under the checks. */
  notes: string[];
}

export interface Scenario {
  name: string;
  description: string;
  /** Needs to kill/stop infrastructure (only on a stack the run controls). */
  needsStackControl: boolean;
  run(ctx: RunContext): Promise<ScenarioOutcome>;
}

export function fundingOf(accounts: string[], balance: bigint): Map<string, bigint> {
  return new Map(accounts.map((a) => [a, balance]));
}
