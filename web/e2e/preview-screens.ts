/**
 * Design review without a backend: serves fixture answers for /api/v1 inside Chromium (page.route),
 * takes screenshots of the main screens (desktop + mobile) and runs axe on each.
 *   node_modules/.bin/tsx web/e2e/preview-screens.ts [webUrl]   (webUrl: a running `vite` or `vite preview`)
 * Screenshots go to test-artifacts/e2e/preview/. Not part of the journeys: those use the real API.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, Route } from 'playwright-core';
import { openBrowser } from './support/browser';
import { ARTIFACTS } from './support/env';

const web = process.argv[2] ?? 'http://127.0.0.1:4173';
const out = path.join(ARTIFACTS, 'preview');
const now = Date.now();
const iso = (minsAgo: number) => new Date(now - minsAgo * 60_000).toISOString();

const accounts = [
  {
    id: 'acc_8f2k1m3n4p',
    number: '4021-5530-0192',
    type: 'CHECKING',
    currency: 'USD',
    status: 'ACTIVE',
    balances: { posted: 1_254_320, pending: -12_000, available: 1_242_320 },
  },
  {
    id: 'acc_9s8d7f6g5h',
    number: '4021-5530-0871',
    type: 'SAVINGS',
    currency: 'USD',
    status: 'ACTIVE',
    balances: { posted: 4_800_000, pending: 0, available: 4_800_000 },
  },
];
const entries = Array.from({ length: 14 }, (_, i) => ({
  id: `ent_${i}`,
  transferId: `trf_${i}`,
  kind: i % 3 === 0 ? 'DEPOSIT' : 'TRANSFER',
  direction: i % 3 === 0 ? 'credit' : 'debit',
  amount: [
    420_000, 8_950, 12_000, 310_000, 2_499, 64_00, 380_000, 15_75, 9_900, 250_000, 4_320, 1_200,
    300_000, 7_777,
  ][i]!,
  currency: 'USD',
  balanceAfter: 1_000_000,
  counterpartyAccountId: 'acc_other',
  reference: [
    'Salary',
    'Groceries',
    'Rent share',
    'Salary',
    'Coffee',
    'Books',
    'Salary',
    'Parking',
    'Utilities',
    'Bonus',
    'Pharmacy',
    'Bakery',
    'Salary',
    'Gym',
  ][i],
  createdAt: iso(i * 60 * 24 * 12),
}));
const transfer = {
  id: 'trf_2hf83kd92j',
  status: 'AWAITING_REVIEW',
  amount: 5_500_000,
  currency: 'USD',
  fromAccountId: 'acc_8f2k1m3n4p',
  toAccountId: 'acc_x7c6v5b4n3',
  memo: 'House deposit',
  failureCode: null,
  fraud: {
    score: 72,
    decision: 'REVIEW',
    reasons: [
      { rule: 'AMOUNT_OVER', value: '55000.00', weight: 50 },
      { rule: 'NEW_PAYEE', value: 'first transfer', weight: 22 },
    ],
  },
  timeline: [
    { status: 'PENDING', at: iso(6) },
    { status: 'FUNDS_HELD', at: iso(5) },
    { status: 'AWAITING_REVIEW', at: iso(5) },
  ],
  workflowId: 'transfer-trf_2hf83kd92j',
  createdAt: iso(6),
};
const fixtures: Record<string, unknown> = {
  'GET /auth/me': {
    id: 'usr_1',
    email: 'jules@example.com',
    fullName: 'Jules Vance',
    roles: ['customer', 'ops'],
    customerId: 'cus_1',
    kycStatus: 'APPROVED',
    mfaEnabled: false,
  },
  'POST /auth/refresh': { accessToken: 'fixture', expiresIn: 900 },
  'GET /accounts': { items: accounts, nextCursor: null },
  'GET /transfers': {
    items: [
      transfer,
      {
        ...transfer,
        id: 'trf_k2j3h4g5f6',
        status: 'COMPLETED',
        amount: 8_950,
        memo: 'Dinner',
        fraud: null,
        createdAt: iso(3000),
      },
    ],
    nextCursor: 'next',
  },
  'GET /transfers/trf_2hf83kd92j': transfer,
  'GET /kyc': { status: 'IN_REVIEW', reasons: [] },
  'GET /notifications': {
    items: [
      {
        id: 'ntf_1',
        title: 'Transfer in review',
        body: 'Your $55,000.00 transfer is being reviewed.',
        createdAt: iso(5),
      },
      {
        id: 'ntf_2',
        title: 'Salary received',
        body: '$4,200.00 arrived in Checking.',
        readAt: iso(100),
        createdAt: iso(60 * 24),
      },
    ],
    nextCursor: null,
  },
  'GET /scheduled-payments': {
    items: [
      {
        id: 'sch_1',
        fromAccountId: 'acc_8f2k1m3n4p',
        toAccountId: 'acc_x7c6v5b4n3',
        amount: 120_000,
        currency: 'USD',
        memo: 'Rent share',
        status: 'ACTIVE',
        schedule: { frequency: 'MONTHLY', startAt: iso(-60 * 24 * 3), dayOfMonth: 31 },
        nextRunAt: iso(-60 * 24 * 3),
        occurrences: [],
      },
      {
        id: 'sch_2',
        fromAccountId: 'acc_8f2k1m3n4p',
        toAccountId: 'acc_9s8d7f6g5h',
        amount: 25_000,
        currency: 'USD',
        memo: 'Savings',
        status: 'PAUSED',
        schedule: { frequency: 'WEEKLY', startAt: iso(-60 * 24) },
        nextRunAt: null,
        occurrences: [],
      },
    ],
    nextCursor: null,
  },
  'GET /support/transfers': {
    items: [
      {
        ...transfer,
        temporalUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/transfer-trf_2hf83kd92j',
        aiExplanation:
          "Large first-time payment to a new payee, 14× the customer's usual transfer size. The payee account was opened 2 days ago.",
      },
    ],
    nextCursor: null,
  },
};

async function fulfil(route: Route) {
  const url = new URL(route.request().url());
  const p = url.pathname.replace('/api/v1', '');
  const key = `${route.request().method()} ${p}`;
  if (p === '/notifications/stream')
    return route.fulfill({
      status: 200,
      contentType: 'text/event-stream',
      body: `event: notification\ndata: ${JSON.stringify({ id: 'ntf_live', title: 'Transfer in review', body: 'We will let you know shortly.', createdAt: iso(0) })}\n\n`,
    });
  if (p.endsWith('/stream'))
    return route.fulfill({
      status: 200,
      contentType: 'text/event-stream',
      body: `event: status\ndata: ${JSON.stringify(transfer)}\n\n`,
    });
  if (p.includes('/entries'))
    return route.fulfill({
      json: { items: p.includes(accounts[0]!.id) ? entries : [], nextCursor: null },
    });
  if (key in fixtures) return route.fulfill({ json: fixtures[key] });
  return route.fulfill({
    status: 503,
    json: { error: { code: 'DEPENDENCY_UNAVAILABLE', message: 'fixture not found' } },
  });
}

async function shoot(page: Page, name: string, url: string, ready: string) {
  await page.goto(url);
  await page.locator(ready).first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  console.log(
    `${name}: ${bad.length ? bad.map((v) => `${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`).join('; ') : 'no serious axe violations'}`,
  );
}

async function main() {
  mkdirSync(out, { recursive: true });
  const b = await openBrowser();
  const page = b.page;
  await page.goto(`${web}/sign-in`);
  await page.evaluate(() => localStorage.setItem('harbor.session', '1'));
  await page.route('**/api/v1/**', fulfil);
  const base = web;
  await shoot(page, 'dashboard', `${base}/`, '[data-testid="available-balance"]');
  await shoot(page, 'transfer-form', `${base}/transfer`, 'form');
  await shoot(
    page,
    'transfer-status',
    `${base}/transfers/${transfer.id}`,
    '[data-testid="transfer-status"]',
  );
  await shoot(page, 'history', `${base}/history`, 'table');
  await shoot(page, 'scheduled', `${base}/scheduled`, 'table');
  await shoot(page, 'kyc-status', `${base}/onboarding/status`, '[data-testid="kyc-status"]');
  await shoot(page, 'notifications', `${base}/notifications`, 'h1');
  await shoot(page, 'support-queue', `${base}/support`, '[data-testid="queue-item"]');
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'mobile-dashboard', `${base}/`, '[data-testid="available-balance"]');
  await shoot(
    page,
    'mobile-transfer-status',
    `${base}/transfers/${transfer.id}`,
    '[data-testid="transfer-status"]',
  );
  // API down entirely: the error states.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.unroute('**/api/v1/**');
  await page.route('**/api/v1/**', (r) =>
    r.request().url().includes('/auth/')
      ? fulfil(r)
      : r.fulfill({
          status: 503,
          json: { error: { code: 'DEPENDENCY_UNAVAILABLE', message: 'down' } },
        }),
  );
  await shoot(page, 'api-down-dashboard', `${base}/`, '[role="alert"]');
  await b.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
