import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../ops/logger';
import { errorFields } from '../ops/logger';
import { EXPORT_QUEUES, EXPORT_WORKER_NODE_FLAGS, withoutServeFlags } from '../ops/node-flags';

export interface ExportWorkerProcess {
  /** The child's pid while it runs. */
  readonly pid: number | null;
  /** SIGTERM, then waits for the child to finish its jobs (SIGKILL after the grace). */
  stop(): Promise<void>;
}

export interface ExportWorkerOptions {
  /** The CLI script to run (`dist/src/cli.js`). */
  cli: string;
  queues: string[];
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** The child's own shutdown timeout; it is killed this long plus 5 s after SIGTERM. */
  stopTimeoutMs: number;
}

/**
 * Which of the queues `start` was asked for run in a child process with the export worker's V8
 * flags: the export queues, unless EXPORT_WORKER_PROCESS=inline. `start` also serves, and serving
 * wants a large young generation (SERVE_NODE_FLAGS, 128 MB semi-spaces) where an export wants a
 * small, slowly grown heap; one process cannot have both. A `work` process serves nothing: it
 * has the worker flags, or sets the growth flag on itself (applyWorkerHeapFlags).
 */
export function exportQueuesForChild(requested: readonly string[], mode: 'child' | 'inline'): string[] {
  if (mode === 'inline') return [];
  return requested.filter((q) => (EXPORT_QUEUES as readonly string[]).includes(q));
}

const SUPERVISOR_ENV = 'DRG_EXPORT_SUPERVISOR_PID';

/**
 * In the child: calls `gone` once the process that started it is no longer its parent (it was
 * killed without the chance to stop us), so that no orphan keeps taking jobs unsupervised.
 */
export function watchSupervisor(env: NodeJS.ProcessEnv, gone: () => void, everyMs = 1000): void {
  const supervisor = Number(env[SUPERVISOR_ENV]);
  if (!Number.isInteger(supervisor) || supervisor <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === supervisor) return;
    clearInterval(timer);
    gone();
  }, everyMs);
  timer.unref();
}

/**
 * Runs `work --queues <export queues>` in a child process with the export worker's flags, and
 * starts it again (2 s, doubling to 30 s while it keeps dying within a minute) if it exits: its
 * jobs are BullMQ's, so a dead child's active job is handed back by the stalled-job check and
 * nothing is lost. Its logs go to this process's stdout and stderr.
 */
export function startExportWorkerProcess(opts: ExportWorkerOptions): ExportWorkerProcess {
  let child: ChildProcess | null = null;
  let stopping = false;
  let quickDeaths = 0;
  let restart: NodeJS.Timeout | null = null;
  const args = [...EXPORT_WORKER_NODE_FLAGS, opts.cli, 'work', '--queues', opts.queues.join(',')];
  // `start` serves no METRICS_PORT (only `work` does), so the child, a `work`, serves it when set:
  // the export jobs' metrics. The serve flags in NODE_OPTIONS are what the child exists to avoid.
  const env = { ...opts.env, NODE_OPTIONS: withoutServeFlags(opts.env.NODE_OPTIONS), [SUPERVISOR_ENV]: String(process.pid) };

  const launch = () => {
    restart = null;
    if (stopping) return;
    const startedAt = Date.now();
    const c = spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child = c;
    let ended = false;
    // A child that could not be spawned only emits 'error'; one that ran emits 'exit': either
    // schedules the next start, once.
    const again = (fields: Record<string, unknown>, message: string) => {
      if (ended) return;
      ended = true;
      if (child === c) child = null;
      if (stopping) return;
      quickDeaths = Date.now() - startedAt < 60_000 ? quickDeaths + 1 : 0;
      const delayMs = Math.min(30_000, 1000 * 2 ** Math.min(quickDeaths, 5));
      opts.log.error({ ...fields, restartInMs: delayMs }, message);
      restart = setTimeout(launch, delayMs);
      restart.unref();
    };
    opts.log.info({ pid: c.pid, queues: opts.queues, nodeFlags: EXPORT_WORKER_NODE_FLAGS }, 'export worker process started');
    c.on('error', (err) => again(errorFields(err), 'export worker process could not be started; starting it again'));
    c.once('exit', (code, signal) => again({ code, signal }, 'export worker process exited; starting it again'));
  };
  launch();

  return {
    get pid() {
      return child?.pid ?? null;
    },
    async stop() {
      stopping = true;
      if (restart) clearTimeout(restart);
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        // Before the parent's own forced exit (its shutdown timeout + 10 s), so the kill is sent.
        const kill = setTimeout(() => c.kill('SIGKILL'), opts.stopTimeoutMs + 5_000);
        kill.unref();
        c.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        c.kill('SIGTERM');
      });
    },
  };
}
