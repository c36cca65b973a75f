import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { seedDemoData, type DemoDataSummary } from '../src/demo-data';
import { systemActor } from '../src/domain/actor';
import { Role } from '../src/entities/enums';
import { Gateway } from '../src/gateway';
import { signToken } from '../src/schema/auth';
import { READ_PURPOSE_RULES, READ_PURPOSES, type ReadPurpose } from '../src/domain/read-purpose.rules';
import { isReadPurpose } from '../src/domain/read-purpose.service';
import { spawnServer, type ServerHandle, type ServerStats } from './child';
import {
  closedLoop, cpuOfOthers, createBenchDatabase, findDatabasePid, measuredTarget, median, peakRssKb, percentile, processTicks, TICKS_PER_SECOND, QuestionsCounter, resetPeakRss, RESULTS_DIR, round, spread,
  type BenchContext, type BenchmarkDef, type BenchReport, type Cell, type Table, type Target,
} from './harness';
import { SERVE_NODE_FLAGS } from '../src/ops/node-flags';
import { newestProfile, profileTables, summarizeProfile } from './profile';
import { firstDifference, normalizePage, pageAt, pageBody, pageHash, type PageResponse, type PageVariables, encodeIdCursor } from './read/page';

/**
 * read: a page of users with consents and their newest disclosures (categories, recipient),
 * over HTTP, at 1 and 8 concurrent clients, for three servers side by side:
 *   floor    plain node:http + five hand-written mysql2 statements (the lower bound);
 *   gateway        the real gateway (`gateway.serve`), auth on, unbound: a PRIVACY_OPS token, which
 *                  declares no purpose (APP tokens must);
 *   purpose-bound  the same gateway with an APP token and `X-Purpose` (default SERVICE): the read-purpose
 *                  rules on every user field, and the access log's group commit before each answer;
 *   interpreted    the same gateway with graphql-js executing (GRAPHQL_EXECUTOR=interpreted): what the
 *                  compiled executor (graphql-jit) buys, measured in the same run;
 *   naive          the same gateway with DataLoader batching switched off (GRAPHQL_BATCH_LOADS=false):
 *                  every relation loaded with its own statement per parent row, nothing else removed.
 * Every variant must return the same data (compared by SHA-256 of a normalized projection); the
 * purpose-bound variant too when its purpose shows every field of the page unfiltered (SERVICE
 * does), otherwise it is left out of that comparison, since masking and filtering is its job.
 */

const VARIANTS = ['floor', 'gateway', 'purpose-bound', 'interpreted', 'naive'] as const;
type Variant = (typeof VARIANTS)[number];
const BASELINE: Variant = 'floor';

interface RoundFigures {
  variant: Variant;
  clients: number;
  round: number;
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** MySQL's Questions delta (all connections on the server). */
  questions: number;
  /** Statements the server counted itself. */
  appStatements: number;
  bytes: number;
  /** CPU time of the server process (user + system), in ms. */
  serverCpuMs: number;
  /** CPU used by processes other than ours and the database's, in % of one CPU (noise). */
  otherCpuPct: number;
  /** Every latency of the round (pooled for the summary; left out of the JSON). */
  latenciesMs: number[];
}

interface Client {
  variant: Variant;
  server: ServerHandle;
  /** Sends one page request; resolves to the body text, throws on HTTP or GraphQL errors. */
  request(vars: PageVariables): Promise<string>;
}

export const readBench: BenchmarkDef = {
  name: 'read',
  description: 'a page of users with consents, disclosures, categories and recipients: floor vs gateway vs naive',
  options: {
    subjects: { default: 20000, tiny: 300, help: 'users seeded' },
    recipients: { default: 200, tiny: 40, help: 'recipients seeded' },
    consents: { default: 5, help: 'consents per user' },
    disclosures: { default: 10, help: 'disclosures per user' },
    events: { default: 0, help: 'collection events per user (not read; only table size)' },
    seed: { default: 20251129, help: 'seed of the demo data' },
    // --tiny uses small pages: the naive variant needs seconds for a page of 100 at 8 clients.
    page: { default: 100, tiny: 25, help: 'users per page in the load' },
    clients: { default: '1,8', help: 'concurrent clients, comma-separated' },
    rounds: { default: 5, tiny: 1, help: 'rounds per variant and client count' },
    duration: { default: 5, tiny: 1, help: 'seconds per round' },
    warmup: { default: 3, tiny: 0.5, help: 'seconds of warm-up per variant' },
    verify: { default: 12, tiny: 3, help: 'random pages compared across variants (plus first, last, empty)' },
    'stmt-pages': { default: 3, tiny: 2, help: 'pages per size for the statements-per-request check' },
    variants: { default: VARIANTS.join(','), help: 'which variants to run' },
    profile: { default: '', help: 'run this variant under node --cpu-prof and summarize it' },
    'gateway-flags': { default: '', help: 'extra node flags for the gateway process, space-separated after the serve flags every variant gets (e.g. --max-semi-space-size=64 to try another size)' },
    purpose: { default: 'SERVICE', help: `X-Purpose of the purpose-bound variant (${READ_PURPOSES.join(', ')})` },
  },
  run: runRead,
};

