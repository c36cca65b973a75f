import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import type { Config } from '../../src/config';
import { prng } from '../../src/demo-data';
import { CALIFORNIA_REGION } from '../../src/domain/shine-the-light';
import { DisclosurePurpose as P, RecipientKind as K } from '../../src/entities/enums';

/**
 * Bulk seeding for the notices benchmark: subjects, recipients, disclosures and their
 * categories, written as multi-row INSERTs of literal values (no per-value escaping on the
 * hot path) over two connections with foreign key and unique checks off, so that 2M
 * disclosures load in about a minute. Deterministic for a seed. Disclosures are an append-only
 * log: ids grow with occurred_at. Category rows carry their disclosure's subject_id: a batch of
 * them may land before its disclosures, and the insert trigger (migration 1766000400000) then
 * keeps the value given.
 *
 * While generating, it keeps the expected notice (statutory categories and recipient ids of the
 * covered year) of a sample of California subjects: a third answer, independent of both the
 * gateway and the floor's SQL, computed from what was written.
 */

export interface SeedOptions {
  subjects: number;
  disclosures: number;
  recipients: number;
  /** Share of subjects living in California (the rest live elsewhere and get no notice). */
  californiaShare: number;
  seed: number;
  /** Rows per INSERT. */
  batch: number;
  /** Disclosures fall in [from, to). */
  from: Date;
  to: Date;
  /** The covered year's [start, end): what the sample's expected notices count. */
  covered: { start: Date; end: Date };
  /** California subjects whose expected notice is kept. */
  sampleSize: number;
}

export interface Expected {
  /** Statutory labels (unordered). */
  categories: Set<string>;
  recipientIds: Set<number>;
}

export interface SeedResult {
  subjects: number;
  californiaSubjects: number;
  recipients: number;
  disclosures: number;
  disclosureCategories: number;
  /** Disclosures that qualify (covered year, identifiable, direct marketing, third party or affiliate). */
  qualifyingDisclosures: number;
  statements: number;
  seconds: { subjects: number; recipients: number; disclosures: number; analyze: number };
  /** Expected notice per sampled subject id (subjects with none are present with empty sets). */
  expected: Map<number, Expected>;
  recipientKinds: Record<string, number>;
}

// ---- the mix ---------------------------------------------------------------------------------

/** Share of disclosures by recipient kind. */
const KIND_MIX: [K, number][] = [
  [K.AGENT, 0.4],
  [K.THIRD_PARTY, 0.22],
  [K.PARTNER, 0.15],
  [K.ACQUIRER, 0.1],
  [K.AFFILIATE, 0.08],
  [K.AUTHORITY, 0.05],
];
/** Share of recipients (rows in `recipients`) by kind. */
const RECIPIENT_MIX: [K, number][] = [
  [K.THIRD_PARTY, 0.35],
  [K.AGENT, 0.25],
  [K.AFFILIATE, 0.1],
  [K.PARTNER, 0.15],
  [K.AUTHORITY, 0.05],
  [K.ACQUIRER, 0.1],
];
/**
 * Purposes by kind. Traps on purpose: agents sending the company's own marketing, partners and
 * acquirers with a marketing purpose (not covered kinds), third parties and affiliates for
 * transactions (not marketing).
 */
const PURPOSE_MIX: Record<K, [P, number][]> = {
  [K.THIRD_PARTY]: [[P.DIRECT_MARKETING, 0.7], [P.TRANSACTION, 0.2], [P.SERVICE_PROVISION, 0.1]],
  [K.AFFILIATE]: [[P.DIRECT_MARKETING, 0.5], [P.TRANSACTION, 0.5]],
  [K.AGENT]: [[P.SERVICE_PROVISION, 0.6], [P.TRANSACTION, 0.25], [P.DIRECT_MARKETING, 0.15]],
  [K.PARTNER]: [[P.AGGREGATE_ANALYTICS, 0.9], [P.DIRECT_MARKETING, 0.1]],
  [K.AUTHORITY]: [[P.LEGAL_COMPLIANCE, 1]],
  [K.ACQUIRER]: [[P.BUSINESS_TRANSFER, 0.9], [P.DIRECT_MARKETING, 0.1]],
};
/** Share of disclosures that identify the person, by kind. */
const IDENTIFIABLE: Record<K, number> = { [K.THIRD_PARTY]: 0.95, [K.AFFILIATE]: 0.97, [K.AGENT]: 0.97, [K.PARTNER]: 0.1, [K.AUTHORITY]: 1, [K.ACQUIRER]: 1 };
/** Categories a disclosure may carry, by purpose; several have no statutory label (IP, cookies, device). */
const CATEGORY_POOL: Record<P, string[]> = {
  [P.DIRECT_MARKETING]: ['user.name', 'user.contact.email', 'user.contact.address', 'user.contact.phone_number', 'user.demographic.date_of_birth', 'user.demographic.age_range', 'user.device.cookie_id', 'user.device.ip_address'],
  [P.TRANSACTION]: ['user.name', 'user.contact.email', 'user.financial.credit_card', 'user.contact.address'],
  [P.SERVICE_PROVISION]: ['user.contact.email', 'user.device.ip_address', 'user.device.device_id', 'user.device'],
  [P.AGGREGATE_ANALYTICS]: ['user.behavior.browsing_history', 'user.location.imprecise', 'user.device'],
  [P.LEGAL_COMPLIANCE]: ['user.name', 'user.contact.email', 'user.device.ip_address'],
  [P.BUSINESS_TRANSFER]: ['user.name', 'user.contact.email', 'user.contact.address', 'user.contact.phone_number'],
};
const COVERED = new Set<K>([K.THIRD_PARTY, K.AFFILIATE]);

const FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jamal', 'Kara', 'Liam', 'Maya', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq'];
const LAST = ['Alvarez', 'Brown', 'Chen', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Kowalski', 'Lopez', 'Miller', 'Nguyen', 'Okafor', 'Patel'];
const CA_CITIES = ['San Francisco', 'Los Angeles', 'San Diego', 'Sacramento', 'Fresno', 'Oakland'];
const ELSEWHERE: [string, string, string][] = [['US-NY', 'US', 'New York'], ['US-TX', 'US', 'Austin'], ['US-WA', 'US', 'Seattle'], ['US-OR', 'US', 'Portland'], ['CA-ON', 'CA', 'Toronto'], ['GB-ENG', 'GB', 'London']];
/** Third-party names that make the business clear (no description needed) and ones that do not. */
const CLEAR_BUSINESS = ['Travel Deals', 'Outdoor Gear Catalog', 'Wine Club', 'Magazine Subscriptions', 'Pet Supplies', 'Home Insurance Quotes'];
const VAGUE = ['Holdings', 'Group', 'Ventures', 'Partners', 'Media', 'Labs'];
const DESCRIPTIONS = ['Outdoor gear and travel offers by mail and email', 'Home and auto insurance products', 'Consumer electronics and accessories', 'Magazine and newspaper subscriptions', 'Credit card and banking offers'];

// ---- helpers ---------------------------------------------------------------------------------

function weighted<T>(rnd: () => number, mix: [T, number][]): T {
  let x = rnd() * mix.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of mix) if ((x -= w) < 0) return v;
  return mix[mix.length - 1]![0];
}

/** DATETIME(3) literal in UTC (the gateway's DataSource uses timezone 'Z'). */
export const utcTime = (at: Date | number): string => new Date(at).toISOString().slice(0, 23).replace('T', ' ');
const sqlTime = (ms: number): string => `'${utcTime(ms)}'`;
const str = (v: string | null): string => mysql.escape(v);
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Up to `inFlight` INSERTs at once, one per connection; waits when all are busy. */
class Writer {
  private readonly busy = new Set<Promise<void>>();
  private readonly idle: mysql.Connection[] = [];
  statements = 0;

  private constructor(private readonly conns: mysql.Connection[]) {
    this.idle.push(...conns);
  }

  static async open(config: Config, inFlight: number): Promise<Writer> {
    const conns: mysql.Connection[] = [];
    for (let i = 0; i < inFlight; i += 1) {
      const c = await mysql.createConnection({ host: config.mysql.host, port: config.mysql.port, user: config.mysql.user, password: config.mysql.password, database: config.mysql.database });
      // This connection only: the rows are generated consistent, so checks would only cost time.
      await c.query('SET FOREIGN_KEY_CHECKS = 0, UNIQUE_CHECKS = 0');
      conns.push(c);
    }
    return new Writer(conns);
  }

  async insert(table: string, columns: string, tuples: string[]): Promise<void> {
    if (tuples.length === 0) return;
    while (this.idle.length === 0) await Promise.race(this.busy);
    const conn = this.idle.pop()!;
    const sql = `INSERT INTO ${table} (${columns}) VALUES ${tuples.join(',')}`;
    this.statements += 1;
    const p: Promise<void> = conn.query(sql).then(
      () => {
        this.busy.delete(p);
        this.idle.push(conn);
      },
      (err: unknown) => {
        this.busy.delete(p);
        this.idle.push(conn);
        throw err;
      },
    );
    this.busy.add(p);
    // Failures surface in drain() (or in the race above); never unhandled.
    p.catch(() => undefined);
  }

