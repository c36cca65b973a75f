import { isIP } from 'node:net';
import { clusterPrefixProblem, parseHostList, type HostPort } from './ops/topology.rules';
import { isClaimPath, parseRoleMap, type RoleMap } from './schema/identity-provider.rules';

/**
 * The one typed configuration of the gateway, read from the environment and checked at start.
 * Defaults match the local services of a development machine.
 */
export type SqlFlavor = 'mariadb' | 'mysql';

export interface Config {
  env: 'development' | 'test' | 'production';
  http: { host: string; port: number };
  mysql: {
    host: string;
    port: number;
    user: string;
    password: string;
    database: string;
    /** TypeORM driver type: 'mariadb' keeps the schema check clean on MariaDB, 'mysql' for MySQL 8. */
    flavor: SqlFlavor;
    poolSize: number;
    /**
     * Read replicas (MYSQL_REPLICA_HOSTS) for reads that may be slightly stale; empty: every
     * read goes to the primary. Same user, password and database as the primary.
     */
    replicas: HostPort[];
    /** A replica further behind than this (Seconds_Behind_Master) serves nothing until it catches up. */
    replicaMaxLagSeconds: number;
    /** How often each replica's state is read (and how soon a failed one is tried again). */
    replicaCheckMs: number;
  };
  redis: {
    host: string;
    port: number;
    password?: string;
    prefix: string;
    /** Redis Cluster seed nodes (REDIS_CLUSTER_NODES); empty: the one Redis at host:port. */
    clusterNodes: HostPort[];
  };
  auth: {
    jwtSecret: string;
    /** Lifetime of the tokens this gateway mints (`npm run token`, the development tokens of `npm start`). */
    tokenTtlSeconds: number;
    /** Longest lifetime a presented token may have (exp − iat, and exp − now); longer ones are refused. */
    maxTokenLifetimeSeconds: number;
    /** The company's OpenID Connect provider, whose access tokens are accepted beside local ones; null: none. */
    oidc: OidcConfig | null;
    /** Longest console session (a session also ends when the token it was made from does). */
    consoleSessionTtlSeconds: number;
  };
  graphql: {
    introspection: boolean;
    maxPageSize: number;
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    /** Largest document graphql-js will parse, in tokens: a huge query is refused before parsing ends. */
    maxTokens: number;
    /** "Did you mean ...?" in validation errors; never in production (it reveals the schema). */
    suggestions: boolean;
    /**
     * How a validated operation is executed: `compiled` (graphql-jit, one compiled function per
     * document that repeats) or `interpreted` (graphql-js). Both run the same schema and resolvers.
     */
    executor: 'compiled' | 'interpreted';
    /** Compiled documents kept (least recently used dropped first). */
    compiledCacheSize: number;
    /** Times a document must arrive before it is compiled; a one-off query runs interpreted. */
    compileAfter: number;
    /**
     * DataLoader batching of relations (one statement per relation per page). false only to
     * measure what batching buys: one statement per parent row (the read bench's naive variant).
     */
    batchLoads: boolean;
  };
  /**
   * Per-token limit on mutations, a token bucket in Redis shared by every serve process:
   * `burst` mutations at once, refilled at `mutationsPerMinute`. 0 per minute switches it off.
   */
  rateLimit: {
    mutationsPerMinute: number;
    burst: number;
    /** POST /collect, per token subject: web servers report every visit, so its budget is its own. */
    collectPerMinute: number;
    collectBurst: number;
  };
  workers: {
    /**
     * Where `start` runs the export queues: `child` (a child process with the export worker's V8
     * flags) or `inline` (in the serving process, whose large young generation an export inflates).
     */
    exportProcess: 'child' | 'inline';
    concurrency: number;
    /** How long a worker holds a job's lock; a dead worker's job is handed on after it. */
    lockDurationMs: number;
    stalledIntervalMs: number;
  };
  outbox: { smtpUrl: string | null; dir: string; from: string; pollMs: number };
  /** Letters by post (src/domain/postal-letter.ts): the folder the mail room prints from, and how long a printed letter stays there. */
  print: { dir: string; retentionDays: number };
  requests: { monitorEveryMs: number; sweepAfterMs: number };
  /** The company the gateway answers for, as named in letters to people. */
  company: { name: string };
  /**
   * Integrity that survives a database writer (src/domain/integrity.ts): the MAC key (never in the
   * database), and where signed checkpoints of the audit chain are published, how often.
   */
  integrity: { key: string; checkpointFile: string; checkpointEveryMs: number };
  communications: {
    /** HMAC-SHA-256 key of unsubscribe and open-tracking tokens. */
    unsubscribeSecret: string;
    /** How long an unsubscribe link in a sent email keeps working. */
    unsubscribeTokenTtlSeconds: number;
    /** Where people reach the gateway's public pages (unsubscribe, open pixel), without a trailing slash. */
    publicBaseUrl: string;
  };
  /**
   * Access requests (src/domain/access-package.service.ts): where sealed packages are kept, the key
   * their data keys are wrapped with (never in the database), how long the one-time link works and
   * when a package is purged.
   */
  access: { dir: string; packageKey: string; linkTtlHours: number; retentionDays: number; pageRows: number };
  demo: { subjects: number };
  /** Group commit of the access log (see src/domain/access-log.service.ts). */
  accessLog: { flushMs: number; batchRows: number };
  plugins: {
    /** Built-in plugins switched on (PLUGINS, comma-separated; default all). */
    enabled: string[];
    legalHold: { snapshotJobThreshold: number; purgeGraceDays: number };
    anonymization: { k: number; protectionPercent: number; reportMaxCells: number; dpContributionCap: number; dpPartnerEpsilonBudget: number; pseudonymSecret: string; pseudonymKeyId: string };
    businessTransfer: { exportDir: string; chunkSize: number; k: number; artifactRetentionDays: number; dataKeySecret: string };
  };
  /** Operating it: logs, /metrics, shutdown (issue 11). */
  /** `pretty`: readable lines (pino-pretty), for a person at a terminal; `json`: JSON lines, for collectors. */
  log: { level: LogLevel; format: 'json' | 'pretty' };
  metrics: {
    /** Bearer token /metrics requires (METRICS_TOKEN); null: no token. */
    token: string | null;
    /** Remote addresses /metrics answers (METRICS_ALLOW): IPs, IPv4 CIDRs, 'loopback', or '*'. */
    allow: string[];
    /** Port a `work` process serves /metrics and /healthz on (METRICS_PORT); null: none. */
    workerPort: number | null;
  };
  /** How long SIGTERM waits for in-flight requests and active jobs before handing jobs back. */
  shutdown: { timeoutMs: number };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Built-in plugins, on unless PLUGINS names a subset. */
/** An OpenID Connect provider's access tokens (RS256/ES256, verified against its JWKS). */
export interface OidcConfig {
  /** The `iss` every token must carry, exactly; its discovery document gives the JWKS. */
  issuer: string;
  /** The `aud` every token must include: this gateway's identifier at the provider. */
  audience: string;
  /** Where the signing keys are; null: the `jwks_uri` of the issuer's discovery document. */
  jwksUri: string | null;
  /** The claim (a dotted path for nested ones) that holds the person's groups or roles. */
  rolesClaim: string;
  /** The claim whose value, after `idp:`, is the person's id in the audit log. */
  actorClaim: string;
  /** group → gateway roles; null: group names that are role names map to themselves. */
  roleMap: RoleMap | null;
  algorithms: OidcAlgorithm[];
  /** The console's client at the provider (authorization code with PKCE); null: no console sign-in through the provider. */
  client: { id: string; secret: string | null; scopes: string; authorizationParams: Record<string, string> } | null;
}
export const OIDC_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'] as const;
export type OidcAlgorithm = (typeof OIDC_ALGORITHMS)[number];

export const BUILT_IN_PLUGIN_NAMES = ['legal-hold', 'anonymization', 'business-transfer'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Only for local use: production must set JWT_SECRET (checked below). */
const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';
const DEV_PSEUDONYM_SECRET = 'dev-only-pseudonym-secret-change-me';
const DEV_UNSUBSCRIBE_SECRET = 'dev-only-unsubscribe-secret-change-me-0123456789';
const DEV_INTEGRITY_KEY = 'dev-only-integrity-key-change-me-0123456789abcdef';
const DEV_ACCESS_PACKAGE_KEY = 'dev-only-access-package-key-change-me-0123456789';
const DEV_EXPORT_KEY = 'dev-only-export-key-change-me-0123456789abcdef';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const str = (key: string, fallback: string): string => {
    const v = env[key];
    return v === undefined || v === '' ? fallback : v;
  };
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  // A decimal with at most three places (ε is counted in thousandths).
  const thousandths = (key: string, fallback: number, min: number, max: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!/^\d+(\.\d{1,3})?$/.test(raw.trim()) || n < min || n > max) {
      problems.push(`${key} must be a number from ${min} to ${max} with at most three decimals, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${key} must be true or false, got "${raw}"`);
    return fallback;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const raw = str(key, fallback);
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  };

  const nodeEnv = oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const database = str('MYSQL_DATABASE', 'data_rights_gateway');
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) problems.push(`MYSQL_DATABASE must match [A-Za-z0-9_]{1,64}, got "${database}"`);
  const jwtSecret = str('JWT_SECRET', DEV_JWT_SECRET);
  if (nodeEnv === 'production' && jwtSecret === DEV_JWT_SECRET) problems.push('JWT_SECRET must be set in production');
  if (jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
  const pseudonymSecret = str('PSEUDONYM_SECRET', DEV_PSEUDONYM_SECRET);
  if (nodeEnv === 'production' && pseudonymSecret === DEV_PSEUDONYM_SECRET) problems.push('PSEUDONYM_SECRET must be set in production');
  if (pseudonymSecret.length < 16) problems.push('PSEUDONYM_SECRET must be at least 16 characters');
  if (!/^[A-Za-z0-9-]{1,64}$/.test(str('PSEUDONYM_KEY_ID', 'k1'))) problems.push('PSEUDONYM_KEY_ID must be 1 to 64 letters, digits or dashes');

  const accessPackageKey = str('ACCESS_PACKAGE_KEY', DEV_ACCESS_PACKAGE_KEY);
  if (nodeEnv === 'production' && accessPackageKey === DEV_ACCESS_PACKAGE_KEY) problems.push('ACCESS_PACKAGE_KEY must be set in production');
  else if (accessPackageKey.length < 32) problems.push('ACCESS_PACKAGE_KEY must be at least 32 characters');
  const exportKey = str('EXPORT_KEY', DEV_EXPORT_KEY);
  if (nodeEnv === 'production' && exportKey === DEV_EXPORT_KEY) problems.push('EXPORT_KEY must be set in production');
  else if (exportKey.length < 32) problems.push('EXPORT_KEY must be at least 32 characters');
  const integrityKey = str('INTEGRITY_KEY', DEV_INTEGRITY_KEY);
  if (nodeEnv === 'production' && integrityKey === DEV_INTEGRITY_KEY) problems.push('INTEGRITY_KEY must be set in production');
  if (integrityKey.length < 32) problems.push('INTEGRITY_KEY must be at least 32 characters');
  const unsubscribeSecret = str('UNSUBSCRIBE_SECRET', DEV_UNSUBSCRIBE_SECRET);
  if (nodeEnv === 'production' && unsubscribeSecret === DEV_UNSUBSCRIBE_SECRET) problems.push('UNSUBSCRIBE_SECRET must be set in production');
  if (unsubscribeSecret.length < 32) problems.push('UNSUBSCRIBE_SECRET must be at least 32 characters');
  const publicBaseUrl = str('PUBLIC_BASE_URL', 'http://localhost:4000').replace(/\/+$/, '');
  try {
    const u = new URL(publicBaseUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') problems.push('PUBLIC_BASE_URL must be an http(s) URL');
    // RFC 8058: one-click unsubscribe URIs must be https; plain http is only for local use.
    else if (nodeEnv === 'production' && u.protocol !== 'https:') problems.push('PUBLIC_BASE_URL must use https in production (RFC 8058)');
  } catch {
    problems.push(`PUBLIC_BASE_URL must be an absolute URL, got "${publicBaseUrl}"`);
  }

  const enabledRaw = env.PLUGINS === undefined ? [...BUILT_IN_PLUGIN_NAMES] : env.PLUGINS.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of enabledRaw)
    if (!(BUILT_IN_PLUGIN_NAMES as readonly string[]).includes(p)) problems.push(`PLUGINS names an unknown plugin "${p}"; known: ${BUILT_IN_PLUGIN_NAMES.join(', ')}`);

  const metricsToken = env.METRICS_TOKEN || null;
  if (metricsToken !== null && metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters');
  // Without a token, /metrics answers only loopback unless METRICS_ALLOW says otherwise; with a
  // token, any address that presents it (still narrowed by METRICS_ALLOW when set).
  const metricsAllow = (env.METRICS_ALLOW ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  if (metricsAllow.length === 0) metricsAllow.push(metricsToken ? '*' : 'loopback');
  for (const a of metricsAllow) if (!isAllowEntry(a)) problems.push(`METRICS_ALLOW entries must be IP addresses, IPv4 CIDRs, 'loopback' or '*', got "${a}"`);
  if (nodeEnv === 'production' && metricsAllow.includes('*') && !metricsToken) problems.push("METRICS_ALLOW='*' needs METRICS_TOKEN in production");
  const metricsPort = env.METRICS_PORT === undefined || env.METRICS_PORT === '' ? null : int('METRICS_PORT', 0, 0, 65535);

  // Outside production the gateway listens on loopback unless told otherwise, and a gateway that
  // listens beyond loopback must not use a development secret that anyone can read in the source.
  const host = str('HOST', nodeEnv === 'production' ? '0.0.0.0' : '127.0.0.1');
  if (!isLoopbackHost(host)) {
    const devSecrets = [
      ['JWT_SECRET', jwtSecret === DEV_JWT_SECRET],
      ['PSEUDONYM_SECRET', pseudonymSecret === DEV_PSEUDONYM_SECRET],
      ['UNSUBSCRIBE_SECRET', unsubscribeSecret === DEV_UNSUBSCRIBE_SECRET],
      ['INTEGRITY_KEY', integrityKey === DEV_INTEGRITY_KEY],
      ['ACCESS_PACKAGE_KEY', accessPackageKey === DEV_ACCESS_PACKAGE_KEY],
      ['EXPORT_KEY', exportKey === DEV_EXPORT_KEY],
    ].flatMap(([k, dev]) => (dev ? [k] : []));
    if (nodeEnv !== 'production' && devSecrets.length > 0)
      problems.push(`HOST=${host} listens beyond loopback, so ${devSecrets.join(', ')} must be set (the development defaults are public in the source)`);
  }
  const suggestions = bool('GRAPHQL_SUGGESTIONS', nodeEnv !== 'production');
  if (nodeEnv === 'production' && suggestions) problems.push('GRAPHQL_SUGGESTIONS cannot be on in production (field suggestions reveal the schema)');
  const tokenTtlSeconds = int('TOKEN_TTL_SECONDS', 8 * 3600, 60, 366 * 24 * 3600);
  const maxTokenLifetimeSeconds = int('TOKEN_MAX_LIFETIME_SECONDS', 24 * 3600, 60, 366 * 24 * 3600);
  if (tokenTtlSeconds > maxTokenLifetimeSeconds)
    problems.push(`TOKEN_TTL_SECONDS (${tokenTtlSeconds}) must not exceed TOKEN_MAX_LIFETIME_SECONDS (${maxTokenLifetimeSeconds}): the gateway would refuse its own tokens`);

  const oidc = oidcConfig(env, nodeEnv, problems);
  const queuePrefix = str('QUEUE_PREFIX', 'drg');
  const clusterNodes = parseHostList(env.REDIS_CLUSTER_NODES, 6379, 'REDIS_CLUSTER_NODES');
  problems.push(...clusterNodes.problems);
  if (clusterNodes.hosts.length > 0) {
    const prefixProblem = clusterPrefixProblem(queuePrefix);
    if (prefixProblem) problems.push(prefixProblem);
  }
  const replicaHosts = parseHostList(env.MYSQL_REPLICA_HOSTS, 3306, 'MYSQL_REPLICA_HOSTS');
  problems.push(...replicaHosts.problems);

  const config: Config = {
    env: nodeEnv,
    http: { host, port: int('PORT', 4000, 0, 65535) },
    mysql: {
      host: str('MYSQL_HOST', '127.0.0.1'),
      port: int('MYSQL_PORT', 3306, 1, 65535),
      user: str('MYSQL_USER', 'root'),
      password: env.MYSQL_PASSWORD ?? '',
      database,
      flavor: oneOf('MYSQL_FLAVOR', ['mariadb', 'mysql'] as const, 'mariadb'),
      poolSize: int('MYSQL_POOL_SIZE', 10, 1, 500),
      replicas: replicaHosts.hosts,
      replicaMaxLagSeconds: int('MYSQL_REPLICA_MAX_LAG_SECONDS', 5, 0, 3600),
      replicaCheckMs: int('MYSQL_REPLICA_CHECK_MS', 1000, 100, 60000),
    },
    redis: {
      host: str('REDIS_HOST', '127.0.0.1'),
      port: int('REDIS_PORT', 6379, 1, 65535),
      password: env.REDIS_PASSWORD || undefined,
      prefix: queuePrefix,
      clusterNodes: clusterNodes.hosts,
    },
    auth: { jwtSecret, tokenTtlSeconds, maxTokenLifetimeSeconds, oidc, consoleSessionTtlSeconds: int('CONSOLE_SESSION_TTL_SECONDS', 8 * 3600, 60, 7 * 24 * 3600) },
    graphql: {
      introspection: bool('GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
      maxPageSize: int('GRAPHQL_MAX_PAGE_SIZE', 100, 1, 10000),
      maxDepth: int('GRAPHQL_MAX_DEPTH', 8, 2, 50),
      maxCost: int('GRAPHQL_MAX_COST', 50000, 10, 10_000_000),
      maxAliases: int('GRAPHQL_MAX_ALIASES', 30, 1, 1000),
      maxTokens: int('GRAPHQL_MAX_TOKENS', 10_000, 100, 1_000_000),
      suggestions,
      executor: oneOf('GRAPHQL_EXECUTOR', ['compiled', 'interpreted'] as const, 'compiled'),
      compiledCacheSize: int('GRAPHQL_COMPILED_CACHE_SIZE', 500, 1, 100_000),
      compileAfter: int('GRAPHQL_COMPILE_AFTER', 2, 1, 1000),
      batchLoads: bool('GRAPHQL_BATCH_LOADS', true),
    },
    rateLimit: {
      mutationsPerMinute: int('RATE_LIMIT_MUTATIONS_PER_MINUTE', 120, 0, 1_000_000),
      burst: int('RATE_LIMIT_BURST', 30, 1, 1_000_000),
      collectPerMinute: int('RATE_LIMIT_COLLECT_PER_MINUTE', 6000, 0, 10_000_000),
      collectBurst: int('RATE_LIMIT_COLLECT_BURST', 600, 1, 10_000_000),
    },
    workers: {
      exportProcess: oneOf('EXPORT_WORKER_PROCESS', ['child', 'inline'] as const, 'child'),
      concurrency: int('WORKER_CONCURRENCY', 4, 1, 256),
      lockDurationMs: int('WORKER_LOCK_MS', 30_000, 500, 600_000),
      stalledIntervalMs: int('WORKER_STALLED_CHECK_MS', 15_000, 200, 600_000),
    },
    outbox: {
      smtpUrl: env.OUTBOX_SMTP_URL || null,
      dir: str('OUTBOX_DIR', 'var/outbox'),
      from: str('OUTBOX_FROM', 'Privacy Team <privacy@example.com>'),
      pollMs: int('OUTBOX_POLL_MS', 5000, 100, 3_600_000),
    },
    print: {
      dir: str('PRINT_QUEUE_DIR', 'var/print-queue'),
      // Long enough for the mail room to print a week's letters; the letters hold names and addresses.
      retentionDays: int('PRINT_QUEUE_RETENTION_DAYS', 14, 1, 365),
    },
    company: { name: str('COMPANY_NAME', 'Example Company, Inc.') },
    access: {
      dir: str('ACCESS_PACKAGE_DIR', 'var/access-packages'),
      packageKey: accessPackageKey,
      // A week to open the email; the link works once (a new one can be issued until the purge).
      linkTtlHours: int('ACCESS_LINK_TTL_HOURS', 7 * 24, 1, 90 * 24),
      // The package holds everything about the person: kept no longer than a month.
      retentionDays: int('ACCESS_PACKAGE_RETENTION_DAYS', 30, 1, 365),
      pageRows: int('ACCESS_PAGE_ROWS', 2000, 1, 100_000),
    },
    integrity: {
      key: integrityKey,
      // One file per database: a chain's checkpoints verify that chain only.
      checkpointFile: str('AUDIT_CHECKPOINT_FILE', `var/audit-checkpoints-${database}.jsonl`),
      checkpointEveryMs: int('AUDIT_CHECKPOINT_MS', 300_000, 100, 86_400_000),
    },
    communications: {
      unsubscribeSecret,
      unsubscribeTokenTtlSeconds: int('UNSUBSCRIBE_TOKEN_TTL_SECONDS', 90 * 86400, 60, 3 * 366 * 86400),
      publicBaseUrl,
    },
    requests: {
      monitorEveryMs: int('REQUEST_MONITOR_MS', 60_000, 100, 86_400_000),
      sweepAfterMs: int('REQUEST_SWEEP_AFTER_MS', 120_000, 0, 86_400_000),
    },
    demo: { subjects: int('DEMO_SUBJECTS', 500, 0, 10_000_000) },
    accessLog: {
      flushMs: int('ACCESS_LOG_FLUSH_MS', 0, 0, 1000),
      batchRows: int('ACCESS_LOG_BATCH_ROWS', 5000, 1, 50_000),
    },
    plugins: {
      enabled: enabledRaw,
      legalHold: {
        snapshotJobThreshold: int('LEGAL_HOLD_SNAPSHOT_JOB_THRESHOLD', 50, 0, 1_000_000),
        purgeGraceDays: int('LEGAL_HOLD_PURGE_GRACE_DAYS', 30, 0, 3650),
      },
      anonymization: {
        // CMS suppresses cells of 1 to 10; below 2 nothing would be suppressed at all.
        k: int('ANONYMIZATION_K', 11, 2, 1000),
        // Half of k by default: a suppressed count's range, given everything released, spans at
        // least ⌈k/2⌉ (docs/legal.md, "Usage reports").
        protectionPercent: int('ANONYMIZATION_PROTECTION_PERCENT', 50, 1, 400),
        // The audit solves linear programs over the whole table on the event loop: about 0.5 s
        // at 1,000 cells and 8 s at 2,700 (npm run bench -- reports).
        reportMaxCells: int('USAGE_REPORT_MAX_CELLS', 1000, 10, 10_000),
        // Differential privacy (issue 26, point 5): a person's visits counted per report, at most
        // (the sensitivity), and the ε a partner may receive in all, ever.
        dpContributionCap: int('DP_CONTRIBUTION_CAP', 10, 1, 1000),
        dpPartnerEpsilonBudget: thousandths('DP_PARTNER_EPSILON_BUDGET', 1, 0.001, 100),
        pseudonymSecret,
        pseudonymKeyId: str('PSEUDONYM_KEY_ID', 'k1'),
      },
      businessTransfer: {
        exportDir: str('EXPORT_DIR', 'var/exports'),
        // Subjects per chunk job: the unit of parallelism and of work redone after a crash.
        chunkSize: int('BUSINESS_TRANSFER_CHUNK_SIZE', 5000, 1, 1_000_000),
        k: int('BUSINESS_TRANSFER_K', 11, 2, 1000),
        // The export files on the gateway's disk hold full records (closing): kept long enough to
        // resend a lost delivery, then purged (docs/legal.md, point 3).
        artifactRetentionDays: int('BUSINESS_TRANSFER_ARTIFACT_RETENTION_DAYS', 30, 1, 3650),
        // Encrypted exports' data keys are sealed under a key derived from this secret, never stored.
        dataKeySecret: exportKey,
      },
    },
    // auto: readable lines in a terminal outside production, JSON lines everywhere else (pipes, files, production).
    log: { level: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'), format: logFormat(oneOf('LOG_FORMAT', ['auto', 'json', 'pretty'] as const, 'auto'), nodeEnv) },
    metrics: { token: metricsToken, allow: metricsAllow, workerPort: metricsPort },
    shutdown: { timeoutMs: int('SHUTDOWN_TIMEOUT_MS', 25_000, 100, 3_600_000) },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** A listen address only this machine can reach: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function isAllowEntry(a: string): boolean {
  if (a === '*' || a === 'loopback') return true;
  const [ip, bits, ...rest] = a.split('/');
  if (rest.length > 0 || !ip || isIP(ip) === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return isIP(ip) === 4 && Number.isInteger(n) && n >= 0 && n <= 32;
}

/** What access requests need of the configuration (src/domain/access-request.service.ts AccessSettings). */
export function accessSettingsOf(config: Config): Config['access'] & { company: string; publicBaseUrl: string } {
  return { ...config.access, company: config.company.name, publicBaseUrl: config.communications.publicBaseUrl };
}

/** OIDC_* settings: all absent means no identity provider; OIDC_ISSUER switches it on. */
function oidcConfig(env: NodeJS.ProcessEnv, nodeEnv: Config['env'], problems: string[]): OidcConfig | null {
  const issuer = env.OIDC_ISSUER?.trim() || '';
  if (issuer === '') {
    for (const key of ['OIDC_AUDIENCE', 'OIDC_JWKS_URI', 'OIDC_ROLE_MAP', 'OIDC_ROLES_CLAIM', 'OIDC_ACTOR_CLAIM', 'OIDC_ALGORITHMS', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_SCOPES', 'OIDC_AUTHORIZATION_PARAMS'])
      if (env[key]) problems.push(`${key} is set but OIDC_ISSUER is not: set the provider's issuer, or remove ${key}`);
    return null;
  }
  const url = (key: string, value: string): void => {
    try {
      const u = new URL(value);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') problems.push(`${key} must be an http(s) URL`);
      // Keys fetched over plain http can be swapped by anyone on the path.
      else if (nodeEnv === 'production' && u.protocol !== 'https:') problems.push(`${key} must use https in production`);
    } catch {
      problems.push(`${key} must be an absolute URL, got "${value}"`);
    }
  };
  url('OIDC_ISSUER', issuer);
  const audience = env.OIDC_AUDIENCE?.trim() || '';
  // Without an audience check, a token the provider issued for any other application would do.
  if (audience === '') problems.push('OIDC_AUDIENCE must be set with OIDC_ISSUER (the audience the provider puts in tokens for this gateway)');
  const jwksUri = env.OIDC_JWKS_URI?.trim() || null;
  if (jwksUri) url('OIDC_JWKS_URI', jwksUri);
  const rolesClaim = env.OIDC_ROLES_CLAIM?.trim() || 'groups';
  if (!isClaimPath(rolesClaim)) problems.push(`OIDC_ROLES_CLAIM must be a claim name or a dotted path, got "${rolesClaim}"`);
  const actorClaim = env.OIDC_ACTOR_CLAIM?.trim() || 'sub';
  if (!isClaimPath(actorClaim)) problems.push(`OIDC_ACTOR_CLAIM must be a claim name or a dotted path, got "${actorClaim}"`);
  let roleMap: RoleMap | null = null;
  try {
    roleMap = parseRoleMap(env.OIDC_ROLE_MAP);
  } catch (err) {
    problems.push((err as Error).message);
  }
  // Without a map, any directory group literally named ADMIN would grant ADMIN: fine on a laptop, not in production.
  if (nodeEnv === 'production' && !env.OIDC_ROLE_MAP?.trim()) problems.push('OIDC_ROLE_MAP must be set in production (which groups grant which roles)')
  const algorithms = (env.OIDC_ALGORITHMS?.trim() || 'RS256,ES256').split(',').map((a) => a.trim());
  for (const a of algorithms)
    if (!(OIDC_ALGORITHMS as readonly string[]).includes(a)) problems.push(`OIDC_ALGORITHMS may name ${OIDC_ALGORITHMS.join(', ')} (asymmetric only), got "${a}"`);
  const clientId = env.OIDC_CLIENT_ID?.trim() || '';
  let authorizationParams: Record<string, string> = {};
  try {
    const parsed = JSON.parse(env.OIDC_AUTHORIZATION_PARAMS?.trim() || '{}') as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) throw new Error();
    authorizationParams = parsed as Record<string, string>;
  } catch {
    problems.push('OIDC_AUTHORIZATION_PARAMS must be a JSON object of strings (extra authorization parameters, e.g. {"resource": "..."} or {"audience": "..."})');
  }
  if (clientId === '' && (env.OIDC_CLIENT_SECRET || env.OIDC_SCOPES || env.OIDC_AUTHORIZATION_PARAMS)) problems.push('OIDC_CLIENT_SECRET, OIDC_SCOPES and OIDC_AUTHORIZATION_PARAMS need OIDC_CLIENT_ID (the console\'s client at the provider)');
  const scopes = env.OIDC_SCOPES?.trim() || 'openid';
  if (!scopes.split(' ').includes('openid')) problems.push(`OIDC_SCOPES must include openid, got "${scopes}"`);
  const client = clientId === '' ? null : { id: clientId, secret: env.OIDC_CLIENT_SECRET || null, scopes, authorizationParams };
  // An ID token's audience is the client: with the two equal, a console ID token would pass as an access token.
  if (clientId !== '' && clientId === audience) problems.push('OIDC_AUDIENCE must differ from OIDC_CLIENT_ID: the API the access tokens are for, not the console client (else ID tokens would pass as access tokens)');
  return { issuer, audience, jwksUri, rolesClaim, actorClaim, roleMap, algorithms: algorithms as OidcAlgorithm[], client };
}

function logFormat(chosen: 'auto' | 'json' | 'pretty', nodeEnv: Config['env']): 'json' | 'pretty' {
  if (chosen !== 'auto') return chosen;
  return nodeEnv !== 'production' && process.stdout.isTTY === true ? 'pretty' : 'json';
}
