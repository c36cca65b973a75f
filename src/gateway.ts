import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { Cluster, type Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { createDataSource, ensureDatabase } from './database';
import type { DomainHooks } from './domain/hooks';
import { coreHookHandlers } from './domain/core-hooks';
import { useCaseRunner, type JobIntent, type UseCaseOutcome, type UseCaseRunner } from './domain/job-intents';
import { coreJobs } from './jobs/core-jobs';
import { JobIntentDispatcher } from './jobs/job-intent-dispatcher';
import type { AnyJobDefinition } from './jobs/job-definition';
import { QueueRegistry } from './jobs/queue-registry';
import { ConsoleSessions } from './http/console-session';
import { createRedisConnection } from './jobs/redis-connection';
import { primaryReads, type ReadRouting } from './domain/read-routing.port';
import { ReplicaSet } from './read-replicas';
import { WorkerHost } from './jobs/worker-host';
import type { GatewayPlugin } from './plugins/plugin';
import { builtInPlugins } from './plugins/built-in';
import { PluginRegistry } from './plugins/registry';
import { buildGatewaySchema } from './schema/build-schema';
import { startHttpServer, type RunningHttpServer } from './server';
import { createLogger, errorFields, loggerFromFn, type LogFn, type Logger } from './ops/logger';
import { GatewayMetrics } from './ops/metrics';
import { startOpsServer } from './http/ops-server';

export type { LogFn } from './ops/logger';

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
  private readonly workers: { host: WorkerHost; redis: Redis | Cluster }[] = [];
  private opsServer: RunningHttpServer | null = null;
  private schema: GraphQLSchema | null = null;
  private bootstrapped = false;
  readonly hooks: DomainHooks;
  readonly metrics: GatewayMetrics;
  /** Hands job intents to the queue (after a change commits, and in the replay). */
  readonly intents: JobIntentDispatcher;
  /** Runs a change: its transaction, then the jobs it declared. */
  readonly run: UseCaseRunner;
  /** Console sign-in sessions and one-time links, in Redis so every serve process shares them. */
  readonly consoleSessions: ConsoleSessions;

  private constructor(
    readonly config: Config,
    readonly plugins: PluginRegistry,
    readonly dataSource: DataSource,
    readonly redis: Redis | Cluster,
    readonly queues: QueueRegistry,
    readonly logger: Logger,
    /** Where reads that may use a MySQL replica go (the primary when MYSQL_REPLICA_HOSTS is empty). */
    readonly reads: ReadRouting & { stop?(): Promise<void> },
  ) {
    this.hooks = plugins.hooks();
    this.metrics = new GatewayMetrics({ queues, dataSource, plugins: plugins.metrics(), replicas: reads instanceof ReplicaSet ? reads : undefined });
    this.intents = new JobIntentDispatcher(queues);
    this.run = useCaseRunner(dataSource, this.intents);
    this.consoleSessions = ConsoleSessions.forConfig(redis, config);
  }

  /**
   * `log` is a pino logger, or a function that receives each parsed JSON line (tests; a no-op
   * function silences the gateway). Default: JSON lines on stdout at LOG_LEVEL.
   */
  static async open(config: Config, parts: GatewayParts = {}, log?: LogFn | Logger): Promise<Gateway> {
    const logger = typeof log === 'function' ? loggerFromFn(log, config.log.level) : (log ?? createLogger(config.log.level, undefined, config.log.format));
    const plugins = new PluginRegistry([...(parts.plugins ?? builtInPlugins(config)), ...(parts.extraPlugins ?? [])]);
    plugins.loaders();
    // The core's side of the hooks (erasures a released hold blocked run again) is a domain rule.
    plugins.addCoreHandlers(coreHookHandlers);
    await ensureDatabase(config);
    const dataSource = createDataSource(config, { entities: plugins.entities(), migrations: plugins.migrations() });
    await dataSource.initialize();
    const redis = createRedisConnection(config, 'gateway');
    redis.on('error', () => {
      /* reported by readiness checks and job calls; ioredis keeps reconnecting */
    });
    const queues = new QueueRegistry(redis, config.redis.prefix, [...coreJobs(config), ...(parts.jobs ?? []), ...plugins.jobs()]);
    let reads: ReadRouting & { stop?(): Promise<void> } = primaryReads(dataSource);
    if (config.mysql.replicas.length > 0) {
      const replicas = new ReplicaSet(dataSource, config, { entities: plugins.entities() }, logger);
      await replicas.start();
      reads = replicas;
    }
    return new Gateway(config, plugins, dataSource, redis, queues, logger, reads);
  }

  /** Declares jobs for rows that already exist (benchmarks, tests, operators) and hands them over. */
  declareJobs(...intents: JobIntent[]): Promise<UseCaseOutcome<void>> {
    return this.run(async (uow) => {
      await uow.declare(...intents);
    });
  }

  async migrate(): Promise<string[]> {
    const done = await this.dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  }

  async pendingMigrations(): Promise<boolean> {
    return this.dataSource.showMigrations();
  }

  async buildSchema(): Promise<GraphQLSchema> {
    this.schema ??= await buildGatewaySchema({ resolvers: this.plugins.resolvers(), orphanedTypes: this.plugins.orphanedTypes(), typeAccess: this.plugins.typeAccess() });
    return this.schema;
  }

  private async bootstrap(): Promise<void> {
    if (this.bootstrapped) return;
    this.bootstrapped = true;
    await this.checkRedisSettings();
    await this.plugins.bootstrap({ config: this.config, dataSource: this.dataSource, run: this.run, logger: this.logger });
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
        run: this.run,
        reads: this.reads,
        hooks: this.hooks,
        services: this.plugins.services,
        logger: this.logger,
        metrics: this.metrics,
        queues: this.queues,
        sessions: this.consoleSessions,
        pluginRoutes: (deps) => this.plugins.routes(deps),
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
    const host = new WorkerHost(this.queues, redis, this.dataSource, this.config, {
      queues,
      reads: this.reads,
      logger: this.logger,
      metrics: this.metrics,
      hooks: this.hooks,
      services: this.plugins.services,
    });
    let started: string[];
    try {
      started = host.start();
    } catch (err) {
      redis.disconnect();
      throw err;
    }
    this.workers.push({ host, redis });
    await this.queues.scheduleRepeatable();
    return started;
  }

  /**
   * BullMQ loses jobs when Redis evicts keys; warn at start unless maxmemory-policy is
   * noeviction. Managed Redis may refuse CONFIG GET; that is noted, not fatal.
   */
  async checkRedisSettings(): Promise<string | null> {
    try {
      // On a cluster every primary holds some slots (and a replica may become one): ask each node.
      // A cluster client knows its nodes once ready; a cluster that is down is not waited for past 5 s.
      const cluster = this.redis instanceof Cluster ? this.redis : null;
      if (cluster && cluster.status !== 'ready') {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([new Promise<void>((resolve) => cluster.once('ready', () => resolve())), new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
        clearTimeout(timer);
      }
      const nodes: (Redis | Cluster)[] = this.redis instanceof Cluster ? this.redis.nodes('all') : [this.redis];
      // A node that is down is skipped, not taken for a refused CONFIG GET.
      const settled = await Promise.allSettled(nodes.map(async (n) => ((await n.call('CONFIG', 'GET', 'maxmemory-policy')) as string[])?.[1] ?? null));
      const replies = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      if (replies.length === 0) throw settled.length > 0 ? (settled[0] as PromiseRejectedResult).reason : new Error('no Redis Cluster node is known yet');
      const policy = replies.find((p) => p !== null && p !== 'noeviction') ?? replies[0] ?? null;
      if (policy !== null && policy !== 'noeviction')
        this.logger.warn({ redisMaxmemoryPolicy: policy }, `Redis maxmemory-policy is '${policy}'; BullMQ needs 'noeviction' or queued jobs can be evicted (see docs/deployment.md)`);
      return policy;
    } catch (err) {
      this.logger.info({ ...errorFields(err) }, 'could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction');
      return null;
    }
  }

  /** For `work` processes: /metrics (job counters, queue depths) and /healthz on their own port. */
  async serveOps(port: number): Promise<RunningHttpServer> {
    this.opsServer = await startOpsServer({ config: this.config, metrics: this.metrics, log: this.logger }, port);
    return this.opsServer;
  }

  /**
   * Stop accepting requests and drain them while the workers let their active jobs finish (both
   * within SHUTDOWN_TIMEOUT_MS), then close plugins, queues, Redis and MySQL.
   */
  async stop(): Promise<void> {
    const http = this.http;
    this.http = null;
    await Promise.all([
      http?.close(),
      ...this.workers.splice(0).map(async ({ host, redis }) => {
        const drained = await host.close();
        // Not drained: drop the connection at once; the jobs' locks expire and they are retried.
        if (drained) await redis.quit().catch(() => redis.disconnect());
        else redis.disconnect();
      }),
    ]);
    if (this.opsServer) await this.opsServer.close();
    this.opsServer = null;
    await this.plugins.shutdown();
    await this.queues.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
    await this.reads.stop?.();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