  async drain(): Promise<void> {
    const results = await Promise.allSettled([...this.busy]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async close(): Promise<void> {
    await Promise.all(this.conns.map((c) => c.end().catch(() => undefined)));
  }
}

// ---- seeding ---------------------------------------------------------------------------------

export async function seedNotices(config: Config, o: SeedOptions, statutoryOf: Map<string, string | null>): Promise<SeedResult> {
  const rnd = prng(o.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const writer = await Writer.open(config, 2);
  const seconds = { subjects: 0, recipients: 0, disclosures: 0, analyze: 0 };
  const coveredStart = o.covered.start.getTime();
  const coveredEnd = o.covered.end.getTime();
  try {
    // -- recipients
    let t = performance.now();
    const kinds: K[] = [];
    const byKind = new Map<K, number[]>();
    const recipientTuples: string[] = [];
    const recipientKinds: Record<string, number> = {};
    for (let id = 1; id <= o.recipients; id += 1) {
      // Every kind at least once, then by the mix.
      const kind = id <= RECIPIENT_MIX.length ? RECIPIENT_MIX[id - 1]![0] : weighted(rnd, RECIPIENT_MIX);
      kinds[id] = kind;
      byKind.set(kind, [...(byKind.get(kind) ?? []), id]);
      recipientKinds[kind] = (recipientKinds[kind] ?? 0) + 1;
      const clear = rnd() < 0.5;
      const name = kind === K.THIRD_PARTY || kind === K.AFFILIATE
        ? `${pick(LAST)} ${clear ? pick(CLEAR_BUSINESS) : pick(VAGUE)} ${pad(id, 4)}${kind === K.AFFILIATE ? ' (affiliate)' : ''}, Inc.`
        : `${kind.charAt(0)}${kind.slice(1).toLowerCase().replace('_', ' ')} ${pad(id, 4)} LLC`;
      const description = (kind === K.THIRD_PARTY || kind === K.AFFILIATE) && !clear ? pick(DESCRIPTIONS) : null;
      const purposes = PURPOSE_MIX[kind].map(([p]) => p).sort().join(',');
      recipientTuples.push(
        `(${id},'${kind}',${str(name)},${str(`${100 + (id % 800)} Market St, Suite ${id}, San Francisco, CA 94105, USA`)},${str(`privacy@recipient${id}.example`)},${str(description)},'${purposes}','CTR-${pad(id, 5)}')`,
      );
    }
    for (const [kind] of KIND_MIX) if (!byKind.has(kind)) throw new Error(`--recipients ${o.recipients} leaves no ${kind}`);
    for (let i = 0; i < recipientTuples.length; i += o.batch)
      await writer.insert('recipients', 'id,kind,name,postal_address,email,business_description,allowed_purposes,contract_reference', recipientTuples.slice(i, i + o.batch));
    await writer.drain();
    seconds.recipients = (performance.now() - t) / 1000;

    // -- subjects
    t = performance.now();
    const californiaIds: number[] = [];
    let tuples: string[] = [];
    for (let id = 1; id <= o.subjects; id += 1) {
      const ca = rnd() < o.californiaShare;
      const [region, country, city] = ca ? [CALIFORNIA_REGION, 'US', pick(CA_CITIES)] : pick(ELSEWHERE);
      if (ca) californiaIds.push(id);
      const first = pick(FIRST);
      const last = pick(LAST);
      // A few have no email: their notice goes by post (no outbox message).
      const email = rnd() < 0.03 ? null : `${first.toLowerCase()}.${last.toLowerCase()}.${id}@example.com`;
      const created = sqlTime(o.from.getTime() - Math.floor(rnd() * 365 * 86400_000));
      tuples.push(
        `(${id},'${first} ${last}',${email === null ? 'NULL' : `'${email}'`},'+1415${pad(id % 10_000_000, 7)}','${1 + Math.floor(rnd() * 9000)} ${pick(LAST)} Ave','${city}','${pad(Math.floor(rnd() * 99999), 5)}','${region}','${country}','${1950 + Math.floor(rnd() * 55)}-${pad(1 + Math.floor(rnd() * 12), 2)}-${pad(1 + Math.floor(rnd() * 28), 2)}','ACTIVE','CONTACT_FORM',${created},${created})`,
      );
      if (tuples.length >= o.batch) {
        await writer.insert('subjects', 'id,name,email,phone,street_address,city,postal_code,region,country,birth_date,status,source,created_at,updated_at', tuples);
        tuples = [];
      }
    }
    await writer.insert('subjects', 'id,name,email,phone,street_address,city,postal_code,region,country,birth_date,status,source,created_at,updated_at', tuples);
    await writer.drain();
    seconds.subjects = (performance.now() - t) / 1000;

    // -- the sample whose expected notices are kept (California subjects, drawn without replacement)
    const expected = new Map<number, Expected>();
    const pool = [...californiaIds];
    for (let i = 0; i < Math.min(o.sampleSize, pool.length); i += 1) {
      const j = i + Math.floor(rnd() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      expected.set(pool[i]!, { categories: new Set(), recipientIds: new Set() });
    }

    // -- disclosures and their categories, in time order
    t = performance.now();
    const from = o.from.getTime();
    const span = o.to.getTime() - from;
    let dTuples: string[] = [];
    let cTuples: string[] = [];
    let categoryRows = 0;
    let qualifying = 0;
    for (let id = 1; id <= o.disclosures; id += 1) {
      const subjectId = 1 + Math.floor(rnd() * o.subjects);
      const kind = weighted(rnd, KIND_MIX);
      const recipientId = pick(byKind.get(kind)!);
      const purpose = weighted(rnd, PURPOSE_MIX[kind]);
      const identifiable = rnd() < IDENTIFIABLE[kind];
      // Half the de-identified ones still carry the subject (a trap for the identifiable filter).
      const subjectCol = identifiable || rnd() < 0.5 ? subjectId : null;
      const at = from + Math.floor(((id - 1 + rnd()) / o.disclosures) * span);
      dTuples.push(`(${id},${subjectCol ?? 'NULL'},${recipientId},'${purpose}',${identifiable ? 1 : 0},${sqlTime(at)},'bench')`);

      const pool = CATEGORY_POOL[purpose];
      const n = 1 + Math.floor(rnd() * Math.min(4, pool.length));
      const start = Math.floor(rnd() * pool.length);
      const qualifies = identifiable && subjectCol !== null && purpose === P.DIRECT_MARKETING && COVERED.has(kind) && at >= coveredStart && at < coveredEnd;
      if (qualifies) qualifying += 1;
      const exp = qualifies ? expected.get(subjectId) : undefined;
      for (let k = 0; k < n; k += 1) {
        const key = pool[(start + k) % pool.length]!;
        cTuples.push(`(${id},'${key}',${subjectCol ?? 'NULL'})`);
        const label = statutoryOf.get(key);
        if (label === undefined) throw new Error(`data category ${key} is not in data_categories`);
        if (exp && label !== null) {
          exp.categories.add(label);
          exp.recipientIds.add(recipientId);
        }
      }
      categoryRows += n;

      if (dTuples.length >= o.batch) {
        await writer.insert('disclosures', 'id,subject_id,recipient_id,purpose,identifiable,occurred_at,recorded_by', dTuples);
        dTuples = [];
      }
      if (cTuples.length >= o.batch) {
        await writer.insert('disclosure_categories', 'disclosure_id,category_key,subject_id', cTuples);
        cTuples = [];
      }
    }
    await writer.insert('disclosures', 'id,subject_id,recipient_id,purpose,identifiable,occurred_at,recorded_by', dTuples);
    await writer.insert('disclosure_categories', 'disclosure_id,category_key,subject_id', cTuples);
    await writer.drain();
    seconds.disclosures = (performance.now() - t) / 1000;

    // Fresh index statistics, so the planner sees the real table sizes.
    t = performance.now();
    const conn = await mysql.createConnection({ host: config.mysql.host, port: config.mysql.port, user: config.mysql.user, password: config.mysql.password, database: config.mysql.database });
    try {
      await conn.query('ANALYZE TABLE subjects, recipients, disclosures, disclosure_categories, data_categories');
    } finally {
      await conn.end();
    }
    seconds.analyze = (performance.now() - t) / 1000;

    return {
      subjects: o.subjects,
      californiaSubjects: californiaIds.length,
      recipients: o.recipients,
      disclosures: o.disclosures,
      disclosureCategories: categoryRows,
      qualifyingDisclosures: qualifying,
      statements: writer.statements + 1,
      seconds,
      expected,
      recipientKinds,
    };
  } finally {
    await writer.close();
  }
}
