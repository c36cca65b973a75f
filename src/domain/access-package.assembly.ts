import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import type { AccessContribution, DomainHooks, HookContext } from './hooks';
import { FileSink, SectionWriter, columnsOf, type PackageFile } from './access-package.files';
import { PERSONAL_TABLES, fieldsOf, type CategoryKey, type PersonalTable } from './personal-data.catalogue';
import { AccessScope } from './verification.rules';

/**
 * Reads everything the gateway holds about a person into the files of an access package, from the
 * personal-data catalogue (a field added there appears here with no other change) and the records
 * linked to the person, in keyset pages on the caller's snapshot: memory stays that of one page
 * whatever the history. With the CATEGORIES scope it reads the same rows but writes only what
 * 1798.110(a)(1)-(4) asks (the categories of information, sources, purposes and recipients).
 */

export interface SectionSummary {
  /** The file name without its extension. */
  name: string;
  title: string;
  rows: number;
  /** The first rows, for the letter. */
  preview: Record<string, unknown>[];
  columns: string[];
}

export interface WithheldField {
  table: string;
  column: string;
  reason: string;
}

export interface DisclosedTo {
  recipientKind: string;
  recipients: number;
  categories: string[];
  purposes: string[];
}

/** The 1798.110(a) answer: what categories, from which sources, why, and to whom. */
export interface CategorySummary {
  categoriesCollected: { key: string; label: string }[];
  sources: string[];
  purposes: string[];
  disclosedTo: DisclosedTo[];
  sold: string;
}

export interface AssembledPackage {
  files: PackageFile[];
  sections: SectionSummary[];
  summary: CategorySummary;
  withheld: WithheldField[];
  /** Categories the package's reads returned (the access log's row). */
  categoriesRead: string[];
  statements: number;
}

const PREVIEW_ROWS = 10;

/** Labels in the person's words, before data_categories' own (two of these are not in data_categories at all). */
const EXTRA_LABELS: Readonly<Record<string, string>> = {
  'user.privacy_preferences': 'Your privacy choices (consents, Do Not Track and Global Privacy Control signals)',
  'user.behavior': 'How you interacted with our emails',
};

/** A snapshot read that counts its statements (the benchmark reports them). */
class Reader {
  statements = 0;
  constructor(private readonly em: EntityManager) {}
  async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    this.statements += 1;
    return this.em.query(sql, params);
  }
}

/** `c1 >= v1 AND (c1 > v1 OR (c1 = v1 AND c2 > v2) ...)`: the first term keeps it a range on the index. */
export function keysetAfter(order: readonly string[], last: Record<string, unknown>): { sql: string; params: unknown[] } {
  const ors: string[] = [];
  const params: unknown[] = [last[order[0]!]];
  order.forEach((col, i) => {
    const eqs = order.slice(0, i).map((c) => `\`${c}\` = ?`);
    ors.push(`(${[...eqs, `\`${col}\` > ?`].join(' AND ')})`);
    for (const c of order.slice(0, i)) params.push(last[c]);
    params.push(last[col]);
  });
  return { sql: `\`${order[0]}\` >= ? AND (${ors.join(' OR ')})`, params };
}

/** The person's rows of one table, in keyset pages of `pageRows`, along `index` (subject_id, ...order). */
async function* pages(reader: Reader, table: string, index: string, columns: readonly string[], order: readonly string[], subjectId: number, pageRows: number): AsyncGenerator<Record<string, unknown>[]> {
  const select = [...new Set([...columns, ...order])].map((c) => `\`${c}\``).join(', ');
  const orderBy = order.map((c) => `\`${c}\``).join(', ');
  let last: Record<string, unknown> | null = null;
  for (;;) {
    const after: { sql: string; params: unknown[] } | null = last ? keysetAfter(order, last) : null;
    const rows: Record<string, unknown>[] = await reader.query(
      `SELECT ${select} FROM \`${table}\` FORCE INDEX (\`${index}\`) WHERE subject_id = ?${after ? ` AND ${after.sql}` : ''} ORDER BY ${orderBy} LIMIT ?`,
      [subjectId, ...(after?.params ?? []), pageRows],
    );
    if (rows.length > 0) yield rows;
    if (rows.length < pageRows) return;
    last = rows[rows.length - 1]!;
  }
}

