import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { createDataSource, type DataSourceParts } from './database';
import type { ReadRouting } from './domain/read-routing.port';
import { errorFields, type Logger } from './ops/logger';
import { withTimeout } from './schema/rate-limit';
import { gtidSql, isConnectionFailure, readingFromStatus, replicaRefusal, type HostPort, type ReplicaReading } from './ops/topology.rules';

interface Replica {
  at: HostPort;
  /** Its own pool; null until the first connection succeeds (a replica may be down at start). */
  ds: DataSource | null;
  reading: ReplicaReading;
  /** Why it serves nothing now; null when it serves. */
  refusal: string | null;
}

/** How many reads each side served, by what was read; the replica test and /readyz read it. */
export interface ReadCounts {
  replica: Record<string, number>;
  primary: Record<string, number>;
  /** Reads a replica failed (it went away mid-read) that the primary then answered. */
  fallbacks: number;
}

/**
 * The MySQL/MariaDB replicas of MYSQL_REPLICA_HOSTS, each with its own connection pool, and the
 * routing of the reads that may use them (ReadRouting). Each replica's state is read every
 * MYSQL_REPLICA_CHECK_MS (SHOW REPLICA STATUS): one that is unreachable, not replicating or
 * further behind than MYSQL_REPLICA_MAX_LAG_SECONDS serves nothing until a later check finds it
 * fit. A read that fails on a replica because the server went away is answered by the primary.
 *
 * Why not TypeORM's `replication` option: it sends every query-builder read to a replica unless
 * told otherwise, and picks replicas round-robin through mysql2's PoolCluster, which cannot skip
 * a lagging replica and, by default, never takes back one it dropped after errors. Here the
 * primary is the default and a replica is chosen only by the reads that may use one.
 */
export class ReplicaSet implements ReadRouting {
  private readonly replicas: Replica[];
  private timer: NodeJS.Timeout | null = null;
  private next = 0;
  private checking: Promise<void> | null = null;
  /** MariaDB and MySQL wait for a GTID position differently; read off the primary, not MYSQL_FLAVOR (MariaDB also runs TypeORM's MySQL driver). */
  private gtid = gtidSql(this.config.mysql.flavor);
  readonly counts: ReadCounts = { replica: {}, primary: {}, fallbacks: 0 };

  constructor(
    private readonly primary: DataSource,
    private readonly config: Config,
    private readonly parts: DataSourceParts,
    private readonly logger: Logger,
  ) {
    this.replicas = config.mysql.replicas.map((at) => ({ at, ds: null, reading: { reachable: false, replicating: false, lagSeconds: null }, refusal: 'not checked yet' }));
  }

  /** Reads every replica's state once, then keeps doing so in the background. */
  async start(): Promise<void> {
    const [{ v }] = (await this.primary.query('SELECT VERSION() AS v')) as { v: string }[];
    this.gtid = gtidSql(/mariadb/i.test(v) ? 'mariadb' : 'mysql');
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.config.mysql.replicaCheckMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
    await Promise.all(this.replicas.map(async (r) => r.ds?.isInitialized && r.ds.destroy().catch(() => undefined)));
  }

  /** Each replica: where it is, whether it serves, and why not. */
  status(): { replica: string; serving: boolean; reason: string | null; lagSeconds: number | null }[] {
    return this.replicas.map((r) => ({ replica: `${r.at.host}:${r.at.port}`, serving: r.refusal === null, reason: r.refusal, lagSeconds: r.reading.lagSeconds }));
  }

  checkAll(): Promise<void> {
    // One round at a time: a slow replica does not pile up checks.
    this.checking ??= Promise.all(this.replicas.map((r) => this.check(r))).then(
      () => {
        this.checking = null;
      },
      () => {
        this.checking = null;
      },
    );
    return this.checking;
  }

