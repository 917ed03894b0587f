import { existsSync } from 'node:fs';
import type { ViteDevServer } from 'vite';
import { API_URL, CHROMIUM, WEB_PORT, WEB_ROOT, WEB_URL } from './support/env';

let server: ViteDevServer | undefined;

/** Checks the API and Chromium are there, and serves the web app with Vite (its /api proxy → API). */
export async function setup() {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  const health = await fetch(`${API_URL}/health`).catch((e: Error) => e);
  if (health instanceof Error || !health.ok) {
    throw new Error(
      `The API is not reachable at ${API_URL}/health (${health instanceof Error ? health.message : health.status}). Start the stack and API first.`,
    );
  }
  if (!process.env.E2E_WEB_URL) {
    const { createServer } = await import('vite');
    process.env.HARBOR_API_URL = API_URL;
    server = await createServer({
      root: WEB_ROOT,
      configFile: `${WEB_ROOT}/vite.config.ts`,
      server: { port: WEB_PORT, strictPort: true, host: '127.0.0.1' },
      logLevel: 'warn',
    });
    await server.listen();
    // Warm the module graph once so the first journey is not slowed by on-demand transforms.
    await fetch(`${WEB_URL}/`).then((r) => r.text());
    await fetch(`${WEB_URL}/src/main.tsx`).then((r) => r.text());
    console.log(`e2e: web app at ${WEB_URL}, API at ${API_URL}`);
  }
}

export async function teardown() {
  await server?.close();
}
