import { defineConfig } from 'vitest/config';

/**
 * End-to-end journeys in Debian's Chromium (playwright-core) against the real API.
 *   npm run test:e2e -w web
 * Env: E2E_API_URL (default http://127.0.0.1:3000), E2E_WEB_URL (default: start Vite on 127.0.0.1:5180
 * with its /api proxy), E2E_OPS_EMAIL/E2E_OPS_PASSWORD and E2E_SUPPORT_EMAIL/E2E_SUPPORT_PASSWORD
 * (default: staff users are created in the database with web/e2e/support/seed-staff.ts).
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['./e2e/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ['default'],
  },
});
