/**
 * Rules of the deployment's topology, read from the environment: lists of servers (Redis Cluster
 * nodes, MySQL replicas), the hash tag Redis Cluster needs, and when a replica may serve a read.
 * Pure functions, so the edges are unit-tested and mutation-tested.
 */

export interface HostPort {
  host: string;
  port: number;
}

/**
 * `host:port` entries separated by commas (spaces allowed); a missing port is `defaultPort`, an
 * IPv6 address goes in brackets (`[::1]:7001`). Problems are returned, not thrown, so the
 * configuration reports them all at once.
 */
export function parseHostList(raw: string | undefined, defaultPort: number, key: string): { hosts: HostPort[]; problems: string[] } {
  const hosts: HostPort[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw.trim() === '') return { hosts, problems };
  for (const entry of raw.split(',').map((e) => e.trim())) {
    const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(entry);
    const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
    if (!m || port < 1 || port > 65535) {
      problems.push(`${key} entries must be host:port (IPv6 in brackets), got "${entry}"`);
      continue;
    }
    const host = m[1] ?? m[2]!;
    if (hosts.some((h) => h.host === host && h.port === port)) {
      problems.push(`${key} names ${entry} twice`);
      continue;
    }
    hosts.push({ host, port });
  }
  return { hosts, problems };
}

/**
 * The hash tag of a Redis key: what lies between the first `{` and the first `}` after it, when
 * that is not empty (Redis Cluster hashes only it). null when the key has none.
 */
export function hashTagOf(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return null;
  return key.slice(open + 1, close);
}

/**
 * Why a queue prefix cannot be used on Redis Cluster, or null when it can. BullMQ's scripts touch
 * several keys of a queue at once, and a transfer's flow spans queues: every key under the prefix
 * must hash to one slot, so the prefix must carry a hash tag.
 */
export function clusterPrefixProblem(prefix: string): string | null {
  if (hashTagOf(prefix) !== null) return null;
  return `QUEUE_PREFIX must carry a hash tag on Redis Cluster (for example "{${prefix.replace(/[{}]/g, '') || 'drg'}}"), got "${prefix}": BullMQ's scripts and a transfer's flow touch several keys at once, which Redis Cluster allows only within one slot`;
}

/** What a replica reported about itself the last time it was asked. */
export interface ReplicaReading {
  /** False when the replica could not be reached or asked. */
  reachable: boolean;
  /** Both replication threads run (Slave_IO_Running and Slave_SQL_Running are Yes). */
  replicating: boolean;
  /** Seconds_Behind_Master; null when the server does not know (replication stopped). */
  lagSeconds: number | null;
}

/**
 * Whether a replica may serve reads that tolerate staleness: reachable, replicating, and at most
 * `maxLagSeconds` behind. Otherwise the reason, and the read goes to the primary.
 */
export function replicaRefusal(reading: ReplicaReading, maxLagSeconds: number): string | null {
  if (!reading.reachable) return 'unreachable';
  if (!reading.replicating || reading.lagSeconds === null) return 'not replicating';
  if (reading.lagSeconds > maxLagSeconds) return `${reading.lagSeconds} s behind (limit ${maxLagSeconds} s)`;
  return null;
}

/**
 * The replica's own report (SHOW REPLICA STATUS, one row; none when the server is not a replica).
 * MariaDB names the columns Slave_* / Seconds_Behind_Master, MySQL 8.0.22+ Replica_* /
 * Seconds_Behind_Source.
 */
export function readingFromStatus(rows: Record<string, unknown>[]): ReplicaReading {
  const row = rows[0];
  if (!row) return { reachable: true, replicating: false, lagSeconds: null };
  const yes = (a: string, b: string) => String(row[a] ?? row[b] ?? '') === 'Yes';
  const replicating = yes('Slave_IO_Running', 'Replica_IO_Running') && yes('Slave_SQL_Running', 'Replica_SQL_Running');
  const rawLag = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source ?? null;
  const lag = rawLag === null || rawLag === '' ? null : Number(rawLag);
  return { reachable: true, replicating, lagSeconds: lag !== null && Number.isFinite(lag) ? lag : null };
}

// A server that went away or is going away: the read is sent to the primary instead. Any other
// error (bad SQL, a constraint) would fail on the primary as well and is not retried there.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_CONNECTION_KILLED',
]);
// Lost connection (2013), server gone (2006), shutdown in progress (1053), connection killed (1927).
const CONNECTION_ERRNOS = new Set([2006, 2013, 1053, 1927]);

export function isConnectionFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 3; depth += 1) {
    const { code, errno, message, fatal } = e as { code?: unknown; errno?: unknown; message?: unknown; fatal?: unknown };
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (typeof errno === 'number' && CONNECTION_ERRNOS.has(errno)) return true;
    if (fatal === true) return true;
    if (typeof message === 'string' && /connection is in closed state|Pool is closed|connect ETIMEDOUT/i.test(message)) return true;
    e = (e as { driverError?: unknown }).driverError;
  }
  return false;
}

/** The statements that make a read wait for a GTID position (MariaDB and MySQL differ). */
export function gtidSql(flavor: 'mariadb' | 'mysql'): { position: string; wait: string; reached: (value: unknown) => boolean } {
  // Both return 0 once the position is applied, something else on a timeout, NULL on an error.
  const reached = (v: unknown) => v !== null && v !== undefined && v !== '' && Number(v) === 0;
  return flavor === 'mariadb'
    ? { position: 'SELECT @@global.gtid_binlog_pos AS pos', wait: 'SELECT MASTER_GTID_WAIT(?, ?) AS r', reached }
    : { position: 'SELECT @@global.gtid_executed AS pos', wait: 'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r', reached };
}
