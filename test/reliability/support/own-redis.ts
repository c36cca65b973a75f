import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../helpers/cli-process';
import { isRunning, killChild, spawnUntilReady } from './child-process';

const REDIS_SERVER = process.env.RELIABILITY_REDIS_SERVER ?? '/usr/bin/redis-server';

/**
 * A Redis of the test's own, on a free port with its data in a temp dir, so a test may stop,
 * kill and restart it without touching the shared one. The append-only file is fsynced on
 * every write (as production must be configured): a restart then loses no acknowledged job.
 */
export class OwnRedis {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    readonly dir: string,
    /** False only to show what a Redis without persistence loses on a restart. */
    readonly persistent: boolean,
  ) {}

  static async start(opts: { persistent?: boolean } = {}): Promise<OwnRedis> {
    const dir = await mkdtemp(path.join(tmpdir(), 'h10f_redis_'));
    const redis = new OwnRedis(await freePort(), dir, opts.persistent ?? true);
    await redis.up();
    return redis;
  }

  get running(): boolean {
    return isRunning(this.child);
  }

  /** Starts redis-server (again) on the same port and dir; resolves once it accepts connections. */
  async up(): Promise<void> {
    if (this.running) return;
    const persistence = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, ...persistence, '--save', '', '--daemonize', 'no', '--protected-mode', 'no'];
    this.child = await spawnUntilReady(REDIS_SERVER, args, /Ready to accept connections/, 'redis-server');
  }

  /** Kills it (SIGKILL: nothing gets a chance to flush beyond what the AOF already holds). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await killChild(this.child, signal);
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.up();
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  env(): NodeJS.ProcessEnv {
    return { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(this.port) };
  }
}
