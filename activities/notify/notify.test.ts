import { randomBytes, randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Producer } from 'kafkajs';
import { createDatabase, type Database } from '../../db/client';
import { notificationDeliveries, notifications } from '../../db/schema';
import type { DomainEventInput } from '../../domain/events';
import { createKafka } from '../../platform/kafka';
import { createLogger } from '../../platform/logger';
import { startConsumer, type RunningConsumer } from '../../consumers/runtime';
import { notificationsHandler } from '../../consumers/notifications.consumer';
import { startFakeSmtp, type FakeSmtp } from '../../test/fakes/smtp';
import { startFakeSmsGateway, type FakeSms } from '../../test/fakes/sms-gateway';
import { createEventActivities } from '../events/events.activities';
import { createHttpSmsProvider, createSmtpEmailSender } from './channels';
import { createNotificationService, type NotificationService } from './notification.service';
import { createNotificationStream } from './notification-stream';
import { createNotifyActivities } from './notify.activities';

const kafka = createKafka(process.env.KAFKA_BROKERS!.split(','), 'notify-test');
const logger = createLogger({ level: 'silent' });
const uid = () => randomBytes(6).toString('hex');
let database: Database;
let smtp: FakeSmtp;
let sms: FakeSms;
let service: NotificationService;
let producer: Producer;
let consumer: RunningConsumer | undefined;

beforeAll(async () => {
  database = createDatabase(process.env.DATABASE_URL!, { max: 4 });
  smtp = await startFakeSmtp();
  sms = await startFakeSmsGateway();
  service = createNotificationService({
    db: database.db,
    logger,
    email: createSmtpEmailSender(smtp.url, 'Harbor Bank <no-reply@harbor.example>'),
    sms: createHttpSmsProvider(sms.url),
  });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});
afterAll(async () => {
  await consumer?.stop();
  await producer?.disconnect();
  await smtp?.close();
  await sms?.close();
  await database?.close();
});

async function deliveries(ids: string[]) {
  return database.db
    .select()
    .from(notificationDeliveries)
    .where(inArray(notificationDeliveries.notificationId, ids));
}

