/** pgbench -N on the same Postgres: the baseline the ledger is compared against. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const PGBENCH_CANDIDATES = ['/usr/lib/postgresql/15/bin/pgbench', 'pgbench'];

function pgbenchPath(): string {
  return PGBENCH_CANDIDATES.find((p) => p === 'pgbench' || fs.existsSync(p))!;
}

/** Initialises a pgbench database (scale 10) once; returns its URL. */
export function preparePgbench(adminUrl: string, dbName = 'bank_pgbench'): string {
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
  const args = [
    '-h',
    url.hostname,
    '-p',
    url.port || '5432',
    '-U',
    decodeURIComponent(url.username),
  ];
  try {
    execFileSync('psql', [...args, '-d', 'postgres', '-qc', `CREATE DATABASE ${dbName}`], {
      env,
      stdio: 'pipe',
    });
  } catch {
    // exists already
  }
  execFileSync(pgbenchPath(), [...args, '-i', '-q', '-s', '10', dbName], { env, stdio: 'pipe' });
  return url.toString();
}

/** Runs `pgbench -N` (simple-update, no branch/teller hot rows) and returns its TPS. */
export function runPgbench(url: string, clients: number, seconds: number): number {
  const u = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  const out = execFileSync(
    pgbenchPath(),
    [
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      decodeURIComponent(u.username),
      '-N',
      '-c',
      String(clients),
      '-j',
      String(Math.min(clients, 2)),
      '-T',
      String(seconds),
      u.pathname.slice(1),
    ],
    { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
  if (!match) throw new Error(`could not parse pgbench output:\n${out}`);
  return Number(match[1]);
}
