import { loadConfig } from '../../src/config';
import { clusterPrefixProblem, gtidSql, hashTagOf, isConnectionFailure, parseHostList, readingFromStatus, replicaRefusal } from '../../src/ops/topology.rules';

describe('topology rules: server lists, the cluster hash tag, when a replica may serve', () => {
  describe('parseHostList', () => {
    it('reads host:port entries, a missing port as the default, IPv6 in brackets, spaces around commas', () => {
      expect(parseHostList('10.0.0.1:7001, redis-b:7002 ,redis-c', 6379, 'K')).toEqual({
        hosts: [{ host: '10.0.0.1', port: 7001 }, { host: 'redis-b', port: 7002 }, { host: 'redis-c', port: 6379 }],
        problems: [],
      });
      expect(parseHostList('[::1]:7001,[fe80::2]', 3306, 'K').hosts).toEqual([{ host: '::1', port: 7001 }, { host: 'fe80::2', port: 3306 }]);
    });
    it('is empty for nothing, blank or unset', () => {
      for (const raw of [undefined, '', '   ']) expect(parseHostList(raw, 1, 'K')).toEqual({ hosts: [], problems: [] });
    });
    it('reports every bad entry by name and keeps the good ones', () => {
      const { hosts, problems } = parseHostList('a:1,b:0,c:65536,d:65535,::1,e:x,,f:1:2,a:1', 9, 'MYSQL_REPLICA_HOSTS');
      expect(hosts).toEqual([{ host: 'a', port: 1 }, { host: 'd', port: 65535 }]);
      expect(problems).toEqual([
        'MYSQL_REPLICA_HOSTS entries must be host:port (IPv6 in brackets), got "b:0"',
        'MYSQL_REPLICA_HOSTS entries must be host:port (IPv6 in brackets), got "c:65536"',
        'MYSQL_REPLICA_HOSTS entries must be host:port (IPv6 in brackets), got "::1"',
        'MYSQL_REPLICA_HOSTS entries must be host:port (IPv6 in brackets), got "e:x"',
        'MYSQL_REPLICA_HOSTS entries must be host:port (IPv6 in brackets), got ""',
        'MYSQL_REPLICA_HOSTS entries must be host:port (IPv6 in brackets), got "f:1:2"',
        'MYSQL_REPLICA_HOSTS names a:1 twice',
      ]);
    });
    it('treats the same host on another port, or another host on the same port, as another server', () => {
      expect(parseHostList('a:1,a:2', 9, 'K').problems).toEqual([]);
      expect(parseHostList('a:1,b:1', 9, 'K').problems).toEqual([]);
    });
  });

  describe('hash tags (what Redis Cluster hashes)', () => {
    it('is the text between the first { and the next }, when not empty', () => {
      expect(hashTagOf('{drg}')).toBe('drg');
      expect(hashTagOf('x{drg}:y')).toBe('drg');
      expect(hashTagOf('{a}{b}')).toBe('a');
      expect(hashTagOf('{{a}}')).toBe('{a');
      expect(hashTagOf('a}{b}')).toBe('b');
    });
    it('is null without braces, with an empty tag, or an unclosed one', () => {
      for (const k of ['drg', '{}drg', 'drg{', 'drg}', '{}{a}']) expect(hashTagOf(k)).toBeNull();
    });
    it('a cluster prefix needs one, and the message proposes it', () => {
      expect(clusterPrefixProblem('{drg}')).toBeNull();
      expect(clusterPrefixProblem('prod{drg}')).toBeNull();
      expect(clusterPrefixProblem('drg')).toBe(
        'QUEUE_PREFIX must carry a hash tag on Redis Cluster (for example "{drg}"), got "drg": BullMQ\'s scripts and a transfer\'s flow touch several keys at once, which Redis Cluster allows only within one slot',
      );
      expect(clusterPrefixProblem('{}')).toMatch(/^QUEUE_PREFIX must carry a hash tag on Redis Cluster \(for example "\{drg\}"\), got "\{\}"/);
      expect(clusterPrefixProblem('a{}b')).toMatch(/\(for example "\{ab\}"\)/);
    });
  });

  describe('replicaRefusal', () => {
    const ok = { reachable: true, replicating: true, lagSeconds: 0 };
    it('serves from a reachable replica up to the lag limit, inclusive', () => {
      expect(replicaRefusal(ok, 5)).toBeNull();
      expect(replicaRefusal({ ...ok, lagSeconds: 5 }, 5)).toBeNull();
      expect(replicaRefusal({ ...ok, lagSeconds: 0 }, 0)).toBeNull();
    });
    it('refuses one second past the limit, and says by how much', () => {
      expect(replicaRefusal({ ...ok, lagSeconds: 6 }, 5)).toBe('6 s behind (limit 5 s)');
      expect(replicaRefusal({ ...ok, lagSeconds: 1 }, 0)).toBe('1 s behind (limit 0 s)');
    });
    it('refuses an unreachable replica, and one whose replication stopped or whose lag is unknown', () => {
      expect(replicaRefusal({ ...ok, reachable: false }, 5)).toBe('unreachable');
      expect(replicaRefusal({ reachable: false, replicating: false, lagSeconds: null }, 5)).toBe('unreachable');
      expect(replicaRefusal({ ...ok, replicating: false }, 5)).toBe('not replicating');
      expect(replicaRefusal({ ...ok, lagSeconds: null }, 5)).toBe('not replicating');
    });
  });

  describe('configuration', () => {
    it('uses one Redis and no replica unless told', () => {
      const c = loadConfig({});
      expect(c.redis.clusterNodes).toEqual([]);
      expect(c.mysql.replicas).toEqual([]);
      expect(c.mysql.replicaMaxLagSeconds).toBe(5);
      expect(c.mysql.replicaCheckMs).toBe(1000);
    });
    it('reads cluster nodes and replicas, and refuses a cluster prefix without a hash tag', () => {
      const c = loadConfig({ REDIS_CLUSTER_NODES: 'r1:7001,r2', QUEUE_PREFIX: '{drg}', MYSQL_REPLICA_HOSTS: 'db2', MYSQL_REPLICA_MAX_LAG_SECONDS: '0', MYSQL_REPLICA_CHECK_MS: '100' });
      expect(c.redis.clusterNodes).toEqual([{ host: 'r1', port: 7001 }, { host: 'r2', port: 6379 }]);
      expect(c.mysql.replicas).toEqual([{ host: 'db2', port: 3306 }]);
      expect(c.mysql.replicaMaxLagSeconds).toBe(0);
      expect(c.mysql.replicaCheckMs).toBe(100);
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r1:7001' })).toThrow(/QUEUE_PREFIX must carry a hash tag/);
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'r1:x', MYSQL_REPLICA_HOSTS: 'db:0', QUEUE_PREFIX: '{d}' })).toThrow(
        'invalid configuration: REDIS_CLUSTER_NODES entries must be host:port (IPv6 in brackets), got "r1:x"; MYSQL_REPLICA_HOSTS entries must be host:port (IPv6 in brackets), got "db:0"',
      );
      // A plain prefix is fine on one Redis.
      expect(loadConfig({ QUEUE_PREFIX: 'drg' }).redis.prefix).toBe('drg');
      expect(() => loadConfig({ MYSQL_REPLICA_CHECK_MS: '99' })).toThrow(/MYSQL_REPLICA_CHECK_MS/);
    });
  });
});

