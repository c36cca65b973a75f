import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';

export type RequestOutcome = 'ok' | 'client_error' | 'error';
export type JobOutcome = 'completed' | 'failed';

/** Queue states reported as depths (BullMQ keeps prioritized jobs apart from plain waiting ones). */
const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** Distinct operation labels kept; beyond this, client-chosen names are counted as 'other'. */
const MAX_OPERATIONS = 200;

/** What the metrics read of the job queues: ops stays a leaf, so it names only what it uses. */
export interface QueueDepths {
  queueNames(): string[];
  queue(name: string): { getJobCounts(...states: string[]): Promise<Record<string, number>> };
}

/** A gauge a plugin contributes (declared here so that ops imports nothing above it). */
export interface PluginMetric {
  /** Prometheus metric name, unique over the core and every plugin (e.g. drg_legal_holds_active). */
  name: string;
  help: string;
  labelNames?: string[];
  /** A cheap query: one number, or one value per label set. */
  collect(dataSource: DataSource): Promise<number | { labels: Record<string, string>; value: number }[]>;
}

export interface MetricsSources {
  queues: QueueDepths;
  dataSource: DataSource;
  plugins: PluginMetric[];
  /** MySQL replicas (MYSQL_REPLICA_HOSTS): each one's state, and how many reads each side served. */
  replicas?: {
    status(): { replica: string; serving: boolean; lagSeconds: number | null }[];
    counts: { replica: Record<string, number>; primary: Record<string, number>; fallbacks: number };
  };
}

