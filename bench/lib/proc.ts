/**
 * Child processes for the benchmarks: the real worker and API (and the baselines' servers), each
 * run as ONE node process so its pid is the process whose memory we measure. They run compiled,
 * as in production (`npm run build`, then `node dist/<script>.js`): the bench builds once, on its
 * first start. Peak RSS is sampled from /proc/<pid>/status while a phase runs.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const REPO_ROOT = path.join(__dirname, '..', '..');

let built = false;
/** `bash infra/build.sh` once per bench run, so the processes run the code being measured. */
function buildOnce(): void {
  if (built) return;
  execFileSync('bash', [path.join(REPO_ROOT, 'infra', 'build.sh')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  built = true;
}

/** `bin/api.ts` → `dist/bin/api.js`. */
export function compiledScript(script: string): string {
  return path.join('dist', script.replace(/\.ts$/, '.js'));
}

export interface BenchProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last lines of stdout/stderr, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** TypeScript entry point relative to the repo root; its compiled JS in dist/ is run. */
  script: string;
  env: NodeJS.ProcessEnv;
  /** Extra `node` flags before the script (e.g. `--require` a preload). */
  nodeArgs?: string[];
  /** Ready once this predicate returns true (polled) ... */
  ready?: () => Promise<boolean>;
  /** ... or once a line of its output matches. Fails after `readyTimeoutMs`. */
  readyOutput?: RegExp;
  readyTimeoutMs?: number;
}

export async function startProcess(opts: StartOptions): Promise<BenchProcess> {
  buildOnce();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), compiledScript(opts.script)], {
    cwd: REPO_ROOT,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let sawReadyLine = false;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    if (opts.readyOutput?.test(text)) sawReadyLine = true;
    lines.push(...text.split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  const proc: BenchProcess = {
    name: opts.name,
    pid: child.pid!,
    child,
    tail: () => lines.join('\n'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== undefined) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 300_000);
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`${opts.name} exited (${exited}) before it was ready:\n${proc.tail()}`);
    }
    if (sawReadyLine) return proc;
    if (opts.ready && (await opts.ready().catch(() => false))) return proc;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${opts.name} was not ready in time:\n${proc.tail()}`);
    }
    await sleep(500);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resident memory of a process in MiB: current (VmRSS) and lifetime peak (VmHWM). */
export function readRss(pid: number): { rssMiB: number; hwmMiB: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples VmRSS of some processes every `intervalMs`; `stop()` returns the peak per name. */
export function sampleRss(procs: BenchProcess[], intervalMs = 250) {
  const peak = new Map<string, number>(procs.map((p) => [p.name, 0]));
  const tick = () => {
    for (const p of procs) {
      const m = readRss(p.pid);
      if (m && m.rssMiB > peak.get(p.name)!) peak.set(p.name, m.rssMiB);
    }
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    stop(): Record<string, number> {
      clearInterval(timer);
      tick();
      return Object.fromEntries(peak);
    },
  };
}

/** True once something answers HTTP on the URL (any status). */
export async function httpUp(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return true;
}

/** A TCP port that is free right now on 127.0.0.1 (so concurrent bench runs never collide). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