describe('replica status, connection failures, GTID waits', () => {
  it('reads MariaDB\'s and MySQL\'s column names, and a server that is no replica', () => {
    expect(readingFromStatus([{ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: 3 }])).toEqual({ reachable: true, replicating: true, lagSeconds: 3 });
    expect(readingFromStatus([{ Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Seconds_Behind_Source: '0' }])).toEqual({ reachable: true, replicating: true, lagSeconds: 0 });
    expect(readingFromStatus([{ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'No', Seconds_Behind_Master: null }])).toEqual({ reachable: true, replicating: false, lagSeconds: null });
    expect(readingFromStatus([{ Slave_IO_Running: 'Connecting', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: 0 }])).toEqual({ reachable: true, replicating: false, lagSeconds: 0 });
    expect(readingFromStatus([{ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: '' }]).lagSeconds).toBeNull();
    expect(readingFromStatus([{ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: 'x' }]).lagSeconds).toBeNull();
    expect(readingFromStatus([])).toEqual({ reachable: true, replicating: false, lagSeconds: null });
  });
  it('treats a server that went away as a connection failure, through TypeORM\'s wrapper, and nothing else', () => {
    for (const e of [{ code: 'ECONNREFUSED' }, { code: 'PROTOCOL_CONNECTION_LOST' }, { errno: 2013 }, { errno: 1053 }, { errno: 1927 }, { errno: 2006 }, { fatal: true }, new Error("Can't add new command when connection is in closed state"), new Error('Pool is closed.')])
      expect(isConnectionFailure(e)).toBe(true);
    expect(isConnectionFailure({ message: 'Query failed', driverError: { code: 'ER_SERVER_SHUTDOWN' } })).toBe(true);
    expect(isConnectionFailure({ driverError: { driverError: { code: 'ECONNRESET' } } })).toBe(true);
    for (const e of [null, undefined, 'ECONNREFUSED', { code: 'ER_PARSE_ERROR', errno: 1064 }, { code: 'ER_DUP_ENTRY' }, { fatal: false }, new Error('syntax'), { errno: '2013' }])
      expect(isConnectionFailure(e)).toBe(false);
    // Three levels deep at most.
    expect(isConnectionFailure({ driverError: { driverError: { driverError: { code: 'ECONNRESET' } } } })).toBe(false);
  });
  it('waits on MariaDB and MySQL with each one\'s own functions', () => {
    const m = gtidSql('mariadb');
    expect(m.position).toBe('SELECT @@global.gtid_binlog_pos AS pos');
    expect(m.wait).toBe('SELECT MASTER_GTID_WAIT(?, ?) AS r');
    expect([m.reached(0), m.reached('0'), m.reached(-1), m.reached(null), m.reached(undefined), m.reached('')]).toEqual([true, true, false, false, false, false]);
    const y = gtidSql('mysql');
    expect(y.position).toBe('SELECT @@global.gtid_executed AS pos');
    expect(y.wait).toBe('SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r');
    expect([y.reached(0), y.reached(1), y.reached(null)]).toEqual([true, false, false]);
  });
});
