import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Router } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Cluster, Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import type { DomainHooks } from './domain/hooks';
import type { UseCaseRunner } from './domain/job-intents';
import { collectRoutes } from './http/collect.routes';
import { consentExportRoutes } from './http/consent-export.routes';
import { openTrackingRoutes } from './http/open-tracking.routes';
import { metricsRoutes } from './http/metrics.routes';
import { queueDashboardRoutes } from './http/queue-dashboard.routes';
import { unsubscribeRoutes } from './http/unsubscribe.routes';
import { accessPackageRoutes } from './http/access-package.routes';
import { clientIp, jsonErrors, noSniff, notFound, requireRoles, sendError, type AuthedLocals } from './http/http-support';
import type { PluginRouteDeps } from './plugins/plugin';
import type { QueueRegistry } from './jobs/queue-registry';
import { errorFields, type Logger } from './ops/logger';
import type { GatewayMetrics } from './ops/metrics';
import { requestLogPlugin } from './schema/request-log.plugin';
import type { PluginServices } from './domain/plugin-services.port';
import { AccessLogWriter, readerRole } from './domain/access-log.service';
import { declaredPurpose } from './domain/read-purpose.service';
import { ConsoleSessions, requestActor } from './http/console-session';
import { consoleRoutes } from './http/console.routes';
import { createContext, type GatewayContext } from './schema/context';
import { CompiledExecutor } from './schema/compiled-executor';
import { formatError } from './schema/errors';
import { knownOperationTypesRule, queryLimitsRule } from './schema/guards';
import { graphqlBodyDepth, graphqlBodyErrors, inputHygienePlugin } from './schema/input-hygiene';
import { MutationRateLimiter, rateLimitPlugin, withTimeout } from './schema/rate-limit';
import type { ReadRouting } from './domain/read-routing.port';

export interface HttpServerDeps {
  config: Config;
  schema: GraphQLSchema;
  dataSource: DataSource;
  redis: Redis | Cluster;
  run: UseCaseRunner;
  reads: ReadRouting;
  hooks: DomainHooks;
  services: PluginServices;
  /** Structured logs, Prometheus metrics and the queues Bull Board shows (issue 11). */
  logger: Logger;
  metrics: GatewayMetrics;
  queues: QueueRegistry;
  sessions: ConsoleSessions;
  /** The plugins' own HTTP routes (a transfer's file downloads). */
  pluginRoutes?: (deps: PluginRouteDeps) => Router[];
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** The address the server is bound to (loopback unless HOST says otherwise, outside production). */
  host: string;
  close(): Promise<void>;
}

/**
 * Express + Apollo: /graphql, /healthz (process up), /readyz (MySQL and Redis reachable, and not
 * shutting down), /metrics, /admin/queues. close() stops accepting connections and lets the
 * requests in flight finish (up to the shutdown timeout).
 */
