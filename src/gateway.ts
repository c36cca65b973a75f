import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { createDataSource, ensureDatabase, type DataSourceParts } from './database';
import type { AnyJobDefinition } from './jobs/job-definition';
import { QueueRegistry } from './jobs/queue-registry';
import { createRedisConnection } from './jobs/redis-connection';
import { WorkerHost } from './jobs/worker-host';
import { buildGatewaySchema, type SchemaParts } from './schema/build-schema';
import { startHttpServer, type RunningHttpServer } from './server';

export type LogFn = (line: Record<string, unknown>) => void;

export const jsonLog: LogFn = (line) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);

export interface GatewayParts extends DataSourceParts, SchemaParts {
  jobs?: AnyJobDefinition[];
}

/**
 * One process's view of the system: the DataSource, the Redis connection, the queue registry,
 * the schema; it can serve HTTP, run workers, or both. Stopping closes everything in order.
 */
export class Gateway {
  private http: RunningHttpServer | null = null;
  private workers: WorkerHost | null = null;
  private workerRedis: Redis | null = null;
  private schema: GraphQLSchema | null = null;

  private constructor(
    readonly config: Config,
    readonly dataSource: DataSource,
    readonly redis: Redis,
    readonly queues: QueueRegistry,
    private readonly parts: GatewayParts,
    readonly log: LogFn,
  ) {}

  static async open(config: Config, parts: GatewayParts = {}, log: LogFn = jsonLog): Promise<Gateway> {
    await ensureDatabase(config);
    const dataSource = createDataSource(config, parts);
    await dataSource.initialize();
    const redis = createRedisConnection(config, 'gateway');
    redis.on('error', () => {
      /* reported by readiness checks and job calls; ioredis keeps reconnecting */
    });
    const queues = new QueueRegistry(redis, config.redis.prefix, parts.jobs ?? []);
    return new Gateway(config, dataSource, redis, queues, parts, log);
  }

  async migrate(): Promise<string[]> {
    const done = await this.dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  }

  async pendingMigrations(): Promise<boolean> {
    return this.dataSource.showMigrations();
  }

  async buildSchema(): Promise<GraphQLSchema> {
    this.schema ??= await buildGatewaySchema(this.parts);
    return this.schema;
  }

  async serve(port?: number): Promise<RunningHttpServer> {
    const schema = await this.buildSchema();
    this.http = await startHttpServer({ config: this.config, schema, dataSource: this.dataSource, redis: this.redis, jobs: this.queues, log: this.log }, port);
    return this.http;
  }

  async work(queues?: string[]): Promise<string[]> {
    this.workerRedis = createRedisConnection(this.config, 'worker');
    this.workerRedis.on('error', () => {
      /* BullMQ workers reconnect on their own */
    });
    this.workers = new WorkerHost(this.queues, this.workerRedis, this.dataSource, this.config, { queues, log: this.log });
    const started = this.workers.start();
    await this.queues.scheduleRepeatable();
    return started;
  }

  /** Stop accepting requests, drain, let active jobs finish, then close MySQL and Redis. */
  async stop(): Promise<void> {
    if (this.http) await this.http.close();
    if (this.workers) await this.workers.close();
    if (this.workerRedis) await this.workerRedis.quit().catch(() => this.workerRedis?.disconnect());
    await this.queues.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
