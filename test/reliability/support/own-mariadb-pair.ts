import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { freePort } from '../../helpers/cli-process';
import { isRunning, killChild } from './child-process';

const MARIADBD = process.env.RELIABILITY_MARIADBD ?? '/usr/sbin/mariadbd';
const INSTALL_DB = process.env.RELIABILITY_MARIADB_INSTALL_DB ?? '/usr/bin/mariadb-install-db';
const run = promisify(execFile);
// mariadbd refuses to run as root unless told which user to be.
const AS_USER = process.getuid?.() === 0 ? ['--user=root'] : [];

/** One MariaDB server of the test's own: its data directory, port and socket. */
export class OwnMariaDb {
  private child: ChildProcess | null = null;
  log = '';
  constructor(
    readonly name: string,
    readonly port: number,
    readonly dir: string,
    private readonly serverArgs: string[],
  ) {}

  get socket(): string {
    return path.join(this.dir, 'mysqld.sock');
  }

  get running(): boolean {
    return isRunning(this.child);
  }

  async install(): Promise<void> {
    await mkdir(path.join(this.dir, 'data'), { recursive: true });
    await mkdir(path.join(this.dir, 'tmp'), { recursive: true });
    // Its own tmpdir: bootstraps running side by side in /tmp have removed each other's temporary tables.
    await run(INSTALL_DB, ['--no-defaults', `--datadir=${path.join(this.dir, 'data')}`, `--tmpdir=${path.join(this.dir, 'tmp')}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...AS_USER], { timeout: 120000 });
  }

  /** A fresh server's data directory, copied from another that was installed and never started. */
  async installFrom(other: OwnMariaDb): Promise<void> {
    await mkdir(path.join(this.dir, 'tmp'), { recursive: true });
    await cp(path.join(other.dir, 'data'), path.join(this.dir, 'data'), { recursive: true });
  }

  async up(): Promise<void> {
    if (this.running) return;
    const args = [
      '--no-defaults', ...AS_USER, `--datadir=${path.join(this.dir, 'data')}`, `--port=${this.port}`, '--bind-address=127.0.0.1',
      `--socket=${this.socket}`, `--pid-file=${path.join(this.dir, 'mysqld.pid')}`, `--tmpdir=${path.join(this.dir, 'tmp')}`,
      // Small and quick: this server lives for one test file.
      '--innodb-buffer-pool-size=64M', '--innodb-log-file-size=16M', '--skip-name-resolve', '--max-connections=200',
      // Every statement a client sends, in mysql.general_log: the test reads which server ran what.
      '--general-log=1', '--log-output=TABLE',
      ...this.serverArgs,
    ];
    const child = spawn(MARIADBD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.log = (this.log + d.toString('utf8')).slice(-20000)));
    child.stderr!.on('data', (d: Buffer) => (this.log = (this.log + d.toString('utf8')).slice(-20000)));
    const end = Date.now() + 60000;
    for (;;) {
      if (!this.running) throw new Error(`mariadbd ${this.name} exited: ${this.log}`);
      try {
        const c = await mysql.createConnection({ socketPath: this.socket, user: 'root' });
        await c.end();
        return;
      } catch {
        if (Date.now() > end) throw new Error(`mariadbd ${this.name} did not start within 60 s: ${this.log}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** A root connection over the socket (the server's own, whatever the TCP grants). */
  connect(): Promise<mysql.Connection> {
    return mysql.createConnection({ socketPath: this.socket, user: 'root', multipleStatements: true });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await killChild(this.child, signal);
  }
}

/**
 * A MariaDB primary and a replica of it (GTID replication), both of the test's own on loopback
 * ports, from Debian's mariadbd: the shared server on 3306 is never touched.
 */
export class OwnMariaDbPair {
  private constructor(
    readonly primary: OwnMariaDb,
    readonly replica: OwnMariaDb,
    readonly dir: string,
  ) {}

  static async start(): Promise<OwnMariaDbPair> {
    const dir = await mkdtemp(path.join(tmpdir(), 'h10f_mariadb_pair_'));
    const primary = new OwnMariaDb('primary', await freePort(), path.join(dir, 'primary'), [
      '--server-id=1', `--log-bin=${path.join(dir, 'primary', 'binlog')}`, '--binlog-format=ROW', '--gtid-strict-mode=1', '--log-slave-updates=1',
    ]);
    const replica = new OwnMariaDb('replica', await freePort(), path.join(dir, 'replica'), ['--server-id=2', '--gtid-strict-mode=1', '--read-only=1']);
    await primary.install();
    await replica.installFrom(primary);
    await Promise.all([primary.up(), replica.up()]);
    // TCP logins for the gateway (root from 127.0.0.1, as on the shared server), made on each
    // server outside the binary log so that the replica does not apply them a second time.
    for (const server of [primary, replica]) {
      const c = await server.connect();
      try {
        await c.query(`SET sql_log_bin = 0; CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; SET sql_log_bin = 1`);
      } finally {
        await c.end();
      }
    }
    const pair = new OwnMariaDbPair(primary, replica, dir);
    await pair.startReplication();
    return pair;
  }

  async startReplication(): Promise<void> {
    const c = await this.replica.connect();
    try {
      await c.query(`CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${this.primary.port}, MASTER_USER = 'root', MASTER_PASSWORD = '', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1`);
      await c.query('START SLAVE');
    } finally {
      await c.end();
    }
    await this.waitReplicating(60000);
  }

  async waitReplicating(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const c = await this.replica.connect();
      try {
        const [rows] = await c.query('SHOW SLAVE STATUS');
        const row = (rows as Record<string, unknown>[])[0];
        if (row?.Slave_IO_Running === 'Yes' && row.Slave_SQL_Running === 'Yes') return;
        if (Date.now() > end) throw new Error(`the replica is not replicating: ${JSON.stringify(row)}`);
      } finally {
        await c.end();
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Environment for a gateway on the primary with the replica beside it. */
  env(): NodeJS.ProcessEnv {
    return { MYSQL_HOST: '127.0.0.1', MYSQL_PORT: String(this.primary.port), MYSQL_REPLICA_HOSTS: `127.0.0.1:${this.replica.port}` };
  }

  async stop(): Promise<void> {
    await Promise.all([this.primary.kill(), this.replica.kill()]);
    await rm(this.dir, { recursive: true, force: true });
  }
}
