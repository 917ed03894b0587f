/**
 * Kills and restarts the stack's services (Postgres, Redis, Kafka, Temporal) of ONE stack: the
 * pids come from that stack's own pid files under its HARBOR_DATA and are checked against the
 * process command line before any signal, so a run can never hit another stack's processes.
 * Restarts go through infra/stack.sh with that stack's env.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, type StackEnv } from './env';
import { sleep } from './wait';

export const SERVICES = ['postgres', 'redis', 'kafka', 'temporal'] as const;
export type Service = (typeof SERVICES)[number];

function readPid(file: string): number | undefined {
  try {
    const first = fs.readFileSync(file, 'utf8').split('\n')[0]?.trim() ?? '';
    return /^\d+$/.test(first) ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

export class StackControl {
  private readonly data: string;
  constructor(
    private readonly stack: StackEnv,
    private readonly log: (line: string) => void,
  ) {
    if (!stack.harborData) throw new Error('stack control needs the stack data dir (HARBOR_DATA)');
    this.data = stack.harborData;
  }

  private port(service: Service): string {
    const e = this.stack.stackScriptEnv;
    switch (service) {
      case 'postgres':
        return new URL(this.stack.databaseUrl).port;
      case 'redis':
        return new URL(this.stack.redisUrl).port;
      case 'kafka':
        return e.HARBOR_KAFKA_PORT ?? '9092';
      case 'temporal':
        return this.stack.temporalAddress.split(':')[1] ?? '7233';
    }
  }

  /** The service's pid, only if its command line proves it belongs to this stack. */
  pidOf(service: Service): number | undefined {
    const file =
      service === 'postgres'
        ? path.join(this.data, 'postgres', 'postmaster.pid')
        : path.join(this.data, 'run', `${service}.pid`);
    const pid = readPid(file);
    if (pid === undefined || !alive(pid)) return undefined;
    const cmd = cmdline(pid) ?? '';
    const owned: Record<Service, boolean> = {
      postgres: cmd.includes(`-D ${path.join(this.data, 'postgres')}`),
      redis: cmd.includes('redis-server') && cmd.includes(`:${this.port('redis')}`),
      kafka: cmd.includes('-Dharbor.stack=kafka') && cmd.includes(`-Dharbor.data=${this.data}`),
      temporal: cmd.includes('server start-dev') && cmd.includes(`--port ${this.port('temporal')}`),
    };
    return owned[service] ? pid : undefined;
  }

  /** kill -9 the service and wait until it is gone. */
  async kill9(service: Service): Promise<void> {
    const pid = this.pidOf(service);
    if (pid === undefined) throw new Error(`${service}: no running process of this stack`);
    this.log(`kill -9 ${service} (pid ${pid})`);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 200 && alive(pid); i++) await sleep(100);
    if (alive(pid)) throw new Error(`${service} (pid ${pid}) survived SIGKILL`);
  }

  /** infra/stack.sh <cmd> --only <service>, with this stack's env. */
  private script(cmd: 'up' | 'down', service: Service): Promise<void> {
    const logFile = path.join(this.data, 'logs', 'chaos-stack.log');
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const out = fs.openSync(logFile, 'a');
    return new Promise((resolve, reject) => {
      const child = spawn(
        'bash',
        [path.join(REPO_ROOT, 'infra', 'stack.sh'), cmd, '--only', service],
        { cwd: REPO_ROOT, env: this.stack.stackScriptEnv, stdio: ['ignore', out, out] },
      );
      child.on('error', reject);
      child.on('exit', (code) => {
        fs.closeSync(out);
        if (code === 0) resolve();
        else reject(new Error(`stack.sh ${cmd} --only ${service} exited ${code} (see ${logFile})`));
      });
    });
  }

  async up(service: Service): Promise<void> {
    const t0 = Date.now();
    // After a kill -9, a loaded machine can take longer than the script's wait (Kafka stays in
    // RECOVERY until its old broker session expires): the process keeps starting, so ask again.
    await this.script('up', service).catch(() => this.script('up', service));
    this.log(`${service} up again (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  }

  /** A clean stop (for outages), through the stack script. */
  async stop(service: Service): Promise<void> {
    await this.script('down', service);
    this.log(`${service} stopped`);
  }

  /** Starts every service that is not running (the whole private stack on first use). */
  async ensureUp(): Promise<void> {
    const logFile = path.join(this.data, 'logs', 'chaos-stack.log');
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const out = fs.openSync(logFile, 'a');
    await new Promise<void>((resolve, reject) => {
      const child = spawn('bash', [path.join(REPO_ROOT, 'infra', 'stack.sh'), 'up'], {
        cwd: REPO_ROOT,
        env: this.stack.stackScriptEnv,
        stdio: ['ignore', out, out],
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        fs.closeSync(out);
        if (code === 0) resolve();
        else reject(new Error(`stack.sh up exited ${code} (see ${logFile})`));
      });
    });
  }
}
