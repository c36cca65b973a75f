#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config';
import { seedDemoData } from './demo-data';
import { systemActor } from './domain/actor';
import { Role } from './entities/enums';
import { Gateway } from './gateway';
import { createLogger, errorFields, type Logger } from './ops/logger';
import { applyWorkerHeapFlags, EXPORT_QUEUES, EXPORT_WORKER_NODE_FLAGS, missingServeFlags, missingWorkerFlags } from './ops/node-flags';
import { exportQueuesForChild, startExportWorkerProcess, watchSupervisor, type ExportWorkerProcess } from './jobs/export-worker-process';
import { signToken } from './schema/auth';
import { READ_PURPOSES, ReadPurpose } from './domain/read-purpose.rules';
import { isReadPurpose } from './domain/read-purpose.service';
import { requestCaliforniaNotices } from './domain/california-notice.service';
import { builtInPlugins } from './plugins/built-in';
import { PluginRegistry } from './plugins/registry';

/** Opens notice requests for every active subject of a region, 5,000 per transaction, and queues their compile jobs. */
async function queueNoticesForRegion(gateway: Gateway, region: string, channel: 'DESIGNATED' | 'OTHER'): Promise<{ requests: number; jobs: number }> {
  let after = 0;
  let requests = 0;
  let jobs = 0;
  const receivedAt = new Date();
  for (;;) {
    const rows: { id: number }[] = await gateway.dataSource.query(`SELECT id FROM subjects WHERE region = ? AND status = 'ACTIVE' AND id > ? ORDER BY id LIMIT 5000`, [region, after]);
    if (rows.length === 0) return { requests, jobs };
    after = Number(rows[rows.length - 1]!.id);
    const { result: opened, declared, queued } = await requestCaliforniaNotices(gateway.run, systemActor, { subjectIds: rows.map((r) => Number(r.id)), channel, receivedAt });
    if (!queued) throw new Error(`the job queue (Redis) is unavailable: ${opened.createdIds.length} requests are recorded and the job replay queues them once it answers`);
    requests += opened.createdIds.length;
    jobs += declared.length;
  }
}

const USAGE = `usage: data-rights-gateway <command>
  start                      migrate, seed demo data if the database is empty, serve and work in one process
  serve                      serve GraphQL (run 'migrate' first)
  work [--queues a,b]        run workers for the named queues (default: all); METRICS_PORT serves /metrics
  migrate                    run pending migrations
  seed [--subjects N]        add synthetic demo data
  notices [--region US-CA] [--channel OTHER]
                             queue California notice requests for every active subject of a region
  token --role R [--sub S] [--purposes P1,P2]
                             print a signed token for local use (roles: ${Object.values(Role).join(', ')};
                             purposes an APP token may declare in X-Purpose: ${READ_PURPOSES.join(', ')}; default any)`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

/** Turns the usual start-up failures into one line that says what to do. */
export function describeStartupError(service: 'MySQL' | 'Redis', err: unknown, config: Config): string {
  const e = err as { code?: string; message?: string };
  const addr = service === 'MySQL' ? `${config.mysql.host}:${config.mysql.port}` : `${config.redis.host}:${config.redis.port}`;
  const vars = service === 'MySQL' ? 'MYSQL_HOST/MYSQL_PORT' : 'REDIS_HOST/REDIS_PORT';
  if (e?.code === 'ER_ACCESS_DENIED_ERROR') return `MySQL at ${addr} refused user '${config.mysql.user}'; check MYSQL_USER and MYSQL_PASSWORD`;
  const reason = e?.code ?? e?.message ?? String(err);
  return `cannot reach ${service} at ${addr} (${reason}); start it with 'bash scripts/ensure-services' or set ${vars}`;
}

