/**
 * The thin notify activity the TransferWorkflow calls at the end. Idempotent by notification id
 * (derived from the transfer id, the outcome and the recipient): a retry, or the notifications
 * consumer seeing the matching `transfer.*` event, never tells a customer twice.
 */
import type { Db } from '../../db/client';
import type { NotifyTransferPartiesInput } from '../../domain/transfer';
import type { Config } from '../../platform/config';
import type { Logger } from '../../platform/logger';
import { withDomainFailures } from '../shared/failures';
import {
  createHttpSmsProvider,
  createSmtpEmailSender,
  type EmailSender,
  type SmsProvider,
} from './channels';
import { accountOwner, transferNotifications } from './event-notifications';
import { createNotificationService, type ContactDirectory } from './notification.service';

export interface NotifyActivityDeps {
  db: Db;
  logger: Logger;
  config?: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'SMS_GATEWAY_URL'>;
  email?: EmailSender;
  sms?: SmsProvider;
  contacts?: ContactDirectory;
}

/** Channels from config: SMTP_URL → email, SMS_GATEWAY_URL → SMS; absent → skipped. */
export function channelsFromConfig(config?: NotifyActivityDeps['config']): {
  email?: EmailSender;
  sms?: SmsProvider;
} {
  return {
    email: config?.SMTP_URL ? createSmtpEmailSender(config.SMTP_URL, config.MAIL_FROM) : undefined,
    sms: config?.SMS_GATEWAY_URL ? createHttpSmsProvider(config.SMS_GATEWAY_URL) : undefined,
  };
}

export function createNotifyActivities(deps: NotifyActivityDeps) {
  const fromConfig = channelsFromConfig(deps.config);
  const service = createNotificationService({
    db: deps.db,
    logger: deps.logger,
    email: deps.email ?? fromConfig.email,
    sms: deps.sms ?? fromConfig.sms,
    contacts: deps.contacts,
  });
  return withDomainFailures({
    /** Tells the sender (and, on completion, the payee) what happened. Returns the ids. */
    async notifyTransferParties(
      input: NotifyTransferPartiesInput,
    ): Promise<{ notificationIds: string[] }> {
      const toCustomerId =
        input.toCustomerId ??
        (input.kind === 'completed' || input.kind === 'reversed'
          ? await accountOwner(deps.db, input.toAccountId)
          : undefined);
      const ids = await service.notify(transferNotifications({ ...input, toCustomerId }));
      return { notificationIds: ids };
    },
  });
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