export async function startHttpServer(deps: HttpServerDeps, port = deps.config.http.port): Promise<RunningHttpServer> {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(noSniff);
  // GraphQL answers are POST responses no cache revalidates; hashing every body for an ETag is pure cost.
  app.set('etag', false);
  const httpServer = http.createServer(app);
  const limiter = new MutationRateLimiter(deps.redis, config.redis.prefix, { perMinute: config.rateLimit.mutationsPerMinute, burst: config.rateLimit.burst }, deps.logger);
  const collectLimiter = new MutationRateLimiter(
    deps.redis,
    config.redis.prefix,
    { perMinute: config.rateLimit.collectPerMinute, burst: config.rateLimit.collectBurst },
    deps.logger,
    250,
    'collect',
  );
  let stopping = false;
  const accessLog = new AccessLogWriter(deps.dataSource, config.accessLog);
  const executor = config.graphql.executor === 'compiled'
    ? {
        gateway: new CompiledExecutor(deps.schema, {
          cacheSize: config.graphql.compiledCacheSize,
          compileAfter: config.graphql.compileAfter,
          observe: (kind, cached) => deps.metrics.executed(kind, cached),
          counts: (ctx) => (ctx as unknown as GatewayContext).actor !== null && !(ctx as unknown as GatewayContext).authError,
        }),
      }
    : { schema: deps.schema };
  const apollo = new ApolloServer<GatewayContext>({
    ...executor,
    introspection: config.graphql.introspection,
    validationRules: [knownOperationTypesRule, queryLimitsRule({ ...config.graphql })],
    // "Did you mean ...?" answers every guess at a field name, token or not: a schema without introspection.
    hideSchemaDetailsFromClientErrors: !config.graphql.suggestions,
    parseOptions: { maxTokens: config.graphql.maxTokens },
    // The request-log plugin logs unexpected errors with their request id; this is the fallback.
    formatError: formatError((err) => deps.logger.debug(errorFields(err), 'unexpected error formatted')),
    includeStacktraceInErrorResponses: false,
    // Cache control would wrap every field resolver; nothing here sets cache hints.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdown.timeoutMs }),
      ApolloServerPluginCacheControlDisabled(),
      requestLogPlugin(deps.logger, deps.metrics),
      inputHygienePlugin(),
      ...(limiter.enabled ? [rateLimitPlugin(limiter)] : []),
      accessLogPlugin(deps.logger),
      warningsPlugin(),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    // A load balancer stops sending new requests as soon as shutdown begins.
    if (stopping) return void res.status(503).json({ status: 'stopping', mysql: false, redis: false });
    const [mysql, redis] = await Promise.all([
      deps.dataSource.query('SELECT 1').then(() => true, () => false),
      withTimeout(deps.redis.ping(), 1000).then((r) => r === 'PONG', () => false),
    ]);
    res.status(mysql && redis ? 200 : 503).json({ status: mysql && redis ? 'ready' : 'not ready', mysql, redis });
  });
  // Plain-HTTP endpoints: links in emails (public, the signed token is the credential), the
  // collection endpoint for the web servers, and the consent export (bearer token, roles).
  const httpDeps = { dataSource: deps.dataSource, run: deps.run, config, log: deps.logger };
  app.use(
    unsubscribeRoutes({ ...httpDeps, limiter }),
    accessPackageRoutes({ ...httpDeps, limiter }),
    openTrackingRoutes(httpDeps),
    collectRoutes({ ...httpDeps, limiter: collectLimiter }),
    consentExportRoutes({ ...httpDeps, sessions: deps.sessions }),
    consoleRoutes({ config, sessions: deps.sessions, log: deps.logger }),
    ...(deps.pluginRoutes?.({
      config,
      run: deps.run,
      logger: deps.logger,
      requireRoles: (roles) => requireRoles(config.auth, roles, deps.logger, deps.sessions),
      sendError: (res, err) => sendError(res, err, deps.logger),
      actorOf: (res) => (res.locals as AuthedLocals).actor,
    }) ?? []),
  );
  app.use(metricsRoutes({ config, metrics: deps.metrics, log: deps.logger }), queueDashboardRoutes({ config, queues: deps.queues, sessions: deps.sessions }));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    graphqlBodyErrors,
    graphqlBodyDepth,
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        // A bearer token, or the console's session cookie with its X-CSRF-Token.
        const { actor, error } = await requestActor(config.auth, deps.sessions, req, 'header');
        const { purpose, error: purposeError } = declaredPurpose(actor, req.headers['x-purpose']);
        const ctx = createContext(
          {
            actor,
            authError: error,
            purpose,
            purposeError,
            dataSource: deps.dataSource,
            config,
            run: deps.run,
            reads: deps.reads,
            hooks: deps.hooks,
            services: deps.services,
            clientAddress: clientIp(req),
          },
        );
        // Every read of a person is logged, whoever reads; the purpose when one was declared.
        if (actor && !error && !purposeError) ctx.access.start(accessLog, actor.id, readerRole(actor.roles), purpose);
        return ctx;
      },
    }),
  );
  app.use(notFound, jsonErrors(deps.logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, config.http.host, resolve);
  });
  const bound = httpServer.address() as AddressInfo;
  const actualPort = bound.port;
  return {
    url: `http://localhost:${actualPort}/graphql`,
    port: actualPort,
    host: bound.address,
    close: async () => {
      stopping = true;
      await apollo.stop();
      await accessLog.close();
    },
  };
}

/**
 * Holds each response that returned a person until its access-log rows are committed (group commit:
 * concurrent requests share one INSERT), so an answer that left the process is always in the
 * log. If the log cannot be written, the data is not sent: the answer becomes an error.
 */
function accessLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      // A request without a token reads no person (PUBLIC operations return none).
      if (!contextValue.actor) return;
      return {
        async willSendResponse({ contextValue: ctx, response }) {
          if (ctx.access.size === 0) return;
          try {
            await ctx.access.settle();
          } catch (err) {
            // Scrubbed like every error log: a database error carries its statement's parameters.
            logger.error(errorFields(err), 'access log write failed; response withheld');
            const error = { message: 'the access log could not be written; no data was sent', extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'ACCESS_LOG_UNAVAILABLE' } };
            if (response.body.kind === 'single') response.body.singleResult = { errors: [error] };
            response.http.status = 503;
          }
        },
      };
    },
  };
}

/** Sends the request's warnings (a change recorded whose job waits for Redis) as `extensions.warnings`. */
function warningsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (contextValue.warnings.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, warnings: contextValue.warnings };
        },
      };
    },
  };
}