async function waitForRedis(gateway: Gateway, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (gateway.redis.status !== 'ready') {
    if (Date.now() - started > timeoutMs) throw Object.assign(new Error('no answer'), { code: 'ECONNREFUSED' });
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A serving process without its V8 flags works, at about twice the CPU per page under load. */
function warnMissingServeFlags(logger: Logger): void {
  const missing = missingServeFlags();
  if (missing.length > 0)
    logger.warn({ missingNodeFlags: missing }, `serving without ${missing.join(' ')}: reads cost about twice the CPU under load (npm start and npm run serve pass it; see docs/deployment.md)`);
}

/**
 * Starts the workers of the requested queues so that a worker's memory stays bounded however
 * the process was started (issue 23): a `work` process without the workers' heap-growth flag sets
 * it on itself; `start`, which also serves, runs the export queues in a child process that has it
 * (src/jobs/export-worker-process.ts). Returns every queue started.
 */
async function startWorkers(gateway: Gateway, logger: Logger, requested: string[], serving: boolean, stopping: () => boolean): Promise<{ started: string[]; child: ExportWorkerProcess | null }> {
  const exportQueues = requested.filter((q) => (EXPORT_QUEUES as readonly string[]).includes(q));
  const toChild = serving ? exportQueuesForChild(requested, gateway.config.workers.exportProcess) : [];
  const here = requested.filter((q) => !toChild.includes(q));
  // A serving process keeps its own GC settings (EXPORT_WORKER_PROCESS=inline is a choice to share them).
  if (!serving) {
    // What V8 cannot take at runtime (the young generation's size) is only reported. Export-only
    // processes (work:export, start's child) were tuned on the default young generation.
    const missing = here.every((q) => exportQueues.includes(q)) ? [] : missingWorkerFlags().filter((f) => !EXPORT_WORKER_NODE_FLAGS.includes(f));
    const applied = applyWorkerHeapFlags();
    if (applied.length > 0) logger.info({ nodeFlags: applied, queues: here }, 'worker heap flags set at runtime');
    if (missing.length > 0)
      logger.info({ missingNodeFlags: missing }, `working without ${missing.join(' ')}: about 30 MB more resident memory, idle and at peak (npm run work passes it; see docs/deployment.md)`);
  }
  const started = here.length > 0 ? await gateway.work(here) : [];
  // A SIGTERM that came while the workers started: no child to leave behind.
  const child = toChild.length > 0 && !stopping()
    ? startExportWorkerProcess({ cli: __filename, queues: toChild, env: process.env, log: logger, stopTimeoutMs: gateway.config.shutdown.timeoutMs })
    : null;
  return { started: [...started, ...toChild], child };
}

/**
 * SIGTERM/SIGINT: stop accepting requests, drain them, let active jobs finish (or hand them back
 * after SHUTDOWN_TIMEOUT_MS), close MySQL and Redis, exit 0. If closing itself hangs, exit 1
 * shortly after the timeout rather than never.
 */
/** Set once SIGTERM or SIGINT arrived (onSignals). */
let shuttingDown = false;

function onSignals(gateway: Gateway, log: Logger, alsoStop: () => Promise<void> = async () => undefined): void {
  const stop = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const started = Date.now();
    log.info({ signal, timeoutMs: gateway.config.shutdown.timeoutMs }, 'shutting down');
    setTimeout(() => {
      log.error({}, 'shutdown did not finish; exiting anyway');
      process.exit(1);
    }, gateway.config.shutdown.timeoutMs + 10_000).unref();
    Promise.all([gateway.stop(), alsoStop()]).then(
      () => {
        log.info({ durationMs: Date.now() - started }, 'stopped');
        process.exit(0);
      },
      (err) => {
        log.error(errorFields(err), 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`data-rights-gateway: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger(config.log.level, undefined, config.log.format);

  if (command === 'token') {
    const role = flag(args, 'role');
    const roles = (role ?? '').split(',').filter(Boolean) as Role[];
    if (roles.length === 0 || !roles.every((r) => Object.values(Role).includes(r))) {
      process.stderr.write(`token: --role must be one or more of ${Object.values(Role).join(', ')}\n`);
      return 2;
    }
    const purposesFlag = flag(args, 'purposes');
    const purposes = purposesFlag === undefined ? undefined : purposesFlag.split(',').filter(Boolean);
    if (purposes && (purposes.length === 0 || !purposes.every(isReadPurpose))) {
      process.stderr.write(`token: --purposes must be one or more of ${READ_PURPOSES.join(', ')}\n`);
      return 2;
    }
    const extra = purposes ? { purposes: purposes as ReadPurpose[] } : {};
    process.stdout.write(`${signToken(config.auth.jwtSecret, flag(args, 'sub') ?? `local-${roles.join('-').toLowerCase()}`, roles, config.auth.tokenTtlSeconds, extra)}\n`);
    return 0;
  }
  // Plugins' own commands, reached through the registry like every other plugin part.
  const pluginCommands = new PluginRegistry(builtInPlugins(config)).commands();
  const pluginCommand = pluginCommands.find((c) => c.name === command);
  if (pluginCommand)
    return pluginCommand.run(args, config, async () => {
      const g = await Gateway.open(config, {}, () => undefined);
      return { dataSource: g.dataSource, run: g.run, work: (queues) => g.work(queues), stop: () => g.stop() };
    });
  if (!['start', 'serve', 'work', 'migrate', 'seed', 'notices'].includes(command ?? '')) {
    process.stderr.write(`${[USAGE, ...pluginCommands.map((c) => c.usage)].join('\n')}\n`);
    return command ? 2 : 0;
  }

  let gateway: Gateway;
  try {
    gateway = await Gateway.open(config, {}, logger);
  } catch (err) {
    process.stderr.write(`data-rights-gateway: ${describeStartupError('MySQL', err, config)}\n`);
    return 1;
  }
  if (command !== 'migrate' && command !== 'seed') {
    try {
      await waitForRedis(gateway);
    } catch (err) {
      process.stderr.write(`data-rights-gateway: ${describeStartupError('Redis', err, config)}\n`);
      await gateway.stop().catch(() => undefined);
      return 1;
    }
  }

  switch (command) {
    case 'migrate': {
      const ran = await gateway.migrate();
      logger.info({ ran }, 'migrations done');
      await gateway.stop();
      return 0;
    }
    case 'seed': {
      const subjects = Number(flag(args, 'subjects') ?? config.demo.subjects);
      if (!Number.isInteger(subjects) || subjects < 0) {
        process.stderr.write('seed: --subjects must be a whole number\n');
        await gateway.stop();
        return 2;
      }
      await gateway.migrate();
      const summary = await seedDemoData(gateway.dataSource, systemActor, { subjects, seed: Number(flag(args, 'seed') ?? 42) });
      logger.info({ ...summary }, 'seeded');
      await gateway.stop();
      return 0;
    }
    case 'notices': {
      const region = flag(args, 'region') ?? 'US-CA';
      const channel = (flag(args, 'channel') ?? 'OTHER').toUpperCase();
      if (channel !== 'DESIGNATED' && channel !== 'OTHER') {
        process.stderr.write('notices: --channel must be DESIGNATED or OTHER\n');
        await gateway.stop();
        return 2;
      }
      const totals = await queueNoticesForRegion(gateway, region, channel);
      logger.info({ region, ...totals }, 'notice requests queued');
      await gateway.stop();
      return 0;
    }
    case 'work': {
      const queues = flag(args, 'queues')?.split(',').map((q) => q.trim()).filter(Boolean);
      const known = gateway.queues.queueNames();
      const unknown = (queues ?? []).filter((q) => !known.includes(q));
      if (unknown.length > 0 || (queues && queues.length === 0)) {
        process.stderr.write(`work: unknown queue(s) ${unknown.join(', ') || '(none named)'}; known queues: ${known.join(', ')}\n`);
        await gateway.stop();
        return 2;
      }
      let exportWorker: ExportWorkerProcess | null = null;
      onSignals(gateway, logger, async () => exportWorker?.stop());
      // A child of `start` stops as a SIGTERM would stop it (jobs finish) if `start` dies.
      watchSupervisor(process.env, () => process.kill(process.pid, 'SIGTERM'));
      const { started, child } = await startWorkers(gateway, logger, queues ?? known, false, () => shuttingDown);
      exportWorker = child;
      if (config.metrics.workerPort !== null) {
        const ops = await gateway.serveOps(config.metrics.workerPort);
        logger.info({ url: ops.url }, 'metrics served');
      }
      logger.info({ queues: started, exportWorkerPid: child?.pid }, 'workers started');
      return -1;
    }
    case 'serve': {
      if (await gateway.pendingMigrations()) {
        process.stderr.write("data-rights-gateway: the database has pending migrations; run 'npm run migrate' first\n");
        await gateway.stop();
        return 1;
      }
      onSignals(gateway, logger);
      warnMissingServeFlags(logger);
      const http = await gateway.serve();
      logger.info({ url: http.url }, 'serving');
      return -1;
    }
    default: {
      // start: everything in one process, for a single machine.
      const ran = await gateway.migrate();
      if (ran.length) logger.info({ ran }, 'migrations done');
      const [{ n }] = await gateway.dataSource.query('SELECT COUNT(*) AS n FROM subjects');
      if (Number(n) === 0 && config.demo.subjects > 0) {
        const summary = await seedDemoData(gateway.dataSource, systemActor, { subjects: config.demo.subjects });
        logger.info({ ...summary }, 'demo data loaded');
      }
      let exportWorker: ExportWorkerProcess | null = null;
      onSignals(gateway, logger, async () => exportWorker?.stop());
      warnMissingServeFlags(logger);
      const { started: queues, child } = await startWorkers(gateway, logger, gateway.queues.queueNames(), true, () => shuttingDown);
      exportWorker = child;
      const http = await gateway.serve();
      logger.info({ url: http.url, queues }, 'serving');
      process.stdout.write(`\ndata-rights-gateway is serving GraphQL at ${http.url} (workers: ${queues.join(', ') || 'none registered'})\n`);
      // A token in a log is a credential in a log: production prints none (mint one with `npm run token`).
      if (config.env === 'production') {
        process.stdout.write(`mint a token for a person or an app with: npm run token -- --role ADMIN --sub <who> (lifetime TOKEN_TTL_SECONDS)\n\n`);
        return -1;
      }
      const token = signToken(config.auth.jwtSecret, 'local-admin', [Role.ADMIN], config.auth.tokenTtlSeconds);
      const appToken = signToken(config.auth.jwtSecret, 'local-app', [Role.APP], config.auth.tokenTtlSeconds, { purposes: [ReadPurpose.SERVICE, ReadPurpose.SUPPORT, ReadPurpose.ANALYTICS] });
      process.stdout.write(
        `development tokens (NODE_ENV=${config.env}; never printed in production):\n` +
          `ADMIN token: ${token}\nAPP token:   ${appToken}\n` +
          `try: curl -s ${http.url} -H 'content-type: application/json' -H "authorization: Bearer ${appToken}" -H 'x-purpose: SUPPORT' \\\n` +
          `       -d '{"query":"{ users(first: 3) { edges { node { id name consents { purpose status } } } } }"}'\n` +
          `(an APP request declares its purpose in X-Purpose; this APP token may declare SERVICE, SUPPORT or ANALYTICS)\n\n`,
      );
      // The console without an identity provider: a link that signs its first opener in, once, within 15 minutes.
      const code = await gateway.consoleSessions.createSignInLink({ id: 'local-console', roles: [Role.LEGAL, Role.MNA, Role.PRIVACY_OPS, Role.ADMIN] });
      process.stdout.write(`console sign-in link (once, within 15 minutes; LEGAL, MNA, PRIVACY_OPS, ADMIN): ${new URL(http.url).origin}/console/sign-in?code=${code}\n\n`);
      return -1;
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err) => {
      process.stderr.write(`data-rights-gateway: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
