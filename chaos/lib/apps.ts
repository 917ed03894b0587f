/**
 * The app processes of a chaos run (worker, API, consumers): spawned by the run itself, each as a
 * single node process (`node --import tsx bin/<app>.ts`) in its own process group, with the run's
 * env (its own database, task queue, consumer groups, ports). A kill is `SIGKILL` to that group:
 * only processes this run started are ever signalled. Pid files go under the run dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './env';
import { alive } from './stack';
import { sleep, waitFor } from './wait';

export const APPS = ['worker', 'consumers', 'api'] as const;
export type AppName = (typeof APPS)[number];

interface Running {
  child: ChildProcess;
  pid: number;
  logOffset: number;
}

export interface AppsOptions {
  env: NodeJS.ProcessEnv;
  runDir: string;
  apiPort: number;
  log: (line: string) => void;
}

const READY_LINE: Record<Exclude<AppName, 'api'>, string> = {
  worker: 'worker started',
  consumers: 'consumers started',
};

export class Apps {
  private readonly running = new Map<AppName, Running>();
  constructor(private readonly opts: AppsOptions) {
    fs.mkdirSync(path.join(opts.runDir, 'logs'), { recursive: true });
  }

  logFile(app: AppName): string {
    return path.join(this.opts.runDir, 'logs', `${app}.log`);
  }

  pidOf(app: AppName): number | undefined {
    const r = this.running.get(app);
    return r && alive(r.pid) ? r.pid : undefined;
  }

  async start(app: AppName): Promise<void> {
    if (this.pidOf(app) !== undefined) return;
    const logFile = this.logFile(app);
    fs.appendFileSync(logFile, `\n===== ${new Date().toISOString()} chaos: starting ${app}\n`);
    const logOffset = fs.statSync(logFile).size;
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('bin', `${app}.ts`)], {
      cwd: REPO_ROOT,
      env: this.opts.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error(`${app}: spawn failed`);
    child.unref();
    this.running.set(app, { child, pid: child.pid, logOffset });
    fs.writeFileSync(path.join(this.opts.runDir, `${app}.pid`), `${child.pid}\n`);
    await this.waitReady(app);
  }

  private async waitReady(app: AppName): Promise<void> {
    const r = this.running.get(app)!;
    const t0 = Date.now();
    await waitFor(
      `${app} to become ready (log: ${this.logFile(app)})`,
      async () => {
        if (!alive(r.pid)) throw new Error(`${app} exited during start-up`);
        if (app === 'api') {
          const res = await fetch(`http://127.0.0.1:${this.opts.apiPort}/health`, {
            signal: AbortSignal.timeout(2_000),
          });
          return res.status < 500 ? true : undefined;
        }
        const fd = fs.openSync(this.logFile(app), 'r');
        try {
          const size = fs.fstatSync(fd).size;
          const buf = Buffer.alloc(Math.max(0, size - r.logOffset));
          fs.readSync(fd, buf, 0, buf.length, r.logOffset);
          return buf.toString('utf8').includes(READY_LINE[app]) ? true : undefined;
        } finally {
          fs.closeSync(fd);
        }
      },
      180_000,
    );
    this.opts.log(`${app} ready (pid ${r.pid}, ${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  }

  async startAll(): Promise<void> {
    for (const app of APPS) await this.start(app);
  }

  /** kill -9 the app's process group and wait until it is gone. */
  async kill9(app: AppName): Promise<void> {
    const pid = this.pidOf(app);
    if (pid === undefined) throw new Error(`${app} is not running`);
    this.opts.log(`kill -9 ${app} (pid ${pid})`);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    this.running.delete(app);
  }

  async restart(app: AppName): Promise<void> {
    await this.kill9(app);
    await this.start(app);
  }

  /** Graceful stop of everything still running (SIGTERM, then SIGKILL after 15 s). */
  async stopAll(): Promise<void> {
    for (const app of [...APPS].reverse()) {
      const pid = this.pidOf(app);
      if (pid === undefined) continue;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 150 && alive(pid); i++) await sleep(100);
      if (alive(pid)) process.kill(-pid, 'SIGKILL');
      this.running.delete(app);
    }
  }
}