interface Collector {
  categories: Set<string>;
  sources: Set<string>;
  purposes: Set<string>;
  disclosedTo: Map<string, { recipients: Set<number>; categories: Set<string>; purposes: Set<string> }>;
}

export async function assembleAccessPackage(
  em: EntityManager,
  hooks: DomainHooks,
  hookContext: HookContext,
  input: { subjectId: number; scope: AccessScope.SPECIFIC_PIECES | AccessScope.CATEGORIES; dir: string; pageRows: number; company: string; stagingKey: Buffer },
): Promise<AssembledPackage> {
  const { subjectId, scope, dir, pageRows } = input;
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'plugins'), { recursive: true });
  const reader = new Reader(em);
  const full = scope === AccessScope.SPECIFIC_PIECES;
  const files: PackageFile[] = [];
  const sections: SectionSummary[] = [];
  const withheld: WithheldField[] = [];
  const seen: Collector = { categories: new Set(), sources: new Set(), purposes: new Set(), disclosedTo: new Map() };

  const writeSection = async (
    name: string,
    header: { title: string; about: Record<string, string>; columns: string[]; withheld?: { column: string; reason: string }[] },
    csv: boolean,
    fill: (write: (row: Record<string, unknown>) => Promise<void>) => Promise<void>,
  ): Promise<void> => {
    const summary: SectionSummary = { name, title: header.title, rows: 0, preview: [], columns: header.columns };
    const writer = full ? new SectionWriter(dir, name, { section: name, ...header }, csv, input.stagingKey) : null;
    try {
      await writer?.open();
      await fill(async (row) => {
        if (summary.preview.length < PREVIEW_ROWS) summary.preview.push(Object.fromEntries(header.columns.map((c) => [c, row[c] ?? null])));
        summary.rows += 1;
        await writer?.row(row);
      });
      if (writer) files.push(...(await writer.close()));
    } catch (err) {
      writer?.destroy();
      throw err;
    }
    sections.push(summary);
  };

  for (const table of PERSONAL_TABLES) await writeCatalogueTable(reader, table, subjectId, pageRows, seen, withheld, writeSection);
  await writeLinkedRecords(reader, subjectId, pageRows, writeSection);

  const contributions: AccessContribution[] = await hooks.accessContributions(em, subjectId, hookContext);
  for (const c of contributions) {
    await writeSection(`plugins/${c.plugin}-${c.section}`, { title: c.title, about: { what: c.explanation, heldBy: c.plugin }, columns: columnsOf(c.rows) }, true, async (write) => {
      for (const row of c.rows) await write(row);
    });
  }

  const labels: { key: string; label: string }[] = await reader.query('SELECT `key`, label FROM data_categories', []);
  const labelOf = new Map(labels.map((l) => [l.key, l.label]));
  const summary: CategorySummary = {
    categoriesCollected: [...seen.categories].sort().map((key) => ({ key, label: EXTRA_LABELS[key] ?? labelOf.get(key) ?? key })),
    sources: [...seen.sources],
    purposes: [...seen.purposes],
    disclosedTo: [...seen.disclosedTo.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([recipientKind, d]) => ({
      recipientKind,
      recipients: d.recipients.size,
      categories: [...d.categories].sort(),
      purposes: [...d.purposes].sort(),
    })),
    sold: `${input.company} does not sell personal information, and has not sold yours.`,
  };
  const summaryFile = new FileSink(path.join(dir, 'summary.json'), { key: input.stagingKey, label: 'summary.json' });
  await summaryFile.write(`${JSON.stringify(summary, null, 2)}\n`);
  files.push({ name: 'summary.json', rows: 1, ...(await summaryFile.close()) });

  return { files, sections, summary, withheld, categoriesRead: [...seen.categories].sort(), statements: reader.statements };
}