describe('notifications', () => {
  it('the consumer turns a transfer.completed event into emails for both parties and in-app rows, live', async () => {
    consumer = await startConsumer(
      { kafka, db: database.db, producer, logger },
      notificationsHandler({ db: database.db, service }),
      {
        groupId: `test-notifications-${randomUUID()}`,
      },
    );
    await consumer.ready;
    const sender = `cus_${uid()}`;
    const payee = `cus_${uid()}`;
    await service.setContacts(sender, { email: `${sender}@example.test`, phone: '+15550001' });
    await service.setContacts(payee, { email: `${payee}@example.test` });
    const stream = createNotificationStream(process.env.DATABASE_URL!);
    await stream.ready;
    const live = new Promise((resolve) => stream.subscribe(payee, resolve));

    const transferId = `trf_${uid()}`;
    const event: DomainEventInput = {
      id: `transfer-${transferId}:completed`,
      type: 'transfer.completed',
      subject: `acc_${uid()}`,
      dataVersion: 1,
      time: '2026-03-10T12:00:00.000Z',
      data: {
        transferId,
        customerId: sender,
        toCustomerId: payee,
        fromAccountId: `acc_${uid()}`,
        toAccountId: `acc_${uid()}`,
        amount: '1050',
        currency: 'USD',
      },
    };
    await createEventActivities({ producer }).publishEvents([event]);

    const sent = await smtp.waitFor((m) => m.to.includes(`${sender}@example.test`));
    expect(sent.subject).toBe('Harbor Bank: Transfer completed');
    expect(sent.decoded).toContain(
      `You sent 10.50 USD from account ${String(event.data.fromAccountId)} (ref ${transferId}).`,
    );
    const received = await smtp.waitFor((m) => m.to.includes(`${payee}@example.test`));
    expect(received.decoded).toContain('You received 10.50 USD');
    await expect(live).resolves.toMatchObject({ customerId: payee });
    await stream.close();

    const page = await service.list(sender, { limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      template: 'transfer_sent',
      category: 'transfers',
      title: 'Transfer completed',
    });
    expect(page.items[0]!.channels.sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
      { channel: 'email', status: 'sent', attempts: 1 },
      { channel: 'in_app', status: 'sent', attempts: 1 },
    ]);

    // The thin activity for the same transfer outcome maps to the same notification ids: no second email.
    const notify = createNotifyActivities({
      db: database.db,
      logger,
      email: createSmtpEmailSender(smtp.url, 'x@harbor.example'),
    });
    const again = await notify.notifyTransferParties({
      transferId,
      kind: 'completed',
      fromCustomerId: sender,
      toCustomerId: payee,
      fromAccountId: String(event.data.fromAccountId),
      toAccountId: String(event.data.toAccountId),
      amount: '1050',
      currency: 'USD',
    });
    expect(again.notificationIds).toEqual([page.items[0]!.id, expect.any(String)]);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.filter((m) => m.to.includes(`${sender}@example.test`))).toHaveLength(1);
  }, 90_000);

  it('honours channel preferences, but security notices cannot be turned off', async () => {
    const customer = `cus_${uid()}`;
    await service.setContacts(customer, { email: `${customer}@example.test`, phone: '+15550002' });
    const prefs = await service.setPreferences(customer, [
      { category: 'transfers', channel: 'email', enabled: false },
      { category: 'security', channel: 'email', enabled: false },
      { category: 'security', channel: 'sms', enabled: false },
    ]);
    expect(prefs.transfers.email).toBe(false);
    expect(prefs.security.email).toBe(true);
    const notify = createNotifyActivities({
      db: database.db,
      logger,
      email: createSmtpEmailSender(smtp.url, 'x@harbor.example'),
    });
    const base = {
      fromCustomerId: customer,
      fromAccountId: `acc_${uid()}`,
      toAccountId: `acc_${uid()}`,
      amount: '100',
      currency: 'USD',
    };
    const t1 = await notify.notifyTransferParties({
      ...base,
      transferId: `trf_${uid()}`,
      kind: 'cancelled',
    });
    const t2 = await notify.notifyTransferParties({
      ...base,
      transferId: `trf_${uid()}`,
      kind: 'awaiting_review',
    });
    const d1 = await deliveries(t1.notificationIds);
    const d2 = await deliveries(t2.notificationIds);
    expect(d1.map((d) => d.channel)).toEqual(['in_app']);
    expect(d2.map((d) => d.channel).sort()).toEqual(['email', 'in_app']);
    await smtp.waitFor(
      (m) =>
        m.to.includes(`${customer}@example.test`) &&
        m.subject === 'Harbor Bank: Transfer under review',
    );
  });

  it('retries a failed SMS with backoff and records status per channel', async () => {
    const customer = `cus_${uid()}`;
    await service.setContacts(customer, { email: `${customer}@example.test`, phone: '+15550003' });
    sms.failNext(1);
    const [id] = await service.notify([
      {
        id: `ntf_${uid()}`,
        customerId: customer,
        template: 'account_frozen',
        vars: { accountId: 'acc_123456', reason: 'support' },
      },
    ]);
    let rows = await deliveries([id!]);
    expect(rows.find((r) => r.channel === 'sms')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'sms gateway answered 503',
    });
    expect(rows.find((r) => r.channel === 'email')).toMatchObject({ status: 'sent' });
    // Not due yet: the backoff holds it back.
    await service.deliverDue({ ids: [id!] });
    expect((await deliveries([id!])).find((r) => r.channel === 'sms')!.attempts).toBe(1);
    await database.db
      .update(notificationDeliveries)
      .set({ nextAttemptAt: new Date(Date.now() - 1) })
      .where(eq(notificationDeliveries.notificationId, id!));
    await service.deliverDue({ ids: [id!] });
    rows = await deliveries([id!]);
    expect(rows.find((r) => r.channel === 'sms')).toMatchObject({
      status: 'sent',
      attempts: 2,
      lastError: null,
    });
    expect(sms.received.find((m) => m.reference === id)?.text).toContain(
      'Your account acc_123456 was frozen',
    );
    const [n] = await database.db.select().from(notifications).where(eq(notifications.id, id!));
    expect(n!.category).toBe('security');
  });
});
