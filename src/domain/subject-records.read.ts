import type { EntityManager } from 'typeorm';
import type { SubjectStatus } from '../entities/enums';

/**
 * What the gateway holds about a batch of people, row by row and column by column as stored: the
 * read plugins use to copy it (a legal hold's preservation) rather than SQL of their own on the
 * core's tables. Rows carry every column, so a copy keeps what the personal-data catalogue lists
 * and a new column reaches it without a change here. A fixed number of statements per batch.
 */
export interface RecordWindow {
  /** Events, disclosures and visits from this instant on (consents and subjects are current state, never windowed). */
  from?: Date | null;
  until?: Date | null;
  /**
   * Only history rows that existed at a moment: ids up to these (the history tables only grow, so
   * their largest ids then mark what was there). Null: every row.
   */
  upTo?: HistoryBounds | null;
  /** The current state (subjects, consents), the history (consent events, disclosures, visits), or both (the default). */
  parts?: 'ALL' | 'CURRENT' | 'HISTORY';
}

/** The largest id of each history table at a moment. */
export interface HistoryBounds {
  consentEventId: number;
  disclosureId: number;
  collectionEventId: number;
}

/** The history tables' largest ids now: what a later read bounded by them will see of them. */
export async function historyBoundsNow(em: EntityManager): Promise<HistoryBounds> {
  const [row]: { ce: number | null; d: number | null; c: number | null }[] = await em.query(
    'SELECT (SELECT MAX(id) FROM consent_events) AS ce, (SELECT MAX(id) FROM disclosures) AS d, (SELECT MAX(id) FROM collection_events) AS c',
  );
  return { consentEventId: Number(row?.ce ?? 0), disclosureId: Number(row?.d ?? 0), collectionEventId: Number(row?.c ?? 0) };
}

export type StoredRow = Record<string, unknown>;

export interface SubjectRecords {
  subjects: StoredRow[];
  consents: StoredRow[];
  consentEvents: StoredRow[];
  /** With `categories`: the disclosure's data categories, sorted. */
  disclosures: (StoredRow & { categories: string[] })[];
  collectionEvents: StoredRow[];
}

function inWindow(column: string, window: RecordWindow, idColumn: string, bound: number | undefined): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (bound !== undefined) {
    parts.push(`${idColumn} <= ?`);
    params.push(bound);
  }
  if (window.from) {
    parts.push(`${column} >= ?`);
    params.push(window.from);
  }
  if (window.until) {
    parts.push(`${column} < ?`);
    params.push(window.until);
  }
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', params };
}

export async function subjectRecords(em: EntityManager, subjectIds: number[], window: RecordWindow = {}): Promise<SubjectRecords> {
  const out: SubjectRecords = { subjects: [], consents: [], consentEvents: [], disclosures: [], collectionEvents: [] };
  if (subjectIds.length === 0) return out;
  const parts = window.parts ?? 'ALL';
  if (parts !== 'HISTORY') {
    out.subjects = await em.query('SELECT * FROM subjects WHERE id IN (?) ORDER BY id', [subjectIds]);
    out.consents = await em.query('SELECT * FROM consents WHERE subject_id IN (?) ORDER BY id', [subjectIds]);
  }
  if (parts === 'CURRENT') return out;
  const upTo = window.upTo ?? undefined;
  const ev = inWindow('occurred_at', window, 'id', upTo?.consentEventId);
  out.consentEvents = await em.query(`SELECT * FROM consent_events WHERE subject_id IN (?)${ev.sql} ORDER BY id`, [subjectIds, ...ev.params]);
  const d = inWindow('d.occurred_at', window, 'd.id', upTo?.disclosureId);
  const disclosureRows: (StoredRow & { categories: string | null })[] = await em.query(
    `SELECT d.*, GROUP_CONCAT(dc.category_key ORDER BY dc.category_key SEPARATOR ',') AS categories
       FROM disclosures d LEFT JOIN disclosure_categories dc ON dc.disclosure_id = d.id
      WHERE d.subject_id IN (?)${d.sql} GROUP BY d.id ORDER BY d.id`,
    [subjectIds, ...d.params],
  );
  out.disclosures = disclosureRows.map((row) => ({ ...row, categories: (row.categories ?? '').split(',').filter(Boolean) }));
  const c = inWindow('occurred_at', window, 'id', upTo?.collectionEventId);
  out.collectionEvents = await em.query(`SELECT * FROM collection_events WHERE subject_id IN (?)${c.sql} ORDER BY id`, [subjectIds, ...c.params]);
  return out;
}

/** Locks a batch of subjects for update, in id order (a lock order every writer shares), and says which exist and how. */
export async function lockSubjects(em: EntityManager, subjectIds: number[]): Promise<{ id: number; status: SubjectStatus }[]> {
  if (subjectIds.length === 0) return [];
  return em.query('SELECT id, status FROM subjects WHERE id IN (?) ORDER BY id FOR UPDATE', [subjectIds]);
}
