import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { createDataSource, ensureDatabase } from './database';
import type { DomainHooks } from './domain/hooks';
import { enqueueErasure } from './domain/data-request.service';
import { resumeBlockedErasures } from './domain/erasure.service';
import type { DataRequestType } from './entities/enums';
import { coreJobs } from './jobs/core-jobs';
import type { AnyJobDefinition } from './jobs/job-definition';
import { QueueRegistry } from './jobs/queue-registry';
import { createRedisConnection } from './jobs/redis-connection';
import { WorkerHost } from './jobs/worker-host';
import type { GatewayPlugin } from './plugins/plugin';
import { PluginRegistry, builtInPlugins } from './plugins/registry';
import { buildGatewaySchema } from './schema/build-schema';
import { startHttpServer, type RunningHttpServer } from './server';

export type LogFn = (line: Record<string, unknown>) => void;

export const jsonLog: LogFn = (line) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);

export interface GatewayParts {
  /** The plugins to run; the built-ins that configuration switches on by default. */
  plugins?: GatewayPlugin[];
  /** Plugins added to those (tests register their own this way). */
  extraPlugins?: GatewayPlugin[];
  /** Job definitions beyond the core's and the plugins' (tests add their own). */
  jobs?: AnyJobDefinition[];
}

/**
 * One process's view of the system: the plugin registry, the DataSource, the Redis
 * connection, the queue registry and the schema; it can serve HTTP, run workers, or both.
 * Stopping closes everything in order.
 */
export class Gateway {
  private http: RunningHttpServer | null = null;
  private readonly workers: { host: WorkerHost; redis: Redis }[] = [];
  private schema: GraphQLSchema | null = null;
  private bootstrapped = false;
  readonly hooks: DomainHooks;

  private constructor(
    readonly config: Config,
    readonly plugins: PluginRegistry,
    readonly dataSource: DataSource,
    readonly redis: Redis,
    readonly queues: QueueRegistry,
    readonly log: LogFn,
  ) {
    this.hooks = plugins.hooks();
  }

  static async open(config: Config, parts: GatewayParts = {}, log: LogFn = jsonLog): Promise<Gateway> {
    const plugins = new PluginRegistry([...(parts.plugins ?? builtInPlugins(config)), ...(parts.extraPlugins ?? [])]);
    // The core's side of onHoldReleased: erasures a hold blocked run again.
    plugins.addCoreHandlers({
      onHoldReleased: async (em, subjectIds, ctx) => {
        await resumeBlockedErasures(em, subjectIds, (requestId, type) => enqueueErasure(ctx.jobs, requestId, type as DataRequestType));
      },
    });
    await ensureDatabase(config);
    const dataSource = createDataSource(config, { entities: plugins.entities(), migrations: plugins.migrations() });
    await dataSource.initialize();
    const redis = createRedisConnection(config, 'gateway');
    redis.on('error', () => {
      /* reported by readiness checks and job calls; ioredis keeps reconnecting */
    });
    const queues = new QueueRegistry(redis, config.redis.prefix, [...coreJobs(config), ...(parts.jobs ?? []), ...plugins.jobs()]);
    return new Gateway(config, plugins, dataSource, redis, queues, log);
  }

  async migrate(): Promise<string[]> {
    const done = await this.dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  }

  async pendingMigrations(): Promise<boolean> {
    return this.dataSource.showMigrations();
  }

  async buildSchema(): Promise<GraphQLSchema> {
    this.schema ??= await buildGatewaySchema({ resolvers: this.plugins.resolvers(), orphanedTypes: this.plugins.orphanedTypes() });
    return this.schema;
  }

  private async bootstrap(): Promise<void> {
    if (this.bootstrapped) return;
    this.bootstrapped = true;
    await this.plugins.bootstrap({ config: this.config, dataSource: this.dataSource, jobs: this.queues, log: this.log });
  }

  async serve(port?: number): Promise<RunningHttpServer> {
    await this.bootstrap();
    const schema = await this.buildSchema();
    this.http = await startHttpServer(
      {
        config: this.config,
        schema,
        dataSource: this.dataSource,
        redis: this.redis,
        jobs: this.queues,
        hooks: this.hooks,
        services: this.plugins.services,
        loaders: this.plugins.loaders(),
        log: this.log,
      },
      port,
    );
    return this.http;
  }

  async work(queues?: string[]): Promise<string[]> {
    await this.bootstrap();
    const redis = createRedisConnection(this.config, 'worker');
    redis.on('error', () => {
      /* BullMQ workers reconnect on their own */
    });
    const host = new WorkerHost(this.queues, redis, this.dataSource, this.config, { queues, log: this.log, hooks: this.hooks, services: this.plugins.services });
    this.workers.push({ host, redis });
    const started = host.start();
    await this.queues.scheduleRepeatable();
    return started;
  }

  /** Stop accepting requests, drain, let active jobs finish, then close plugins, MySQL and Redis. */
  async stop(): Promise<void> {
    if (this.http) await this.http.close();
    for (const { host, redis } of this.workers.splice(0)) {
      await host.close();
      await redis.quit().catch(() => redis.disconnect());
    }
    await this.plugins.shutdown();
    await this.queues.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