  private async check(r: Replica): Promise<void> {
    let reading: ReplicaReading;
    try {
      const ds = r.ds ?? (await this.connect(r));
      reading = readingFromStatus(await withTimeout(ds.query('SHOW REPLICA STATUS'), Math.max(this.config.mysql.replicaCheckMs, 1000)));
    } catch (err) {
      reading = { reachable: false, replicating: false, lagSeconds: null };
      if (r.reading.reachable || r.refusal === 'not checked yet') this.logger.warn({ replica: `${r.at.host}:${r.at.port}`, ...errorFields(err) }, 'MySQL replica unreachable; its reads go to the primary');
    }
    const refusal = replicaRefusal(reading, this.config.mysql.replicaMaxLagSeconds);
    if (refusal === null && r.refusal !== null) this.logger.info({ replica: `${r.at.host}:${r.at.port}`, lagSeconds: reading.lagSeconds }, 'MySQL replica serves reads');
    else if (refusal !== null && r.refusal === null) this.logger.warn({ replica: `${r.at.host}:${r.at.port}`, reason: refusal }, 'MySQL replica stops serving reads; they go to the primary');
    r.reading = reading;
    r.refusal = refusal;
  }

  private async connect(r: Replica): Promise<DataSource> {
    const ds = createDataSource(
      { ...this.config, mysql: { ...this.config.mysql, host: r.at.host, port: r.at.port } },
      { ...this.parts, migrations: [], connectTimeoutMs: 2000 },
    );
    await ds.initialize();
    r.ds = ds;
    return ds;
  }

  private pick(): Replica | null {
    const n = this.replicas.length;
    for (let i = 0; i < n; i += 1) {
      const r = this.replicas[(this.next + i) % n]!;
      if (r.refusal === null && r.ds) {
        this.next = (this.next + i + 1) % n;
        return r;
      }
    }
    return null;
  }

  private count(side: 'replica' | 'primary', what: string): void {
    this.counts[side][what] = (this.counts[side][what] ?? 0) + 1;
  }

  private onPrimary<T>(what: string, read: (ds: DataSource, onReplica: boolean) => Promise<T>): Promise<T> {
    this.count('primary', what);
    return read(this.primary, false);
  }

  /** A replica went away mid-read: it serves nothing until a check finds it fit again. */
  private failed(r: Replica, err: unknown, what: string): void {
    this.counts.fallbacks += 1;
    if (r.refusal === null) this.logger.warn({ replica: `${r.at.host}:${r.at.port}`, read: what, ...errorFields(err) }, 'MySQL replica failed a read; the primary answers it');
    r.refusal = 'failed a read';
    r.reading = { ...r.reading, reachable: false };
  }

  stale<T>(what: string, read: (ds: DataSource, onReplica: boolean) => Promise<T>): Promise<T> {
    const r = this.pick();
    return r ? this.onReplica(r, what, read) : this.onPrimary(what, read);
  }

  async current<T>(what: string, read: (ds: DataSource, onReplica: boolean) => Promise<T>): Promise<T> {
    const r = this.pick();
    if (!r) return this.onPrimary(what, read);
    const [{ pos }] = (await this.primary.query(this.gtid.position)) as { pos: string | null }[];
    // No binary log on the primary: nothing tells how far a replica is, so the primary answers.
    if (!pos) return this.onPrimary(what, read);
    // Wait at most one second for the replica to apply what the primary has committed.
    return this.onReplica(r, what, read, async (ds) => {
      try {
        return this.gtid.reached(((await ds.query(this.gtid.wait, [pos, 1])) as { r: unknown }[])[0]?.r);
      } catch (err) {
        if (isConnectionFailure(err)) throw err;
        // The wait itself refused (GTIDs off on a replica, a statement limit): not caught up, the primary answers.
        this.logger.warn({ replica: `${r.at.host}:${r.at.port}`, read: what, ...errorFields(err) }, 'MySQL replica cannot wait for the primary\'s position; the primary answers');
        return false;
      }
    });
  }

  /**
   * Runs the read on the replica (once `caughtUp` says it may); if the replica goes away
   * meanwhile, or is not caught up, the primary answers it.
   */
  private async onReplica<T>(r: Replica, what: string, read: (ds: DataSource, onReplica: boolean) => Promise<T>, caughtUp?: (ds: DataSource) => Promise<boolean>): Promise<T> {
    const onReplica = async (): Promise<{ value: T } | null> => {
      if (caughtUp && !(await caughtUp(r.ds!))) return null;
      return { value: await read(r.ds!, true) };
    };
    let answer: { value: T } | null;
    try {
      answer = await onReplica();
    } catch (err) {
      if (!isConnectionFailure(err)) throw err;
      this.failed(r, err, what);
      return this.onPrimary(what, read);
    }
    if (!answer) return this.onPrimary(what, read);
    this.count('replica', what);
    return answer.value;
  }
}
