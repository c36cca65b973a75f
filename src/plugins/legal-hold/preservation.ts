import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { holdFieldCategories } from '../../domain/personal-data.catalogue';
import type { LegalHold } from '../../entities/legal-hold.entity';
import { PreservedRecordType } from './preserved-record.entity';

/** JSON with sorted keys and ISO dates: the same record always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('hex'));
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

// Which categories each personal field belongs to, so a hold scoped to categories keeps only
// those (by column, from the personal-data catalogue; columns not listed go with their record).
const SUBJECT_FIELD_CATEGORIES = holdFieldCategories('subjects');
const COLLECTION_FIELD_CATEGORIES = holdFieldCategories('collection_events');

export interface PreservedRow {
  holdId: number;
  subjectId: number;
  recordType: PreservedRecordType;
  recordId: number;
  content: string;
  sha256: string;
  preservedAt: Date;
}

/**
 * Copies the in-scope data of a batch of subjects as it is now: the subject (fields of the
 * hold's categories), current consents, consent history, disclosures and collection events
 * within the hold's categories and dates. A fixed number of statements per batch.
 */
export async function snapshotSubjects(em: EntityManager, hold: LegalHold, subjectIds: number[], now = new Date()): Promise<number> {
  if (subjectIds.length === 0) return 0;
  const cats = hold.categories && hold.categories.length > 0 ? new Set(hold.categories) : null;
  const inDates = (col: string) => {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (hold.scopeFrom) {
      parts.push(`${col} >= ?`);
      params.push(hold.scopeFrom);
    }
    if (hold.scopeUntil) {
      parts.push(`${col} < ?`);
      params.push(hold.scopeUntil);
    }
    return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', params };
  };
  const rows: PreservedRow[] = [];
  const push = (subjectId: number, recordType: PreservedRecordType, recordId: number, record: Record<string, unknown>) => {
    const content = canonicalJson(record);
    rows.push({ holdId: hold.id, subjectId, recordType, recordId, content, sha256: sha256(content), preservedAt: now });
  };

  const subjects: Record<string, unknown>[] = await em.query('SELECT * FROM subjects WHERE id IN (?) ORDER BY id', [subjectIds]);
  for (const s of subjects) {
    const record = Object.fromEntries(Object.entries(s).filter(([k]) => !cats || !SUBJECT_FIELD_CATEGORIES[k] || SUBJECT_FIELD_CATEGORIES[k]!.some((x) => cats.has(x))));
    push(Number(s.id), PreservedRecordType.SUBJECT, Number(s.id), record);
  }
  const consents: Record<string, unknown>[] = await em.query('SELECT * FROM consents WHERE subject_id IN (?) ORDER BY id', [subjectIds]);
  for (const c of consents) push(Number(c.subject_id), PreservedRecordType.CONSENT, Number(c.id), c);
  const evDates = inDates('occurred_at');
  const events: Record<string, unknown>[] = await em.query(`SELECT * FROM consent_events WHERE subject_id IN (?)${evDates.sql} ORDER BY id`, [subjectIds, ...evDates.params]);
  for (const e of events) push(Number(e.subject_id), PreservedRecordType.CONSENT_EVENT, Number(e.id), e);

  const dDates = inDates('d.occurred_at');
  const disclosures: (Record<string, unknown> & { categories: string })[] = await em.query(
    `SELECT d.*, GROUP_CONCAT(dc.category_key ORDER BY dc.category_key SEPARATOR ',') AS categories
       FROM disclosures d LEFT JOIN disclosure_categories dc ON dc.disclosure_id = d.id
      WHERE d.subject_id IN (?)${dDates.sql} GROUP BY d.id ORDER BY d.id`,
    [subjectIds, ...dDates.params],
  );
  for (const d of disclosures) {
    const categories = (d.categories ?? '').split(',').filter(Boolean);
    if (cats && !categories.some((c) => cats.has(c))) continue;
    push(Number(d.subject_id), PreservedRecordType.DISCLOSURE, Number(d.id), { ...d, categories });
  }

  const cDates = inDates('occurred_at');
  const collected: Record<string, unknown>[] = await em.query(`SELECT * FROM collection_events WHERE subject_id IN (?)${cDates.sql} ORDER BY id`, [subjectIds, ...cDates.params]);
  for (const c of collected) {
    const fields = Object.entries(c).filter(([k, v]) => {
      const fc = COLLECTION_FIELD_CATEGORIES[k];
      return !fc || !cats || (v !== null && fc.some((x) => cats.has(x)));
    });
    if (cats && !fields.some(([k]) => COLLECTION_FIELD_CATEGORIES[k])) continue;
    push(Number(c.subject_id), PreservedRecordType.COLLECTION_EVENT, Number(c.id), Object.fromEntries(fields));
  }

  for (let i = 0; i < rows.length; i += 1000) {
    const part = rows.slice(i, i + 1000);
    await em.query(
      `INSERT INTO legal_hold_preserved_records (hold_id, subject_id, record_type, record_id, content, sha256, preserved_at) VALUES ${part.map(() => '(?,?,?,?,?,?,?)').join(',')}`,
      part.flatMap((r) => [r.holdId, r.subjectId, r.recordType, r.recordId, r.content, r.sha256, r.preservedAt]),
    );
  }
  return rows.length;
}
