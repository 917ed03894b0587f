/**
 * Notifications: create (idempotent by a deterministic id), fan out to the customer's channels,
 * deliver with retries and backoff, and list for the API.
 *
 * - `create` runs inside the caller's transaction (the consumer's dedupe transaction), inserts
 *   the notification, one delivery row per enabled channel, and `pg_notify`s the in-app stream;
 *   Postgres sends the NOTIFY only on commit.
 * - `deliverDue` claims due email/SMS deliveries with a lease (FOR UPDATE SKIP LOCKED), sends,
 *   and records `sent`, or `failed` with the error and the next attempt (exponential backoff),
 *   up to MAX_ATTEMPTS. `skipped` when the channel or the address is missing.
 */
import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  notificationContacts,
  notificationDeliveries,
  notificationPreferences,
  notifications,
} from '../../db/schema';
import type { Logger } from '../../platform/logger';
import type { EmailSender, SmsProvider } from './channels';
import {
  CHANNELS,
  DEFAULT_CHANNELS,
  MANDATORY_CATEGORIES,
  categoryOf,
  render,
  type Category,
  type Channel,
  type TemplateName,
  type TemplateVars,
} from './templates';

export const NOTIFY_CHANNEL = 'harbor_notifications';
export const MAX_ATTEMPTS = 5;
/** Backoff before attempt n+1: base × 2^(n-1), capped. */
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_MAX_MS = 15 * 60_000;
const LEASE_MS = 60_000;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Executor = Db | Tx;

export interface NotificationRequest {
  id: string;
  customerId: string;
  template: TemplateName;
  vars: TemplateVars;
  sourceEventId?: string;
}

export interface Contacts {
  email?: string;
  phone?: string;
}

export interface ContactDirectory {
  lookup(customerId: string): Promise<Contacts>;
}

/** Contacts from `notification_contacts`, else the customer record (email) when present. */
export function createPgContactDirectory(db: Db): ContactDirectory {
  return {
    async lookup(customerId) {
      const [row] = await db
        .select()
        .from(notificationContacts)
        .where(eq(notificationContacts.customerId, customerId));
      if (row && (row.email || row.phone)) {
        return { email: row.email ?? undefined, phone: row.phone ?? undefined };
      }
      try {
        const res = await db.execute(sql`select * from customers where id = ${customerId} limit 1`);
        const c = res.rows[0] as { email?: string; phone?: string } | undefined;
        return { email: c?.email ?? undefined, phone: c?.phone ?? undefined };
      } catch {
        return {};
      }
    },
  };
}

/** Deterministic: the same source, template and customer always give the same id. */
export function notificationId(
  sourceKey: string,
  template: TemplateName,
  customerId: string,
): string {
  const digest = createHash('sha256')
    .update(`${sourceKey}|${template}|${customerId}`)
    .digest('base64url');
  return `ntf_${digest.slice(0, 24)}`;
}

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

export interface NotificationServiceDeps {
  db: Db;
  logger: Logger;
  email?: EmailSender;
  sms?: SmsProvider;
  contacts?: ContactDirectory;
}

export type Preferences = Record<Category, Record<Channel, boolean>>;

