import { fork, type ChildProcess } from 'node:child_process';
import { onCleanup } from './cleanup';

/**
 * Servers under test run in child processes: their CPU and memory are their own (peak RSS is
 * read from /proc/<pid>/status), the load generator in the parent does not share their event
 * loop, and a crash of one variant cannot take the others down. They talk over Node's IPC.
 */

export interface ServerStats {
  /** Statements the server itself sent (TypeORM's StatementCounter, or the floor's own count). */
  statements: number;
  rssBytes: number;
  heapUsedBytes: number;
}

type ToChild = { type: 'stats'; id: number } | { type: 'stop' };
type FromChild = { type: 'ready'; port: number } | { type: 'stats'; id: number; stats: ServerStats } | { type: 'failed'; message: string };

// ---------------------------------------------------------------------------------------------
// Parent side

export interface ServerHandle {
  name: string;
  pid: number;
  port: number;
  url: string;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

export async function spawnServer(opts: {
  name: string;
  script: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  /** Node flags of the child only (e.g. --cpu-prof); the parent's own flags are not passed on. */
  execArgv?: string[];
  path: string;
  startTimeoutMs?: number;
}): Promise<ServerHandle> {
  const child: ChildProcess = fork(opts.script, opts.args ?? [], {
    env: opts.env,
    execArgv: opts.execArgv ?? [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const unregister = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (s: ServerStats) => void; reject: (e: Error) => void }>();
  child.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${opts.name} server exited (code ${code}, signal ${signal})`));
    pending.clear();
  });
  let nextId = 1;

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${opts.name} server did not start within ${opts.startTimeoutMs ?? 60_000} ms`)), opts.startTimeoutMs ?? 60_000);
    child.on('message', (raw) => {
      const msg = raw as FromChild;
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg.port);
      } else if (msg.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${opts.name} server failed: ${msg.message}`));
      } else if (msg.type === 'stats') {
        pending.get(msg.id)?.resolve(msg.stats);
        pending.delete(msg.id);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} server exited (code ${code}, signal ${signal})`));
    });
  }).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    unregister();
    throw err;
  });

  // A closed channel (the child died, or a cleanup killed it) is reported by 'exit', not here.
  child.on('error', () => undefined);
  const send = (msg: ToChild) => {
    if (child.connected) child.send(msg, () => undefined);
  };
  return {
    name: opts.name,
    pid: child.pid!,
    port,
    url: `http://127.0.0.1:${port}${opts.path}`,
    stats() {
      return new Promise<ServerStats>((resolve, reject) => {
        if (!child.connected) return reject(new Error(`${opts.name} server is gone`));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        send({ type: 'stats', id });
      });
    },
    async stop() {
      send({ type: 'stop' });
      // A graceful stop lets --cpu-prof write its profile; a hung server is killed.
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      if (child.exitCode === null && child.signalCode === null) await exited;
      clearTimeout(timer);
      unregister();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Child side

export interface ChildServer {
  port: number;
  statements(): number;
  close(): Promise<void>;
}

/** Starts a server in this (child) process and answers the parent until told to stop. */
export function runChildServer(start: () => Promise<ChildServer>): void {
  const send = (msg: FromChild) => process.send?.(msg);
  let server: ChildServer | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await server?.close();
    } finally {
      process.exit(code);
    }
  };
  process.on('message', (raw) => {
    const msg = raw as ToChild;
    if (msg.type === 'stats' && server) {
      const mem = process.memoryUsage();
      send({ type: 'stats', id: msg.id, stats: { statements: server.statements(), rssBytes: mem.rss, heapUsedBytes: mem.heapUsed } });
    } else if (msg.type === 'stop') void stop(0);
  });
  // The parent died or closed the channel: do not linger as an orphan holding MySQL connections.
  process.on('disconnect', () => void stop(0));
  start().then(
    (s) => {
      server = s;
      send({ type: 'ready', port: s.port });
    },
    (err: unknown) => {
      send({ type: 'failed', message: String((err as Error)?.stack ?? err) });
      process.exit(1);
    },
  );
}