async function runRead(ctx: BenchContext): Promise<BenchReport> {
  const o = ctx.options;
  const variants = o.words('variants') as Variant[];
  for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant "${v}"; choose from ${VARIANTS.join(', ')}`);
  if (variants.length === 0) throw new Error('--variants is empty');
  const profileVariant = o.str('profile');
  if (profileVariant && !variants.includes(profileVariant as Variant)) throw new Error(`--profile ${profileVariant} is not among --variants`);
  const clientCounts = o.nums('clients');
  const pageSizeLoad = o.num('page');
  const subjects = o.num('subjects');
  const purpose = o.str('purpose');
  if (!isReadPurpose(purpose)) throw new Error(`--purpose must be one of ${READ_PURPOSES.join(', ')}`);

  const db = await createBenchDatabase('read');
  const servers: ServerHandle[] = [];
  let questions: QuestionsCounter | null = null;
  const profileDir = path.join(RESULTS_DIR, `tmp-profile-${process.pid}`);
  try {
    // ---- seed (deterministic: fixed seed and a fixed "now")
    ctx.log(`seeding ${subjects} users into ${db.config.mysql.database}`);
    const seedStart = performance.now();
    let seeded: DemoDataSummary;
    {
      const gateway = await Gateway.open(db.config, {}, () => undefined);
      try {
        seeded = await seedDemoData(gateway.dataSource, systemActor, {
          subjects,
          recipients: o.num('recipients'),
          consentsPerSubject: o.num('consents'),
          disclosuresPerSubject: o.num('disclosures'),
          collectionEventsPerSubject: o.num('events'),
          seed: o.num('seed'),
          now: new Date('2025-11-01T00:00:00Z'),
        });
        // Fresh index statistics, so the planner does not change its mind during the rounds.
        await gateway.dataSource.query('ANALYZE TABLE subjects, consents, disclosures, disclosure_categories, recipients, data_categories');
      } finally {
        await gateway.stop();
      }
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    ctx.log(`seeded in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(seeded)}`);
    const maxId = seeded.subjects;

    questions = await QuestionsCounter.open(db.config);

    // ---- servers, one child process each
    for (const variant of variants) {
      // Every variant runs with the serving process's V8 flags (package.json's serve script), so
      // the comparison is between code, not runtime settings.
      const execArgv = [...SERVE_NODE_FLAGS];
      if (variant === profileVariant) execArgv.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
      if (variant !== 'floor') execArgv.push(...o.str('gateway-flags').split(/\s+/).filter(Boolean));
      const env = variant === 'naive' ? { ...db.env, GRAPHQL_BATCH_LOADS: 'false' } : variant === 'interpreted' ? { ...db.env, GRAPHQL_EXECUTOR: 'interpreted' } : db.env;
      servers.push(
        await spawnServer({ name: variant, script: path.join(__dirname, 'read', 'serve.js'), args: [variant], env, execArgv, path: '/graphql' }),
      );
      ctx.log(`${variant} listening on ${servers[servers.length - 1]!.port} (pid ${servers[servers.length - 1]!.pid})`);
    }
    // Every variant gets the same body; only the gateways check the token. The unbound read uses
    // a role that is not purpose-bound; the purpose-bound one an APP token with X-Purpose.
    const unbound = signToken(db.config.auth.jwtSecret, 'bench-read', [Role.PRIVACY_OPS], 24 * 3600);
    const app = signToken(db.config.auth.jwtSecret, 'bench-read-app', [Role.APP], 24 * 3600, { purposes: [purpose] });
    const headersOf = (v: Variant): Record<string, string> =>
      v === 'purpose-bound'
        ? { 'content-type': 'application/json', authorization: `Bearer ${app}`, 'x-purpose': purpose }
        : { 'content-type': 'application/json', authorization: `Bearer ${unbound}` };
    const clients: Client[] = servers.map((server, i) => ({
      variant: variants[i]!,
      server,
      async request(vars) {
        const res = await fetch(server.url, { method: 'POST', headers: headersOf(variants[i]!), body: pageBody(vars) });
        const text = await res.text();
        // GraphQL puts "errors" before "data", so a clean answer starts with data (the floor writes the same shape).
        if (res.status !== 200 || !text.startsWith('{"data":')) throw new Error(`${variants[i]} answered HTTP ${res.status}: ${text.slice(0, 500)}`);
        return text;
      },
    }));

    // ---- identical data, or no benchmark
    const sameData = purposeShowsWholePage(purpose) ? clients : clients.filter((c) => c.variant !== 'purpose-bound');
    if (sameData.length < clients.length) ctx.log(`purpose-bound (${purpose}) masks or filters what the page asks for: left out of the identical-data check`);
    const verified = await verifySameData(sameData, maxId, pageSizeLoad, o.num('verify'));
    ctx.log(`verified ${verified.pages} pages: ${sameData.map((c) => c.variant).join(', ')} returned the same data`);

    // ---- statements per request for page sizes 10 and 100, one request at a time
    const stmtRows = await statementsByPageSize(clients, questions, maxId, o.num('stmt-pages'));

    // ---- warm-up (JIT, pools, buffer pool), at the highest client count
    for (const c of clients) {
      await closedLoop({ concurrency: Math.max(...clientCounts), durationMs: o.num('warmup') * 1000, startIndex: 50_000_000, op: async (i) => void (await c.request(pageAt(i, maxId, pageSizeLoad))) });
    }

    // ---- rounds: interleaved across variants (rotating the order) so drift hits all alike
    const rounds: RoundFigures[] = [];
    const peakRss = new Map<string, number | null>();
    const peakResettable = servers.every((s) => resetPeakRss(s.pid));
    const dbPid = findDatabasePid();
    const ourPids = [...servers.map((s) => s.pid), ...(dbPid === null ? [] : [dbPid])];
    for (const [ci, clientsN] of clientCounts.entries()) {
      for (const s of servers) resetPeakRss(s.pid);
      for (let r = 0; r < o.num('rounds'); r += 1) {
        for (let k = 0; k < clients.length; k += 1) {
          const c = clients[(k + r) % clients.length]!;
          const figures = await measureRound(c, questions, ourPids, {
            clients: clientsN,
            round: r,
            durationMs: o.num('duration') * 1000,
            // Same pages for every variant in a round; new pages for each round.
            startIndex: 1_000_000 * (r + 1) + 100_000 * ci,
            maxId,
            pageSize: pageSizeLoad,
          });
          rounds.push(figures);
          ctx.log(
            `${String(clientsN).padStart(2)} clients  round ${r + 1}  ${c.variant.padEnd(8)} ${figures.opsPerSec.toFixed(1).padStart(8)} req/s  ` +
              `p50 ${figures.p50Ms.toFixed(1)} ms  server CPU ${(figures.serverCpuMs / Math.max(1, figures.ops)).toFixed(1)} ms/req  other CPU ${figures.otherCpuPct.toFixed(0)}%`,
          );
        }
      }
      for (const s of servers) peakRss.set(`${s.name}:${clientsN}`, peakRssKb(s.pid));
    }

    // ---- stop the servers (a profiled one writes its profile on exit)
    while (servers.length > 0) await servers.pop()!.stop();

    return buildReport({ purpose, variants, clientCounts, rounds, stmtRows, peakRss, peakResettable, seeded, seedSeconds, verified, ctx, profileVariant, profileDir, questionsOverhead: questions.overhead });
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    await questions?.close().catch(() => undefined);
    await db.drop();
  }
}

/** Fetches the same pages from every variant and compares hashes; throws on the first difference. */
/** True when the purpose shows, unfiltered, every field PAGE_QUERY asks for: then it must return the floor's data. */
function purposeShowsWholePage(purpose: ReadPurpose): boolean {
  const rule = READ_PURPOSE_RULES[purpose];
  return !rule.requiresConsent && !rule.honoursGpcOptOut && rule.fields.includes('name') && rule.fields.includes('email') && rule.relations.includes('consents') && rule.relations.includes('disclosures');
}

async function verifySameData(clients: Client[], maxId: number, pageSize: number, randomPages: number): Promise<{ pages: number; hashes: Record<string, string>; variants: Variant[] }> {
  const pages: PageVariables[] = [
    { first: pageSize, after: null },
    { first: pageSize, after: encodeIdCursor(Math.max(1, maxId - Math.ceil(pageSize / 3))) },
    { first: pageSize, after: encodeIdCursor(maxId) },
    ...Array.from({ length: randomPages }, (_, i) => pageAt(i, maxId, pageSize)),
  ];
  const hashes: Record<string, string> = {};
  for (const vars of pages) {
    const bodies = await Promise.all(clients.map(async (c) => JSON.parse(await c.request(vars)) as PageResponse));
    const [ref, ...rest] = bodies.map((b, i) => ({ variant: clients[i]!.variant, body: b, hash: pageHash(b) }));
    for (const other of rest) {
      if (other.hash !== ref!.hash) {
        const where = firstDifference(normalizePage(ref!.body), normalizePage(other.body));
        throw new Error(
          `${ref!.variant} and ${other.variant} return different data for ${JSON.stringify(vars)}:\n` +
            `  sha256 ${ref!.hash} vs ${other.hash}\n  first difference: ${where}`,
        );
      }
    }
    hashes[`${vars.first}:${vars.after ?? ''}`] = ref!.hash;
  }
  return { pages: pages.length, hashes, variants: clients.map((c) => c.variant) };
}

interface StmtRow {
  variant: Variant;
  pageSize: number;
  /** Per request, one value per page measured. */
  app: number[];
  questions: number[];
}

/** Statements per request, for pages of 10 and of 100 users, one request at a time. */
async function statementsByPageSize(clients: Client[], questions: QuestionsCounter, maxId: number, pagesPerSize: number): Promise<StmtRow[]> {
  const rows: StmtRow[] = [];
  for (const c of clients) {
    for (const size of [10, 100]) {
      const row: StmtRow = { variant: c.variant, pageSize: size, app: [], questions: [] };
      for (let k = 0; k < pagesPerSize; k += 1) {
        // Full pages only, spread over the id range.
        const afterId = Math.floor(((k + 0.5) * Math.max(1, maxId - size - 1)) / pagesPerSize);
        const before = await c.server.stats();
        const stop = await questions.start();
        await c.request({ first: size, after: afterId === 0 ? null : encodeIdCursor(afterId) });
        row.questions.push(await stop());
        row.app.push((await c.server.stats()).statements - before.statements);
      }
      rows.push(row);
    }
  }
  return rows;
}

async function measureRound(
  c: Client,
  questions: QuestionsCounter,
  ourPids: number[],
  opts: { clients: number; round: number; durationMs: number; startIndex: number; maxId: number; pageSize: number },
): Promise<RoundFigures> {
  let bytes = 0;
  const before: ServerStats = await c.server.stats();
  const ticks0 = processTicks(c.server.pid);
  const stop = await questions.start();
  const { result: load, otherCpuPct } = await cpuOfOthers(ourPids, () =>
    closedLoop({
      concurrency: opts.clients,
      durationMs: opts.durationMs,
      startIndex: opts.startIndex,
      op: async (i) => {
        // Awaited first: `bytes += await …` reads `bytes` before the await and loses the other clients' additions.
        const body = await c.request(pageAt(i, opts.maxId, opts.pageSize));
        bytes += body.length;
      },
    }),
  );
  const q = await stop();
  const serverCpuMs = ((processTicks(c.server.pid) - ticks0) * 1000) / TICKS_PER_SECOND;
  const after = await c.server.stats();
  return {
    variant: c.variant,
    clients: opts.clients,
    round: opts.round,
    ops: load.ops,
    elapsedMs: load.elapsedMs,
    opsPerSec: load.opsPerSec,
    p50Ms: percentile(load.latenciesMs, 50),
    p99Ms: percentile(load.latenciesMs, 99),
    questions: q,
    appStatements: after.statements - before.statements,
    bytes,
    serverCpuMs,
    otherCpuPct,
    latenciesMs: load.latenciesMs,
  };
}

function buildReport(a: {
  purpose: ReadPurpose;
  variants: Variant[];
  clientCounts: number[];
  rounds: RoundFigures[];
  stmtRows: StmtRow[];
  peakRss: Map<string, number | null>;
  peakResettable: boolean;
  seeded: DemoDataSummary;
  seedSeconds: number;
  verified: { pages: number; hashes: Record<string, string>; variants: Variant[] };
  ctx: BenchContext;
  profileVariant: string;
  profileDir: string;
  questionsOverhead: number;
}): BenchReport {
  const o = a.ctx.options;
  const baseline = a.variants.includes(BASELINE) ? BASELINE : a.variants[0]!;
  interface Row {
    variant: Variant;
    clients: number;
    reqPerSec: number;
    spreadPct: number;
    ratio: number;
    /** Throughput over the unbound gateway read's at the same client count (null without it). */
    ratioGateway: number | null;
    p50Ms: number;
    p99Ms: number;
    stmtQuestions: number;
    stmtApp: number;
    peakRssMb: number | null;
    kbPerResponse: number;
    ops: number;
    cpuMsPerOp: number;
    otherCpuPct: number;
  }
  const rows: Row[] = [];
  for (const clients of a.clientCounts) {
    const base = median(a.rounds.filter((r) => r.variant === baseline && r.clients === clients).map((r) => r.opsPerSec));
    const gatewayRounds = a.rounds.filter((r) => r.variant === 'gateway' && r.clients === clients);
    const gatewayRps = gatewayRounds.length ? median(gatewayRounds.map((r) => r.opsPerSec)) : null;
    for (const variant of a.variants) {
      const rs = a.rounds.filter((r) => r.variant === variant && r.clients === clients);
      const ops = rs.reduce((s, r) => s + r.ops, 0);
      const rps = median(rs.map((r) => r.opsPerSec));
      const peak = a.peakRss.get(`${variant}:${clients}`) ?? null;
      rows.push({
        variant,
        clients,
        reqPerSec: round(rps, 1),
        spreadPct: round(100 * spread(rs.map((r) => r.opsPerSec)), 0),
        ratio: round(rps / base, 3),
        ratioGateway: gatewayRps ? round(rps / gatewayRps, 3) : null,
        // Over every request of every round.
        p50Ms: round(percentile(rs.flatMap((r) => r.latenciesMs), 50), 1),
        p99Ms: round(percentile(rs.flatMap((r) => r.latenciesMs), 99), 1),
        stmtQuestions: round(rs.reduce((s, r) => s + r.questions, 0) / ops, 2),
        stmtApp: round(rs.reduce((s, r) => s + r.appStatements, 0) / ops, 2),
        peakRssMb: peak === null ? null : round(peak / 1024, 0),
        kbPerResponse: round(rs.reduce((s, r) => s + r.bytes, 0) / ops / 1024, 1),
        ops,
        cpuMsPerOp: round(rs.reduce((s, r) => s + r.serverCpuMs, 0) / ops, 1),
        otherCpuPct: round(median(rs.map((r) => r.otherCpuPct)), 0),
      });
    }
  }
  const table: Table = {
    title: `read: pages of ${o.num('page')} users (consents, 10 disclosures with categories and recipient), ${o.num('rounds')} rounds × ${o.num('duration')} s, median req/s`,
    columns: [
      { key: 'variant', title: 'variant', align: 'left' },
      { key: 'clients', title: 'clients' },
      { key: 'reqPerSec', title: 'req/s' },
      { key: 'spread', title: '±%' },
      { key: 'ratio', title: `×${baseline}` },
      { key: 'ratioGateway', title: '×gateway' },
      { key: 'p50Ms', title: 'p50 ms' },
      { key: 'p99Ms', title: 'p99 ms' },
      { key: 'cpuMsPerOp', title: 'server CPU ms/req' },
      { key: 'stmtQuestions', title: 'stmt/op (MySQL)' },
      { key: 'stmtApp', title: 'stmt/op (app)' },
      { key: 'peakRssMb', title: 'peak RSS MB' },
      { key: 'kbPerResponse', title: 'KB/resp' },
      { key: 'ops', title: 'requests' },
      { key: 'otherCpuPct', title: 'other CPU %' },
    ],
    rows: rows.map((r): Record<string, Cell> => ({ ...r, spread: r.spreadPct, ratio: r.ratio.toFixed(3), ratioGateway: r.ratioGateway === null ? '' : r.ratioGateway.toFixed(3) })),
  };

  const stmtTable: Table = {
    title: 'statements per request by page size (one request at a time; median over pages)',
    columns: [
      { key: 'variant', title: 'variant', align: 'left' },
      { key: 'pageSize', title: 'users/page' },
      { key: 'app', title: 'stmt (app)' },
      { key: 'questions', title: 'stmt (MySQL)' },
    ],
    rows: a.stmtRows.map((r) => ({ variant: r.variant, pageSize: r.pageSize, app: median(r.app), questions: median(r.questions) })),
  };

  // ---- targets
  const targets: Target[] = [];
  const stmt = (v: Variant, size: number) => a.stmtRows.find((r) => r.variant === v && r.pageSize === size);
  const g10 = stmt('gateway', 10);
  const g100 = stmt('gateway', 100);
  if (g10 && g100) {
    const ten = Math.max(...g10.app);
    const hundred = Math.max(...g100.app);
    targets.push({
      name: 'gateway statements per request equal for 10 and 100 users, at most 6',
      status: Math.min(...g10.app) === ten && Math.min(...g100.app) === hundred && ten === hundred && hundred <= 6 ? 'PASS' : 'FAIL',
      detail: `TypeORM counter ${g10.app.join('/')} for 10, ${g100.app.join('/')} for 100; MySQL Questions ${g10.questions.join('/')} and ${g100.questions.join('/')}`,
    });
  } else targets.push({ name: 'gateway statements per request', status: 'SKIP', detail: 'gateway not run' });
  const p10 = stmt('purpose-bound', 10);
  const p100 = stmt('purpose-bound', 100);
  if (p10 && p100 && g100) {
    const ten = Math.max(...p10.app);
    const hundred = Math.max(...p100.app);
    const unbound = Math.max(...g100.app);
    targets.push({
      name: 'purpose-bound statements per request equal for 10 and 100 users, at most 2 above the unbound gateway',
      status: Math.min(...p10.app) === ten && Math.min(...p100.app) === hundred && ten === hundred && hundred <= unbound + 2 ? 'PASS' : 'FAIL',
      detail: `TypeORM counter ${p10.app.join('/')} for 10, ${p100.app.join('/')} for 100 (gateway ${unbound}; the access-log INSERT is shared by the requests of a batch, one each when they come one at a time)`,
    });
  } else targets.push({ name: 'purpose-bound statements per request', status: 'SKIP', detail: 'needs gateway and purpose-bound' });
  const row = (v: Variant, clients: number) => rows.find((r) => r.variant === v && r.clients === clients);
  for (const clients of a.clientCounts) {
    const g = row('gateway', clients);
    const pb = row('purpose-bound', clients);
    const name = `purpose-bound ≥ 0.8× the unbound gateway at ${clients} client${clients === 1 ? '' : 's'}`;
    if (g && pb)
      targets.push(measuredTarget(name, { value: round(pb.reqPerSec / g.reqPerSec, 3), atLeast: 0.8 }, `${pb.reqPerSec} vs ${g.reqPerSec} req/s = ${(pb.reqPerSec / g.reqPerSec).toFixed(3)}× (purpose ${a.purpose})`));
    else targets.push({ name, status: 'SKIP', detail: 'needs gateway and purpose-bound' });
  }
  // Issue 23: at least half the floor's throughput with 8 clients, 0.4× with one.
  for (const [clients, share] of [[8, 0.5], [1, 0.4]] as const) {
    const g = row('gateway', clients);
    const f = row('floor', clients);
    const name = `gateway ≥ ${share}× floor throughput at ${clients} client${clients === 1 ? '' : 's'}`;
    if (g && f) targets.push(measuredTarget(name, { value: round(g.reqPerSec / f.reqPerSec, 3), atLeast: share }, `${g.reqPerSec} vs ${f.reqPerSec} req/s = ${(g.reqPerSec / f.reqPerSec).toFixed(3)}×`));
    else targets.push({ name, status: 'SKIP', detail: `needs floor, gateway and ${clients} client${clients === 1 ? '' : 's'}` });
  }
  // Not a target of the issue: the evidence for the compiled executor (README, "How a query is executed").
  for (const clients of a.clientCounts) {
    const g = row('gateway', clients);
    const i = row('interpreted', clients);
    const name = `compiled gateway faster than the interpreted one at ${clients} client${clients === 1 ? '' : 's'}`;
    if (g && i) targets.push(measuredTarget(name, { value: round(g.reqPerSec / i.reqPerSec, 3), atLeast: 1 }, `${g.reqPerSec} vs ${i.reqPerSec} req/s = ${(g.reqPerSec / i.reqPerSec).toFixed(2)}×; server CPU ${g.cpuMsPerOp} vs ${i.cpuMsPerOp} ms/req`));
    else targets.push({ name, status: 'SKIP', detail: 'needs gateway and interpreted' });
  }
  for (const clients of a.clientCounts) {
    const g = row('gateway', clients);
    const n = row('naive', clients);
    const name = `naive ≥ 10× slower than gateway at ${clients} client${clients === 1 ? '' : 's'}`;
    if (g && n) targets.push(measuredTarget(name, { value: round(g.reqPerSec / n.reqPerSec, 3), atLeast: 10 }, `gateway ${g.reqPerSec} vs naive ${n.reqPerSec} req/s = ${(g.reqPerSec / n.reqPerSec).toFixed(1)}×`));
    else targets.push({ name, status: 'SKIP', detail: 'needs gateway and naive' });
  }

  const notes = [
    `data: ${JSON.stringify(a.seeded)} (seed ${o.num('seed')}, seeded in ${a.seedSeconds.toFixed(1)} s); ${a.verified.pages} pages returned identical data (SHA-256 of the normalized projection) from ${a.verified.variants.join(', ')}`,
    `purpose-bound: APP token with X-Purpose ${a.purpose}; ×gateway column = its throughput over the unbound gateway read's; stmt/op includes its share of the access-log INSERTs`,
    `servers run in child processes; peak RSS is the kernel's VmHWM from /proc/<pid>/status, ${a.peakResettable ? 'reset (clear_refs) before each client count, so it is the peak while serving that load' : 'since process start (clear_refs not writable)'}`,
    `stmt/op (MySQL) is the SHOW GLOBAL STATUS 'Questions' delta per request (${a.questionsOverhead} for each SHOW subtracted; other connections to the server add noise); stmt/op (app) is TypeORM's StatementCounter for gateway and naive, and the floor's own count`,
    'server CPU ms/req is the serving process\'s user+system CPU time (/proc/<pid>/stat) per request: steadier than req/s on a busy machine, and it excludes the database and the client',
    `other CPU % is CPU used during the rounds by processes other than the bench, its servers and the database server (median over rounds, % of one CPU of ${os.cpus().length}): load from elsewhere that skews the figures`,
    `every server runs with the serve script's node flags (${SERVE_NODE_FLAGS.join(' ')}, src/ops/node-flags.ts)${o.str('gateway-flags') ? `; the gateways also with ${o.str('gateway-flags')}` : ''}`,
    'clients: node fetch with keep-alive in the parent process, closed loop; ±% is half the spread of the rounds relative to their median; p50/p99 are over every request of every round',
  ];

  const tables = [table, stmtTable];
  let profile: ReturnType<typeof summarizeProfile> | null = null;
  if (a.profileVariant) {
    const file = newestProfile(a.profileDir);
    if (file) {
      profile = summarizeProfile(file, 25);
      tables.push(...profileTables(`${a.profileVariant} CPU profile (${path.relative(process.cwd(), file)})`, profile));
      notes.push(`CPU profile of ${a.profileVariant}: ${file} (covers start-up, verification, warm-up and every round)`);
    } else notes.push(`no CPU profile found in ${a.profileDir}`);
  }

  return {
    tables,
    targets,
    notes,
    scratch: Boolean(a.profileVariant || o.str('gateway-flags')),
    figures: {
      baseline,
      seeded: a.seeded,
      seedSeconds: round(a.seedSeconds, 1),
      verified: a.verified,
      summary: rows,
      statementsByPageSize: a.stmtRows,
      rounds: a.rounds.map(({ latenciesMs: _omit, ...r }) => ({
        ...r,
        elapsedMs: round(r.elapsedMs, 0),
        opsPerSec: round(r.opsPerSec, 2),
        p50Ms: round(r.p50Ms, 2),
        p99Ms: round(r.p99Ms, 2),
        otherCpuPct: round(r.otherCpuPct, 0),
      })),
      memory: { method: 'child process VmHWM (/proc/<pid>/status)', resetPerClientCount: a.peakResettable },
      questionsOverheadPerShow: a.questionsOverhead,
      profile,
    },
  };
}