export function createNotificationService(deps: NotificationServiceDeps) {
  const contacts = deps.contacts ?? createPgContactDirectory(deps.db);

  async function preferences(exec: Executor, customerId: string): Promise<Preferences> {
    const rows = await exec
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.customerId, customerId));
    const prefs = structuredClone(DEFAULT_CHANNELS) as Preferences;
    for (const r of rows) {
      const cat = r.category as Category;
      const ch = r.channel as Channel;
      if (prefs[cat] && ch in prefs[cat]) prefs[cat][ch] = r.enabled;
    }
    for (const cat of MANDATORY_CATEGORIES) {
      prefs[cat].email = true;
      prefs[cat].in_app = true;
    }
    return prefs;
  }

  /** Inserts the notification and its deliveries. Returns false if it already existed. */
  async function create(exec: Executor, req: NotificationRequest): Promise<boolean> {
    const category = categoryOf(req.template);
    const rendered = render(req.template, req.vars);
    const inserted = await exec
      .insert(notifications)
      .values({
        id: req.id,
        customerId: req.customerId,
        category,
        template: req.template,
        title: rendered.title,
        body: rendered.body,
        data: Object.fromEntries(Object.entries(req.vars).filter(([, v]) => v !== undefined)),
        sourceEventId: req.sourceEventId ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: notifications.id });
    if (inserted.length === 0) return false;
    const prefs = await preferences(exec, req.customerId);
    const channels = CHANNELS.filter((c) => prefs[category][c]);
    const now = new Date();
    await exec
      .insert(notificationDeliveries)
      .values(
        channels.map((channel) => ({
          notificationId: req.id,
          channel,
          status: channel === 'in_app' ? 'sent' : 'pending',
          attempts: channel === 'in_app' ? 1 : 0,
          sentAt: channel === 'in_app' ? now : null,
          nextAttemptAt: now,
        })),
      )
      .onConflictDoNothing();
    if (channels.includes('in_app')) {
      await exec.execute(
        sql`select pg_notify(${NOTIFY_CHANNEL}, ${JSON.stringify({ id: req.id, customerId: req.customerId })})`,
      );
    }
    return true;
  }

  async function sendOne(
    notificationId: string,
    channel: Channel,
  ): Promise<{ status: string; error?: string }> {
    const [n] = await deps.db
      .select()
      .from(notifications)
      .where(eq(notifications.id, notificationId));
    if (!n) return { status: 'failed', error: 'notification missing' };
    const to = await contacts.lookup(n.customerId);
    const rendered = render(n.template as TemplateName, n.data as TemplateVars);
    if (channel === 'email') {
      if (!deps.email) return { status: 'skipped', error: 'email not configured' };
      if (!to.email) return { status: 'skipped', error: 'no email address' };
      await deps.email.send({
        to: to.email,
        subject: rendered.emailSubject,
        text: rendered.emailText,
        html: rendered.emailHtml,
        messageId: `<${n.id}@harbor.bank>`,
      });
      return { status: 'sent' };
    }
    if (channel === 'sms') {
      if (!deps.sms) return { status: 'skipped', error: 'sms not configured' };
      if (!to.phone) return { status: 'skipped', error: 'no phone number' };
      await deps.sms.send({ to: to.phone, text: rendered.sms, reference: n.id });
      return { status: 'sent' };
    }
    return { status: 'sent' };
  }

  /**
   * Claims and sends due deliveries (all, or only those of `ids`). Safe to run from several
   * processes at once: a claimed row is leased and skipped by the others.
   */
  async function deliverDue(opts: { ids?: string[]; limit?: number } = {}): Promise<number> {
    const limit = opts.limit ?? 50;
    const idFilter =
      opts.ids && opts.ids.length > 0
        ? sql`and notification_id in (${sql.join(
            opts.ids.map((i) => sql`${i}`),
            sql`, `,
          )})`
        : sql``;
    const claimed = await deps.db.execute(sql`
      update notification_deliveries d
         set next_attempt_at = now() + ${`${LEASE_MS} milliseconds`}::interval, updated_at = now()
        from (select notification_id, channel from notification_deliveries
               where status in ('pending', 'failed') and attempts < ${MAX_ATTEMPTS}
                 and next_attempt_at <= now() ${idFilter}
               order by next_attempt_at
               for update skip locked
               limit ${limit}) due
       where d.notification_id = due.notification_id and d.channel = due.channel
   returning d.notification_id, d.channel, d.attempts`);
    let sent = 0;
    for (const row of claimed.rows as {
      notification_id: string;
      channel: Channel;
      attempts: number;
    }[]) {
      const attempts = row.attempts + 1;
      let outcome: { status: string; error?: string };
      try {
        outcome = await sendOne(row.notification_id, row.channel);
      } catch (err) {
        outcome = { status: 'failed', error: err instanceof Error ? err.message : String(err) };
      }
      if (outcome.status === 'sent') sent += 1;
      else if (outcome.status === 'failed') {
        deps.logger.warn(
          {
            notificationId: row.notification_id,
            channel: row.channel,
            attempts,
            err: outcome.error,
          },
          'notification delivery failed',
        );
      }
      await deps.db
        .update(notificationDeliveries)
        .set({
          status: outcome.status,
          attempts,
          lastError: outcome.error ?? null,
          sentAt: outcome.status === 'sent' ? new Date() : null,
          nextAttemptAt: new Date(Date.now() + backoffMs(attempts)),
          updatedAt: new Date(),
        })
        .where(
          and(
            eq(notificationDeliveries.notificationId, row.notification_id),
            eq(notificationDeliveries.channel, row.channel),
          ),
        );
    }
    return sent;
  }

  /** Creates (idempotently, in one transaction) and tries to deliver at once. */
  async function notify(requests: NotificationRequest[]): Promise<string[]> {
    if (requests.length === 0) return [];
    await deps.db.transaction(async (tx) => {
      for (const r of requests) await create(tx, r);
    });
    const ids = requests.map((r) => r.id);
    try {
      await deliverDue({ ids });
    } catch (err) {
      deps.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'immediate delivery deferred to retries',
      );
    }
    return ids;
  }

  async function list(customerId: string, opts: { limit: number; cursor?: string }) {
    // Cursor: `<createdAt ISO>|<id>`, newest first.
    let where = eq(notifications.customerId, customerId);
    if (opts.cursor) {
      const [at, id] = opts.cursor.split('|');
      const atDate = new Date(at ?? '');
      if (!Number.isNaN(atDate.getTime()) && id) {
        where = and(
          where,
          or(
            lt(notifications.createdAt, atDate),
            and(eq(notifications.createdAt, atDate), lt(notifications.id, id)),
          ),
        )!;
      }
    }
    const rows = await deps.db
      .select()
      .from(notifications)
      .where(where)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(opts.limit + 1);
    const page = rows.slice(0, opts.limit);
    const deliveries = page.length
      ? await deps.db
          .select()
          .from(notificationDeliveries)
          .where(
            inArray(
              notificationDeliveries.notificationId,
              page.map((r) => r.id),
            ),
          )
      : [];
    const items = page.map((n) => ({
      id: n.id,
      category: n.category,
      template: n.template,
      title: n.title,
      body: n.body,
      createdAt: n.createdAt.toISOString(),
      readAt: n.readAt ? n.readAt.toISOString() : null,
      channels: deliveries
        .filter((d) => d.notificationId === n.id)
        .map((d) => ({ channel: d.channel, status: d.status, attempts: d.attempts })),
    }));
    const last = page.at(-1);
    const nextCursor =
      rows.length > opts.limit && last ? `${last.createdAt.toISOString()}|${last.id}` : null;
    return { items, nextCursor };
  }

  async function getPreferences(customerId: string): Promise<Preferences> {
    return preferences(deps.db, customerId);
  }

  /** Sets channel choices; mandatory categories keep email and in-app on. */
  async function setPreferences(
    customerId: string,
    changes: { category: Category; channel: Channel; enabled: boolean }[],
  ): Promise<Preferences> {
    for (const c of changes) {
      const enabled =
        MANDATORY_CATEGORIES.includes(c.category) && c.channel !== 'sms' ? true : c.enabled;
      await deps.db
        .insert(notificationPreferences)
        .values({ customerId, category: c.category, channel: c.channel, enabled })
        .onConflictDoUpdate({
          target: [
            notificationPreferences.customerId,
            notificationPreferences.category,
            notificationPreferences.channel,
          ],
          set: { enabled, updatedAt: new Date() },
        });
    }
    return preferences(deps.db, customerId);
  }

  async function setContacts(customerId: string, c: Contacts): Promise<void> {
    await deps.db
      .insert(notificationContacts)
      .values({ customerId, email: c.email ?? null, phone: c.phone ?? null })
      .onConflictDoUpdate({
        target: notificationContacts.customerId,
        set: { email: c.email ?? null, phone: c.phone ?? null, updatedAt: new Date() },
      });
  }

  async function markRead(customerId: string, id: string): Promise<boolean> {
    const res = await deps.db
      .update(notifications)
      .set({ readAt: new Date() })
      .where(and(eq(notifications.id, id), eq(notifications.customerId, customerId)))
      .returning({ id: notifications.id });
    return res.length > 0;
  }

  return {
    create,
    notify,
    deliverDue,
    list,
    getPreferences,
    setPreferences,
    setContacts,
    markRead,
    preferences,
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
