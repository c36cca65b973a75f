import type { DataSource } from 'typeorm';

/**
 * Where a read may run. Everything that decides a right (locks, holds, erasure, consent checks
 * before a disclosure, the access log, any read inside a change's transaction) uses the primary
 * directly and never comes here. What comes here is a read that may run on a MySQL/MariaDB
 * replica: the callback gets the DataSource to read from, and `onReplica` says which it is.
 * With no replica configured, or none fit to serve, it is the primary.
 */
export interface ReadRouting {
  /** Reads that may be up to MYSQL_REPLICA_MAX_LAG_SECONDS old (a users page, a usage report). */
  stale<T>(what: string, read: (ds: DataSource, onReplica: boolean) => Promise<T>): Promise<T>;
  /**
   * Reads that must see everything the primary had committed when called (an export's data
   * pages against the transfer's snapshot): a replica serves them only after it has applied the
   * primary's current GTID position; otherwise the primary does.
   */
  current<T>(what: string, read: (ds: DataSource, onReplica: boolean) => Promise<T>): Promise<T>;
}

/** No replicas: every read on the primary. */
export function primaryReads(primary: DataSource): ReadRouting {
  return {
    stale: (_what, read) => read(primary, false),
    current: (_what, read) => read(primary, false),
  };
}
