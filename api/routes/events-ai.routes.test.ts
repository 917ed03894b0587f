import { randomUUID } from 'node:crypto';
import { createNotificationService } from '../../activities/notify/notification.service';
import { createLogger } from '../../platform/logger';
import { startTestApp, type TestApp } from '../testing/app-fixture';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { config: { GROQ_API_KEY: undefined } });
});
afterAll(async () => {
  await t?.close();
});

describe('notifications, assistant and fraud-rules routes', () => {
  it('lists the caller’s own notifications with channel status, and manages preferences', async () => {
    const alice = await t.customer();
    const bob = await t.customer();
    const service = createNotificationService({
      db: t.database.db,
      logger: createLogger({ level: 'silent' }),
    });
    await service.notify([
      {
        id: `ntf_${randomUUID().slice(0, 12)}`,
        customerId: alice.customerId!,
        template: 'kyc_approved',
        vars: {},
      },
    ]);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/notifications?limit=5',
      headers: alice.auth,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      items: { title: string; channels: { channel: string }[] }[];
      nextCursor: string | null;
    }>();
    expect(body.items.map((i) => i.title)).toEqual(['Identity verified']);
    expect(body.items[0]!.channels.map((c) => c.channel)).toContain('in_app');
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/v1/notifications',
      headers: bob.auth,
    });
    expect(other.json<{ items: unknown[] }>().items).toEqual([]);

    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/notifications/preferences',
      headers: alice.auth,
      payload: {
        changes: [
          { category: 'security', channel: 'email', enabled: false },
          { category: 'transfers', channel: 'sms', enabled: true },
        ],
      },
    });
    expect(put.statusCode).toBe(200);
    const prefs = put.json<{
      preferences: Record<string, Record<string, boolean>>;
      mandatoryCategories: string[];
    }>();
    expect(prefs.preferences.security!.email).toBe(true);
    expect(prefs.preferences.transfers!.sms).toBe(true);
    expect(prefs.mandatoryCategories).toEqual(['security']);
  });

  it('streams an assistant answer over SSE, falling back locally without a model', async () => {
    const alice = await t.customer();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assistant/chat',
      headers: alice.auth,
      payload: { message: 'How much did I spend this month?' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    expect(res.body).toContain('event: token');
    const text = [...res.body.matchAll(/event: token\ndata: (.*)\n\n/g)]
      .map((m) => (JSON.parse(m[1]!) as { text: string }).text)
      .join('');
    expect(text).toMatch(/^\[Offline answer: the AI assistant is unavailable/);
    expect(text).toContain('You have no open accounts yet.');
    expect(res.body).toMatch(
      /event: done\ndata: \{"source":"fallback","reason":"no API key configured"\}/,
    );
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assistant/chat',
      headers: alice.auth,
      payload: { message: 'x', tool: 'transfer' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('lets ops manage fraud rules (validated per type) and nobody else', async () => {
    const ops = await t.ops();
    const customer = await t.customer();
    const ruleSet = `api-${randomUUID().slice(0, 8)}`;
    const create = (payload: object, key = randomUUID()) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/ops/fraud-rules',
        headers: { ...ops.auth, 'idempotency-key': key },
        payload,
      });
    const ok = await create({
      name: 'burst',
      type: 'velocity_count',
      params: { windowSeconds: 600, maxCount: 5 },
      weight: 40,
      ruleSet,
    });
    expect(ok.statusCode).toBe(201);
    const rule = ok.json<{ id: string; action: string; active: boolean }>();
    expect(rule).toMatchObject({ action: 'SCORE', active: true });
    const bad = await create({
      name: 'bad',
      type: 'velocity_count',
      params: { windowSeconds: 'soon' },
      weight: 40,
      ruleSet,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/ops/fraud-rules/${rule.id}`,
      headers: ops.auth,
      payload: { active: false, weight: 10 },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ active: false, weight: 10 });
    const list = await t.app.inject({
      method: 'GET',
      url: `/api/v1/ops/fraud-rules?ruleSet=${ruleSet}`,
      headers: ops.auth,
    });
    expect(list.json<{ items: { id: string }[] }>().items.map((r) => r.id)).toEqual([rule.id]);
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/v1/ops/fraud-rules',
      headers: customer.auth,
    });
    expect([403, 404]).toContain(denied.statusCode);
  });
});
