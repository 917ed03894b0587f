/**
 * Secrets and PII never reach the logs: the real createLogger runs in a child process (pino
 * writes straight to fd 1) and we read everything it printed.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const SECRETS = {
  authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LWp3dA.sig-zz9',
  password: 'hunter2-Pa55word!',
  token: 'tok_live_5f1c0ffee0ddba11',
  nationalId: '123-45-6789',
  cookie: 'sid=cookie-secret-abc',
  refreshToken: 'rt_feedface1234',
};

const script = `
const { createLogger } = require('./platform/logger');
const s = JSON.parse(process.env.SECRETS);
const log = createLogger({ level: 'info', name: 'redaction-test' });
log.info({ req: { method: 'POST', url: '/api/v1/auth/login', headers: { authorization: s.authorization, cookie: s.cookie } } }, 'request');
log.info({ headers: { authorization: s.authorization } }, 'outgoing call');
log.info({ authorization: s.authorization }, 'bare header');
log.info({ body: { email: 'a@example.com', password: s.password, nationalId: s.nationalId } }, 'body');
log.info({ password: s.password, token: s.token, nationalId: s.nationalId, refreshToken: s.refreshToken }, 'top level');
log.info({ customer: { id: 'cus_1', nationalId: s.nationalId }, session: { token: s.token, refreshToken: s.refreshToken }, user: { password: s.password } }, 'nested');
log.child({ requestId: 'req-1' }).warn({ token: s.token }, 'child logger');
`;

describe('log redaction', () => {
  it('never prints an auth header, a password, a token or a national id', () => {
    const root = path.resolve(__dirname, '..');
    const out = execFileSync(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), '-e', script],
      {
        cwd: root,
        env: { ...process.env, SECRETS: JSON.stringify(SECRETS), LOG_LEVEL: 'info' },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(7);
    for (const secret of Object.values(SECRETS)) {
      expect(out).not.toContain(secret);
    }
    // The structure stays, the values are censored.
    expect(out).toContain('[REDACTED]');
    const [request, , , body, top, nested] = lines;
    expect((request!.req as { headers: Record<string, string> }).headers.authorization).toBe(
      '[REDACTED]',
    );
    expect((body!.body as Record<string, string>).email).toBe('a@example.com');
    expect(top!.nationalId).toBe('[REDACTED]');
    expect((nested!.customer as Record<string, string>).id).toBe('cus_1');
  });
});