type SectionFn = (
  name: string,
  header: { title: string; about: Record<string, string>; columns: string[]; withheld?: { column: string; reason: string }[] },
  csv: boolean,
  fill: (write: (row: Record<string, unknown>) => Promise<void>) => Promise<void>,
) => Promise<void>;

/** One catalogue table: the fields it returns (personal first, then the record's own), in its keyset order. */
async function writeCatalogueTable(reader: Reader, table: PersonalTable, subjectId: number, pageRows: number, seen: Collector, withheld: WithheldField[], section: SectionFn): Promise<void> {
  const fields = fieldsOf(table.table);
  const returned = fields.filter((f) => f.access === 'RETURNED');
  for (const f of fields) if (f.access !== 'RETURNED') withheld.push({ table: table.table, column: f.column, reason: f.access.withheld });
  const own = Object.keys(table.nonPersonal).filter((c) => c !== 'subject_id' && c !== 'id');
  const columns = ['id', ...returned.map((f) => f.column), ...own];
  const disclosures = table.table === 'disclosures';
  const headerColumns = disclosures ? [...columns, 'recipient_name', 'recipient_kind', 'recipient_postal_address', 'categories'] : columns;
  const recipients = new Map<number, { name: string; kind: string; postal_address: string | null }>();

  await section(
    table.table,
    {
      title: table.access.title,
      about: { source: table.access.source, purposes: table.access.purposes },
      columns: headerColumns,
      withheld: fields.filter((f) => f.access !== 'RETURNED').map((f) => ({ column: f.column, reason: (f.access as { withheld: string }).withheld })),
    },
    true,
    async (write) => {
      const rowsOf: AsyncIterable<Record<string, unknown>[]> =
        table.table === 'subjects'
          ? (async function* one() {
              yield await reader.query<Record<string, unknown>>(`SELECT ${columns.map((c) => `\`${c}\``).join(', ')} FROM subjects WHERE id = ?`, [subjectId]);
            })()
          : pages(reader, table.table, table.access.index, columns, table.access.order, subjectId, pageRows);
      let any = false;
      for await (const page of rowsOf) {
        any = any || page.length > 0;
        for (const row of page)
          for (const f of returned) if (row[f.column] !== null && row[f.column] !== undefined && f.categories !== 'CARRIED') for (const c of f.categories) seen.categories.add(c);
        if (disclosures) await enrichDisclosures(reader, page, recipients, seen);
        for (const row of page) await write(row);
      }
      if (any) {
        seen.sources.add(table.access.source);
        seen.purposes.add(table.access.purposes);
      }
    },
  );
}

/** A page of disclosures with their recipient and the categories they carried: two statements a page. */
async function enrichDisclosures(reader: Reader, page: Record<string, unknown>[], recipients: Map<number, { name: string; kind: string; postal_address: string | null }>, seen: Collector): Promise<void> {
  const ids = page.map((r) => Number(r.id));
  const carried: { disclosure_id: number; category_key: string }[] = await reader.query(
    `SELECT disclosure_id, category_key FROM disclosure_categories WHERE disclosure_id IN (${ids.map(() => '?').join(',')}) ORDER BY disclosure_id, category_key`,
    ids,
  );
  const byDisclosure = new Map<number, string[]>();
  for (const c of carried) {
    const list = byDisclosure.get(Number(c.disclosure_id)) ?? [];
    list.push(c.category_key);
    byDisclosure.set(Number(c.disclosure_id), list);
  }
  const missing = [...new Set(page.map((r) => Number(r.recipient_id)).filter((id) => !recipients.has(id)))];
  if (missing.length > 0) {
    const found: { id: number; name: string; kind: string; postal_address: string | null }[] = await reader.query(
      `SELECT id, name, kind, postal_address FROM recipients WHERE id IN (${missing.map(() => '?').join(',')})`,
      missing,
    );
    for (const r of found) recipients.set(Number(r.id), r);
  }
  for (const row of page) {
    const recipient = recipients.get(Number(row.recipient_id));
    const categories = byDisclosure.get(Number(row.id)) ?? [];
    row.recipient_name = recipient?.name ?? null;
    row.recipient_kind = recipient?.kind ?? null;
    row.recipient_postal_address = recipient?.postal_address ?? null;
    row.categories = categories.join(';');
    const kind = recipient?.kind ?? 'UNKNOWN';
    const d = seen.disclosedTo.get(kind) ?? { recipients: new Set<number>(), categories: new Set<string>(), purposes: new Set<string>() };
    d.recipients.add(Number(row.recipient_id));
    for (const c of categories) {
      d.categories.add(c);
      seen.categories.add(c as CategoryKey);
    }
    d.purposes.add(String(row.purpose));
    seen.disclosedTo.set(kind, d);
  }
}

/** The records about the person that hold no field of their own: notices, requests, and who read their data. */
async function writeLinkedRecords(reader: Reader, subjectId: number, pageRows: number, section: SectionFn): Promise<void> {
  await section(
    'policy-notices',
    {
      title: 'Privacy policy versions we told you about, and your acknowledgements',
      about: { what: 'Each version of our privacy policy we notified you of, how, when, and when you acknowledged it.' },
      columns: ['id', 'version', 'effective_at', 'url', 'channel', 'notified_at', 'acknowledged_at'],
    },
    true,
    async (write) => {
      const rows = await reader.query<Record<string, unknown>>(
        `SELECT n.id, v.version, v.effective_at, v.url, n.channel, n.notified_at, n.acknowledged_at
           FROM policy_notices n JOIN policy_versions v ON v.id = n.policy_version_id WHERE n.subject_id = ? ORDER BY n.id`,
        [subjectId],
      );
      for (const r of rows) await write(r);
    },
  );
  await section(
    'data-requests',
    {
      title: 'Your requests about your information, and our answers',
      about: { what: 'Every request you made (or we opened for you), its deadlines and outcome; a Shine-the-Light notice as it was sent; the changes a correction request asked for, and the decision on each.' },
      columns: ['id', 'type', 'status', 'channel', 'received_at', 'due_at', 'extended_at', 'completed_at', 'reason_code', 'verification_method', 'notice', 'corrections', 'correction_evidence'],
    },
    true,
    async (write) => {
      const rows = await reader.query<Record<string, unknown>>(
        `SELECT r.id, r.type, r.status, r.channel, r.received_at, r.due_at, r.extended_at, r.completed_at, r.reason_code, r.verification_method, a.notice,
                (SELECT JSON_ARRAYAGG(JSON_OBJECT('field', c.field, 'proposedValue', c.proposed_value, 'status', c.status, 'reason', c.reason)) FROM correction_changes c WHERE c.request_id = r.id) AS corrections, (SELECT e.evidence FROM correction_requests e WHERE e.request_id = r.id) AS correction_evidence
           FROM data_requests r LEFT JOIN california_notice_answers a ON a.request_id = r.id WHERE r.subject_id = ? ORDER BY r.id`,
        [subjectId],
      );
      const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
      for (const r of rows) await write({ ...r, notice: json(r.notice), corrections: json(r.corrections) });
    },
  );
  await section(
    'access-log',
    {
      title: 'Who read your information',
      about: {
        what: 'Every time our staff or our applications read information about you: in which role, for which declared purpose, which categories, and when.',
        withheld: 'The names of individual staff members and applications are not given; their role is.',
      },
      columns: ['id', 'role', 'purpose', 'categories', 'accessed_at'],
    },
    true,
    async (write) => {
      for await (const page of pages(reader, 'access_log', 'idx_access_log_subject', ['id', 'role', 'purpose', 'categories', 'accessed_at'], ['id'], subjectId, pageRows)) for (const r of page) await write(r);
    },
  );
}
