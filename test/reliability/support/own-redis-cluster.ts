import { execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { freePort } from '../../helpers/cli-process';
import { isRunning, killChild, spawnUntilReady } from './child-process';

const REDIS_SERVER = process.env.RELIABILITY_REDIS_SERVER ?? '/usr/bin/redis-server';
const REDIS_CLI = process.env.RELIABILITY_REDIS_CLI ?? '/usr/bin/redis-cli';
const run = promisify(execFile);

/** One node of the test's cluster: its own process, port, bus port and data directory. */
class ClusterNode {
  child: ChildProcess | null = null;
  /** What the server printed, for a failing test to show. */
  log = '';
  constructor(
    readonly port: number,
    readonly busPort: number,
    readonly dir: string,
    private readonly nodeTimeoutMs: number,
  ) {}

  get running(): boolean {
    return isRunning(this.child);
  }

  async up(): Promise<void> {
    if (this.running) return;
    const args = [
      '--port', String(this.port), '--cluster-port', String(this.busPort), '--bind', '127.0.0.1', '--dir', this.dir,
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(this.nodeTimeoutMs),
      // A replica takes over however long its link was down: what it lacks, the job replay restores.
      '--cluster-replica-validity-factor', '0',
      // As production must run it: every acknowledged write on disk, nothing evicted.
      '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction',
      '--save', '', '--daemonize', 'no', '--protected-mode', 'no',
    ];
    this.child = await spawnUntilReady(REDIS_SERVER, args, /Ready to accept connections/, `redis-server (cluster node ${this.port})`, (text) => {
      this.log = (this.log + text).slice(-20000);
    });
  }

  async kill(): Promise<void> {
    await killChild(this.child);
  }
}

/**
 * A real Redis Cluster of the test's own (Debian's redis-server in cluster mode on loopback
 * ports): `primaries` primaries with `replicasEach` replicas each, made with
 * `redis-cli --cluster create`. A test may kill any node; its replica is promoted by the
 * cluster itself after the node timeout.
 */
export class OwnRedisCluster {
  private constructor(
    readonly nodes: ClusterNode[],
    readonly dir: string,
  ) {}

  static async start(opts: { primaries?: number; replicasEach?: number; nodeTimeoutMs?: number } = {}): Promise<OwnRedisCluster> {
    const primaries = opts.primaries ?? 3;
    const replicasEach = opts.replicasEach ?? 1;
    const dir = await mkdtemp(path.join(tmpdir(), 'h10f_redis_cluster_'));
    const nodes: ClusterNode[] = [];
    for (let i = 0; i < primaries * (1 + replicasEach); i += 1) {
      const nodeDir = path.join(dir, `node${i}`);
      await mkdir(nodeDir);
      nodes.push(new ClusterNode(await freePort(), await freePort(), nodeDir, opts.nodeTimeoutMs ?? 1000));
    }
    const cluster = new OwnRedisCluster(nodes, dir);
    await Promise.all(nodes.map((n) => n.up()));
    await run(REDIS_CLI, ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicasEach), '--cluster-yes'], { timeout: 60000 });
    await cluster.waitHealthy(60000);
    // Every replica has copied its primary once, so it can take over from now on.
    const end = Date.now() + 60000;
    for (const n of nodes) {
      const r = new IORedis({ host: '127.0.0.1', port: n.port, maxRetriesPerRequest: 1 });
      try {
        for (;;) {
          const info = String(await r.info('replication'));
          if (/role:master/.test(info) || /master_link_status:up/.test(info)) break;
          if (Date.now() > end) throw new Error(`cluster node ${n.port} never synced with its primary: ${info}`);
          await new Promise((res) => setTimeout(res, 100));
        }
      } finally {
        r.disconnect();
      }
    }
    return cluster;
  }

  /** Seed nodes for REDIS_CLUSTER_NODES. */
  env(): NodeJS.ProcessEnv {
    return { REDIS_CLUSTER_NODES: this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',') };
  }

  /** Asks a running node a question (a fresh connection, so no client-side state is involved). */
  async ask<T>(fn: (r: IORedis) => Promise<T>, except?: ClusterNode): Promise<T> {
    const node = this.nodes.find((n) => n.running && n !== except);
    if (!node) throw new Error('no cluster node is running');
    const r = new IORedis({ host: '127.0.0.1', port: node.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await r.connect();
      return await fn(r);
    } finally {
      r.disconnect();
    }
  }

  /** The node serving `key`'s slot as primary, from a running node's view of the cluster. */
  async primaryOf(key: string): Promise<ClusterNode> {
    return this.ask(async (r) => {
      const slot = Number(await r.call('CLUSTER', 'KEYSLOT', key));
      const ranges = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      const port = range?.[2][1];
      const node = this.nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no node serves slot ${slot}`);
      return node;
    });
  }

  /** Every running node says cluster_state:ok, and every slot has a primary. */
  async healthy(): Promise<boolean> {
    for (const n of this.nodes.filter((x) => x.running)) {
      const r = new IORedis({ host: '127.0.0.1', port: n.port, lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await r.connect();
        const info = String(await r.call('CLUSTER', 'INFO'));
        if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return false;
      } catch {
        return false;
      } finally {
        r.disconnect();
      }
    }
    return true;
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await this.healthy())) {
      if (Date.now() > end) throw new Error(`the Redis Cluster did not become healthy within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The last lines each node printed, for a failure message. */
  logs(): string {
    return this.nodes.map((n) => `--- node ${n.port}${n.running ? '' : ' (down)'}\n${n.log.split('\n').slice(-15).join('\n')}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
