import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from './domain/actor';
import { appendAudit } from './domain/audit.service';
import { personalColumns, type PersonalColumnOf } from './domain/personal-data.catalogue';
import { ConsentSource, ConsentStatus, DisclosurePurpose, PurposeKey, RecipientKind } from './entities/enums';

/**
 * Realistic synthetic data, deterministic for a seed: subjects, consents with history,
 * collection events, recipients of every kind, and disclosures spread over this and the
 * previous calendar year. Written with multi-row inserts so that benchmarks can seed fast.
 * Every generated disclosure is one the policy allows.
 */
export interface DemoDataOptions {
  subjects: number;
  recipients?: number;
  consentsPerSubject?: number;
  disclosuresPerSubject?: number;
  collectionEventsPerSubject?: number;
  seed?: number;
  now?: Date;
}

export interface DemoDataSummary {
  subjects: number;
  recipients: number;
  consents: number;
  consentEvents: number;
  collectionEvents: number;
  disclosures: number;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ana', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jamal', 'Kara', 'Liam', 'Maya', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq'];
const LAST = ['Alvarez', 'Brown', 'Chen', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jensen', 'Kowalski', 'Lopez', 'Miller', 'Nguyen', 'Okafor', 'Patel'];
const REGIONS: [string, string, string][] = [
  ['US-CA', 'US', 'San Francisco'], ['US-CA', 'US', 'Los Angeles'], ['US-CA', 'US', 'San Diego'], ['US-NY', 'US', 'New York'],
  ['US-TX', 'US', 'Austin'], ['US-WA', 'US', 'Seattle'], ['US-IL', 'US', 'Chicago'], ['CA-ON', 'CA', 'Toronto'],
  ['GB-ENG', 'GB', 'London'], ['DE-BE', 'DE', 'Berlin'],
];
const PAGES = ['/', '/pricing', '/contact', '/blog/privacy', '/products/a', '/products/b', '/account', '/support'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0; rv:131.0) Gecko/20100101 Firefox/131.0',
  'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36',
];
const PURPOSES = Object.values(PurposeKey);

interface RecipientSpec {
  kind: RecipientKind;
  purposes: DisclosurePurpose[];
  categories: string[];
  description: string | null;
}

const RECIPIENT_SPECS: RecipientSpec[] = [
  { kind: RecipientKind.THIRD_PARTY, purposes: [DisclosurePurpose.DIRECT_MARKETING], categories: ['user.name', 'user.contact.email', 'user.contact.address'], description: 'Outdoor gear and travel offers by mail and email' },
  { kind: RecipientKind.AFFILIATE, purposes: [DisclosurePurpose.DIRECT_MARKETING, DisclosurePurpose.TRANSACTION], categories: ['user.name', 'user.contact.email', 'user.contact.phone_number'], description: 'Home insurance products' },
  { kind: RecipientKind.AGENT, purposes: [DisclosurePurpose.SERVICE_PROVISION, DisclosurePurpose.TRANSACTION], categories: ['user.name', 'user.financial.credit_card'], description: 'Payment processing' },
  { kind: RecipientKind.PARTNER, purposes: [DisclosurePurpose.AGGREGATE_ANALYTICS], categories: ['user.behavior.browsing_history', 'user.location.imprecise'], description: 'Market research' },
  { kind: RecipientKind.AUTHORITY, purposes: [DisclosurePurpose.LEGAL_COMPLIANCE], categories: ['user.name', 'user.contact.email', 'user.device.ip_address'], description: null },
  { kind: RecipientKind.ACQUIRER, purposes: [DisclosurePurpose.BUSINESS_TRANSFER], categories: ['user.name', 'user.contact.email'], description: null },
];

const pad = (n: number, w: number) => String(n).padStart(w, '0');

// The personal columns of the subjects and their visits, from the personal-data catalogue: a
// column added there must get a demo value below (a compile error until it does).
const SUBJECT_COLUMNS = personalColumns('subjects');
const EVENT_COLUMNS = personalColumns('collection_events');

async function insertRows(em: EntityManager, table: string, columns: string[], rows: unknown[][], chunk = 2000): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const placeholders = part.map(() => `(${columns.map(() => '?').join(',')})`).join(',');
    await em.query(`INSERT INTO ${table} (${columns.map((c) => `\`${c}\``).join(',')}) VALUES ${placeholders}`, part.flat());
  }
}

export async function seedDemoData(ds: DataSource, actor: Actor, options: DemoDataOptions): Promise<DemoDataSummary> {
  const rnd = prng(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const now = options.now ?? new Date();
  const recipientCount = Math.max(options.recipients ?? 24, RECIPIENT_SPECS.length);
  const consentsPer = Math.min(options.consentsPerSubject ?? 5, PURPOSES.length);
  const disclosuresPer = options.disclosuresPerSubject ?? 10;
  const eventsPer = options.collectionEventsPerSubject ?? 4;
  // Disclosures fall between 1 January of the previous year and now.
  const yearStart = Date.UTC(now.getUTCFullYear() - 1, 0, 1);
  const span = now.getTime() - yearStart;
  const summary: DemoDataSummary = { subjects: 0, recipients: 0, consents: 0, consentEvents: 0, collectionEvents: 0, disclosures: 0 };

  await ds.transaction(async (em) => {
    const [{ maxId: maxRecipient }] = await em.query('SELECT COALESCE(MAX(id), 0) AS maxId FROM recipients');
    const [{ maxId: maxSubject }] = await em.query('SELECT COALESCE(MAX(id), 0) AS maxId FROM subjects');
    const [{ maxId: maxDisclosure }] = await em.query('SELECT COALESCE(MAX(id), 0) AS maxId FROM disclosures');
    const recipientBase = Number(maxRecipient);
    const subjectBase = Number(maxSubject);
    let disclosureId = Number(maxDisclosure);

    const recipients = Array.from({ length: recipientCount }, (_, i) => ({ id: recipientBase + i + 1, spec: RECIPIENT_SPECS[i % RECIPIENT_SPECS.length]! }));
    await insertRows(
      em,
      'recipients',
      ['id', 'kind', 'name', 'postal_address', 'email', 'business_description', 'allowed_purposes', 'contract_reference'],
      recipients.map(({ id, spec }) => [
        id, spec.kind, `${spec.kind.charAt(0)}${spec.kind.slice(1).toLowerCase().replace('_', ' ')} ${pad(id, 4)} Inc.`,
        `${100 + (id % 800)} Market St, Suite ${id}, San Francisco, CA 94105, USA`, `privacy@recipient${id}.example`,
        spec.description, [...spec.purposes].sort().join(','), `CTR-${pad(id, 5)}`,
      ]),
    );
    summary.recipients = recipients.length;

    const subjects: unknown[][] = [];
    const consents: unknown[][] = [];
    const consentEvents: unknown[][] = [];
    const events: unknown[][] = [];
    const disclosures: unknown[][] = [];
    const disclosureCategories: unknown[][] = [];
    const flush = async () => {
      await insertRows(em, 'subjects', ['id', ...SUBJECT_COLUMNS, 'status', 'source', 'created_at', 'updated_at'], subjects.splice(0));
      await insertRows(em, 'consents', ['subject_id', 'purpose', 'status', 'source', 'policy_version', 'version', 'updated_at'], consents.splice(0));
      await insertRows(em, 'consent_events', ['subject_id', 'purpose', 'seq', 'status', 'source', 'policy_version', 'occurred_at', 'recorded_by'], consentEvents.splice(0));
      await insertRows(em, 'collection_events', ['subject_id', ...EVENT_COLUMNS, 'occurred_at'], events.splice(0));
      await insertRows(em, 'disclosures', ['id', 'subject_id', 'recipient_id', 'purpose', 'identifiable', 'transaction_reference', 'occurred_at', 'recorded_by'], disclosures.splice(0));
      await insertRows(em, 'disclosure_categories', ['disclosure_id', 'category_key'], disclosureCategories.splice(0));
    };

    for (let n = 1; n <= options.subjects; n += 1) {
      const id = subjectBase + n;
      const [region, country, city] = pick(REGIONS);
      const created = new Date(yearStart - Math.floor(rnd() * 365 * 86400_000));
      const birthYear = 1950 + Math.floor(rnd() * 55);
      const first = pick(FIRST);
      const last = pick(LAST);
      // A value for every personal column of the catalogue (drawn in this order: the seed decides them).
      const person: Record<PersonalColumnOf<'subjects'>, unknown> = {
        name: `${first} ${last}`,
        email: `${first.toLowerCase()}.${last.toLowerCase()}.${id}@example.com`,
        phone: `+1415${pad(id % 10_000_000, 7)}`,
        street_address: `${1 + Math.floor(rnd() * 9000)} ${pick(LAST)} Ave`,
        city,
        postal_code: pad(Math.floor(rnd() * 99999), 5),
        region,
        country,
        birth_date: `${birthYear}-${pad(1 + Math.floor(rnd() * 12), 2)}-${pad(1 + Math.floor(rnd() * 28), 2)}`,
        age_range: null,
      };
      subjects.push([id, ...SUBJECT_COLUMNS.map((c) => person[c]), 'ACTIVE', 'CONTACT_FORM', created, created]);
      summary.subjects += 1;

      let sharingGranted = false;
      for (let p = 0; p < consentsPer; p += 1) {
        const purpose = PURPOSES[p]!;
        const history = 1 + Math.floor(rnd() * 3);
        let status = ConsentStatus.GRANTED;
        let at = created.getTime();
        let source = ConsentSource.FORM;
        for (let seq = 1; seq <= history; seq += 1) {
          status = seq === 1 ? (rnd() < 0.7 ? ConsentStatus.GRANTED : ConsentStatus.WITHDRAWN) : status === ConsentStatus.GRANTED ? ConsentStatus.WITHDRAWN : ConsentStatus.GRANTED;
          at += Math.floor(rnd() * 60 * 86400_000);
          // Unsubscribe links only ever withdraw.
          source = seq > 1 && status === ConsentStatus.WITHDRAWN && rnd() < 0.5 ? ConsentSource.UNSUBSCRIBE_LINK : ConsentSource.FORM;
          consentEvents.push([id, purpose, seq, status, source, '2025-01', new Date(at), 'seed']);
          summary.consentEvents += 1;
        }
        consents.push([id, purpose, status, source, '2025-01', history, new Date(at)]);
        summary.consents += 1;
        if (purpose === PurposeKey.THIRD_PARTY_MARKETING_SHARING) sharingGranted = status === ConsentStatus.GRANTED;
      }

      for (let e = 0; e < eventsPer; e += 1) {
        const event: Record<PersonalColumnOf<'collection_events'>, unknown> = {
          ip_address: `203.0.${(id >> 8) % 256}.${id % 256}`,
          latitude: 37 + rnd(),
          longitude: -122 - rnd(),
          geo_accuracy_m: Math.floor(rnd() * 2000),
          region,
          device_id: `dev-${id}-${e % 2}`,
          cookie_id: `ck-${id}`,
          user_agent: pick(AGENTS),
          page: pick(PAGES),
          dnt: rnd() < 0.1 ? 1 : 0,
          gpc: 0,
        };
        events.push([id, ...EVENT_COLUMNS.map((c) => event[c]), new Date(yearStart + Math.floor(rnd() * span))]);
        summary.collectionEvents += 1;
      }

      for (let k = 0; k < disclosuresPer; k += 1) {
        let r = pick(recipients);
        // Direct marketing by third parties and affiliates needs consent: send those without it to an agent.
        if (!sharingGranted && (r.spec.kind === RecipientKind.THIRD_PARTY || r.spec.kind === RecipientKind.AFFILIATE)) r = recipients[2 % recipients.length]!;
        disclosureId += 1;
        const identifiable = r.spec.kind !== RecipientKind.PARTNER;
        const purpose = r.spec.purposes[0]!;
        const txRef = r.spec.kind === RecipientKind.AFFILIATE || purpose === DisclosurePurpose.TRANSACTION ? `TX-${disclosureId}` : null;
        disclosures.push([disclosureId, identifiable ? id : null, r.id, purpose, identifiable ? 1 : 0, txRef, new Date(yearStart + Math.floor(rnd() * span)), 'seed']);
        for (const c of r.spec.categories) disclosureCategories.push([disclosureId, c]);
        summary.disclosures += 1;
      }
      if (subjects.length >= 1000) await flush();
    }
    await flush();
    await appendAudit(em, actor, { action: 'demo.seeded', entityType: 'Database', details: { ...summary } });
  });
  return summary;
}