/**
 * One Prometheus registry per Gateway (never prom-client's global one, so several gateways in one
 * process keep apart). Counters and histograms are fed by the Apollo plugin and the worker host;
 * queue depths and the database gauges are read at scrape time with cheap COUNT queries.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation' | 'outcome'>;
  private readonly requestSeconds: Histogram<'operation' | 'outcome'>;
  private readonly jobs: Counter<'queue' | 'job' | 'outcome'>;
  private readonly jobSeconds: Histogram<'queue' | 'job' | 'outcome'>;
  private readonly jobFailures: Counter<'queue' | 'job'>;
  private readonly executions: Counter<'executor'>;
  private readonly compiledDocuments: Gauge;
  private readonly operations = new Set<string>();

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'drg_process_' });
    this.requests = new Counter({ name: 'drg_graphql_requests_total', help: 'GraphQL requests by operation and outcome', labelNames: ['operation', 'outcome'], registers });
    this.requestSeconds = new Histogram({
      name: 'drg_graphql_request_duration_seconds',
      help: 'GraphQL request duration by operation and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.executions = new Counter({ name: 'drg_graphql_executions_total', help: 'GraphQL operations executed, by executor (compiled: graphql-jit; interpreted: graphql-js)', labelNames: ['executor'], registers });
    this.compiledDocuments = new Gauge({ name: 'drg_graphql_compiled_documents', help: 'Documents in the compiled-executor cache (compiled or known)', registers });
    this.jobs = new Counter({ name: 'drg_jobs_total', help: 'Jobs run by queue, job name and outcome', labelNames: ['queue', 'job', 'outcome'], registers });
    this.jobSeconds = new Histogram({
      name: 'drg_job_duration_seconds',
      help: 'Job run time by queue, job name and outcome',
      labelNames: ['queue', 'job', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    });
    this.jobFailures = new Counter({ name: 'drg_job_failures_total', help: 'Failed job runs (each attempt) by queue and job name', labelNames: ['queue', 'job'], registers });

    const { queues, dataSource } = sources;
    new Gauge({
      name: 'drg_queue_jobs',
      help: 'Jobs per queue and state, read at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          queues.queueNames().map(async (q) => {
            const counts = await queues.queue(q).getJobCounts(...QUEUE_STATES);
            for (const state of QUEUE_STATES) this.set({ queue: q, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    const countGauge = (name: string, help: string, sql: string) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const [row] = (await dataSource.query(sql)) as { n: number | string }[];
          this.set(Number(row?.n ?? 0));
        },
      });
    countGauge('drg_data_requests_overdue', 'Open data requests past their due date', `SELECT COUNT(*) AS n FROM data_requests WHERE status IN ('RECEIVED','ACKNOWLEDGED','IN_PROGRESS','BLOCKED_BY_HOLD') AND due_at < NOW(3)`);
    // Open requests by type (every DataRequestType, zero included) and whether they are overdue.
    new Gauge({
      name: 'drg_data_requests_open',
      help: 'Open data requests by type, and whether past their due date',
      labelNames: ['type', 'overdue'],
      registers,
      async collect() {
        const rows = (await dataSource.query(
          `SELECT type, due_at < NOW(3) AS overdue, COUNT(*) AS n FROM data_requests WHERE status IN ('RECEIVED','ACKNOWLEDGED','IN_PROGRESS','BLOCKED_BY_HOLD','PARTIALLY_COMPLETED') GROUP BY type, due_at < NOW(3)`,
        )) as { type: string; overdue: number | string; n: number | string }[];
        // Every type the column allows, zero included (ops imports no entity: the schema says which).
        const [column] = (await dataSource.query(
          `SELECT COLUMN_TYPE AS t FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'data_requests' AND column_name = 'type'`,
        )) as { t: string }[];
        this.reset();
        for (const [, type] of String(column?.t ?? '').matchAll(/'([A-Z_]+)'/g)) for (const overdue of ['true', 'false']) this.set({ type: type!, overdue }, 0);
        for (const r of rows) this.set({ type: r.type, overdue: Number(r.overdue) === 1 ? 'true' : 'false' }, Number(r.n));
      },
    });
    countGauge('drg_access_packages_stored', 'Access packages on disk (not yet purged)', `SELECT COUNT(*) AS n FROM access_packages WHERE purged_at IS NULL`);
    countGauge('drg_outbox_backlog', 'Outbox messages not yet sent (pending, sending or failed)', `SELECT COUNT(*) AS n FROM outbox_messages WHERE status <> 'SENT'`);
    const replicas = sources.replicas;
    if (replicas) {
      new Gauge({
        name: 'drg_mysql_replica_serving',
        help: 'Whether a MySQL replica serves the reads that may lag (1) or not (0: unreachable, not replicating, or too far behind)',
        labelNames: ['replica'],
        registers,
        collect() {
          for (const r of replicas.status()) this.set({ replica: r.replica }, r.serving ? 1 : 0);
        },
      });
      new Gauge({
        name: 'drg_mysql_replica_lag_seconds',
        help: 'Seconds_Behind_Master the replica last reported (absent when unknown)',
        labelNames: ['replica'],
        registers,
        collect() {
          this.reset();
          for (const r of replicas.status()) if (r.lagSeconds !== null) this.set({ replica: r.replica }, r.lagSeconds);
        },
      });
      new Gauge({
        name: 'drg_routed_reads',
        help: 'Reads that may use a replica, by what was read and the side that answered, since the process started (fallback: a replica failed it and the primary answered)',
        labelNames: ['read', 'side'],
        registers,
        collect() {
          for (const side of ['replica', 'primary'] as const) for (const [read, n] of Object.entries(replicas.counts[side])) this.set({ read, side }, n);
          this.set({ read: 'any', side: 'fallback' }, replicas.counts.fallbacks);
        },
      });
    }
    // Plugins contribute their own gauges (e.g. legal-hold: active holds) through the contract.
    for (const m of sources.plugins) {
      new Gauge({
        name: m.name,
        help: m.help,
        labelNames: m.labelNames ?? [],
        registers,
        async collect() {
          const value = await m.collect(dataSource);
          this.reset();
          if (typeof value === 'number') this.set(value);
          else for (const v of value) this.set(v.labels, v.value);
        },
      });
    }
  }

  /**
   * The operation label: a client-chosen name, kept only while the set of names stays small.
   * `trusted` is false for a request that failed validation or carried no valid token: its name
   * is counted as 'other' unless an authenticated, valid operation already made it a label, so an
   * anonymous client cannot fill the label set with names of its own.
   */
  operationLabel(name: string | null | undefined, trusted = true): string {
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'anonymous';
    if (this.operations.has(name)) return name;
    if (!trusted) return 'other';
    if (this.operations.size >= MAX_OPERATIONS) return 'other';
    this.operations.add(name);
    return name;
  }

  requestFinished(operation: string, outcome: RequestOutcome, seconds: number): void {
    this.requests.inc({ operation, outcome });
    this.requestSeconds.observe({ operation, outcome }, seconds);
  }

  /** One operation executed (see src/schema/compiled-executor.ts), and the size of the document cache after it. */
  executed(executor: 'compiled' | 'interpreted', cachedDocuments: number): void {
    this.executions.inc({ executor });
    this.compiledDocuments.set(cachedDocuments);
  }

  jobFinished(queue: string, job: string, outcome: JobOutcome, seconds: number): void {
    this.jobs.inc({ queue, job, outcome });
    this.jobSeconds.observe({ queue, job, outcome }, seconds);
    if (outcome === 'failed') this.jobFailures.inc({ queue, job });
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
