import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { holdFieldCategories } from '../../domain/personal-data.catalogue';
import { addToDigest, recordMac, ZERO_DIGEST } from '../../domain/integrity';
import { subjectRecords, type RecordWindow } from '../../domain/subject-records.read';
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
  mac: string;
  preservedAt: Date;
}

/** What a snapshot added to a hold's preserved set: how many records, and the digest of their MACs. */
export interface SealDelta {
  count: number;
  digest: string;
}

/**
 * Copies the in-scope data of a batch of subjects: the subject (fields of the hold's categories),
 * current consents, consent history, disclosures and collection events within the hold's
 * categories and dates. `part` copies the current state or the history only, and `upTo` bounds the
 * history to what existed at placement (a large hold copies its current state at placement and
 * the history, which only grows, later). A fixed number of statements per batch.
 */
export async function snapshotSubjects(
  em: EntityManager,
  hold: LegalHold,
  subjectIds: number[],
  integrityKey: string,
  now = new Date(),
  part: Pick<RecordWindow, 'parts' | 'upTo'> = {},
): Promise<SealDelta> {
  if (subjectIds.length === 0) return { count: 0, digest: ZERO_DIGEST };
  const cats = hold.categories && hold.categories.length > 0 ? new Set(hold.categories) : null;
  const rows: PreservedRow[] = [];
  const push = (subjectId: number, recordType: PreservedRecordType, recordId: number, record: Record<string, unknown>) => {
    const content = canonicalJson(record);
    const hash = sha256(content);
    const mac = recordMac(integrityKey, { holdId: hold.id, subjectId, recordType, recordId, sha256: hash });
    rows.push({ holdId: hold.id, subjectId, recordType, recordId, content, sha256: hash, mac, preservedAt: now });
  };

  // The core's read of what it holds about these people, within the hold's dates.
  const held = await subjectRecords(em, subjectIds, { from: hold.scopeFrom, until: hold.scopeUntil, ...part });
  for (const s of held.subjects) {
    const record = Object.fromEntries(Object.entries(s).filter(([k]) => !cats || !SUBJECT_FIELD_CATEGORIES[k] || SUBJECT_FIELD_CATEGORIES[k]!.some((x) => cats.has(x))));
    push(Number(s.id), PreservedRecordType.SUBJECT, Number(s.id), record);
  }
  for (const c of held.consents) push(Number(c.subject_id), PreservedRecordType.CONSENT, Number(c.id), c);
  for (const e of held.consentEvents) push(Number(e.subject_id), PreservedRecordType.CONSENT_EVENT, Number(e.id), e);
  for (const d of held.disclosures) {
    if (cats && !d.categories.some((c) => cats.has(c))) continue;
    push(Number(d.subject_id), PreservedRecordType.DISCLOSURE, Number(d.id), d);
  }
  for (const c of held.collectionEvents) {
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
      `INSERT INTO legal_hold_preserved_records (hold_id, subject_id, record_type, record_id, content, sha256, mac, preserved_at) VALUES ${part.map(() => '(?,?,?,?,?,?,?,?)').join(',')}`,
      part.flatMap((r) => [r.holdId, r.subjectId, r.recordType, r.recordId, r.content, r.sha256, r.mac, r.preservedAt]),
    );
  }
  return { count: rows.length, digest: addToDigest(ZERO_DIGEST, rows.map((r) => r.mac)) };
}
