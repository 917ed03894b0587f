/**
 * The worker's activity registry: every domain's factory, merged. Add one line per domain.
 * Workflows never import this file (they proxy activity types from the domain modules).
 */
import type { ActivityDeps } from './deps';
import { createSmokeActivities } from './smoke/smoke.activities';
import { createLedgerActivities } from './ledger/ledger.activities';
import { createEventActivities } from './events/events.activities';
import { createFraudActivities } from './fraud/fraud.activities';
import { createNotifyActivities } from './notify/notify.activities';
import { createKycActivities } from './kyc/kyc.activities';
import { createAccountActivities } from './accounts/accounts.activities';
import { createScheduleActivities } from './schedules/schedules.activities';
import { createTransferActivities } from './transfers/transfers.activities';
import { createReversalActivities } from './transfers/reversal.activities';

export function createActivities(_deps: ActivityDeps) {
  return {
    ...createSmokeActivities(),
    ...createLedgerActivities({ db: _deps.db }),
    ...createEventActivities({ producer: _deps.producer, logger: _deps.logger }),
    ...createFraudActivities({
      db: _deps.db,
      redis: _deps.redis,
      config: _deps.config,
      logger: _deps.logger,
      producer: _deps.producer,
    }),
    ...createNotifyActivities({ db: _deps.db, logger: _deps.logger, config: _deps.config }),
    ...createKycActivities({ db: _deps.db, dataDir: _deps.config.DATA_DIR }),
    ...createAccountActivities({ db: _deps.db }),
    ...createScheduleActivities({ db: _deps.db }),
    ...createTransferActivities({ db: _deps.db }),
    ...createReversalActivities({ db: _deps.db }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
