import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../..');
export const WEB_ROOT = path.resolve(here, '../..');
export const API_URL = process.env.E2E_API_URL ?? 'http://127.0.0.1:3000';
export const WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 5180);
export const WEB_URL = process.env.E2E_WEB_URL ?? `http://127.0.0.1:${WEB_PORT}`;
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'e2e');
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
