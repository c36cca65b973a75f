import type mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { seedDemoData, type DemoDataSummary } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';

/**
 * Seeding for the export benchmark. seedDemoData writes ~35k rows/s here (30 s for 20k subjects
 * with 5 consents and 10 disclosures), too slow for 200k subjects, so it writes a base block
 * only, and the block is then copied server-side (INSERT ... SELECT) with shifted ids until the
 * wanted size is reached. A copy is what the generator would have written for those ids (email
 * and phone derive from the id the same way, disclosure ids and TX- references are shifted);
 * the random fields repeat with the block's period.
 *
 * Invariant kept (and checked): subjects are ids 1..S, and the disclosures of subject i are ids
 * (i-1)*per+1 .. i*per (the generator writes them in subject order, PARTNER ones with no subject).
 */

export interface SeedOptions {
  recipients: number;
  consents: number;
  disclosures: number;
  seed: number;
}

/** Subjects per INSERT ... SELECT copy statement (one transaction each, ~50 rows per subject). */
const COPY_BLOCK = 10_000;

export async function seedBase(ds: DataSource, subjects: number, o: SeedOptions): Promise<DemoDataSummary> {
  return seedDemoData(ds, systemActor, {
    subjects,
    recipients: o.recipients,
    consentsPerSubject: o.consents,
    disclosuresPerSubject: o.disclosures,
    collectionEventsPerSubject: 0,
    seed: o.seed,
    now: new Date('2025-11-01T00:00:00Z'),
  });
}

async function one(conn: mysql.Connection, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await conn.query(sql, params);
  return Number((rows as Record<string, unknown>[])[0]!.n);
}

/** Copies subjects 1..n (and their rows) to ids S+1..S+n, repeatedly, until there are `target` subjects. */
export async function growTo(conn: mysql.Connection, target: number, per: number): Promise<{ copiedSubjects: number; statements: number }> {
  // Copies of rows that already satisfy every key: skip the checks (InnoDB inserts faster).
  await conn.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');
  try {
    let statements = 0;
    let copied = 0;
    for (;;) {
      const s = await one(conn, 'SELECT COALESCE(MAX(id), 0) AS n FROM subjects');
      const count = await one(conn, 'SELECT COUNT(*) AS n FROM subjects');
      const dMax = await one(conn, 'SELECT COALESCE(MAX(id), 0) AS n FROM disclosures');
      if (s !== count || dMax !== s * per) throw new Error(`cannot copy: subjects are 1..${s} (${count} rows) and disclosures end at ${dMax}, expected ${s * per}`);
      if (s >= target) return { copiedSubjects: copied, statements };
      const n = Math.min(s, target - s, COPY_BLOCK);
      await copyBlock(conn, n, s, s * per, per);
      statements += 5;
      copied += n;
    }
  } finally {
    await conn.query('SET SESSION foreign_key_checks = 1, unique_checks = 1');
  }
}

/** One transaction: subjects 1..n to sOff+1..sOff+n, with their consents, events, disclosures (ids + dOff) and categories. */
async function copyBlock(conn: mysql.Connection, n: number, sOff: number, dOff: number, per: number): Promise<void> {
  await conn.query('START TRANSACTION');
  try {
    await conn.query(
      `INSERT INTO subjects (id, name, email, phone, street_address, city, postal_code, region, country, birth_date, age_range, status, source, created_at, updated_at)
       SELECT id + ?, name, CONCAT(LOWER(REPLACE(name, ' ', '.')), '.', id + ?, '@example.com'), CONCAT('+1415', LPAD((id + ?) % 10000000, 7, '0')),
              street_address, city, postal_code, region, country, birth_date, age_range, status, source, created_at, updated_at
         FROM subjects WHERE id BETWEEN 1 AND ? ORDER BY id`,
      [sOff, sOff, sOff, n],
    );
    await conn.query(
      `INSERT INTO consents (subject_id, purpose, status, source, policy_version, version, updated_at)
       SELECT subject_id + ?, purpose, status, source, policy_version, version, updated_at FROM consents WHERE subject_id BETWEEN 1 AND ? ORDER BY id`,
      [sOff, n],
    );
    await conn.query(
      `INSERT INTO consent_events (subject_id, purpose, seq, status, source, policy_version, occurred_at, recorded_by)
       SELECT subject_id + ?, purpose, seq, status, source, policy_version, occurred_at, recorded_by FROM consent_events WHERE subject_id BETWEEN 1 AND ? ORDER BY id`,
      [sOff, n],
    );
    await conn.query(
      `INSERT INTO disclosures (id, subject_id, recipient_id, purpose, identifiable, transaction_reference, occurred_at, recorded_by)
       SELECT id + ?, subject_id + ?, recipient_id, purpose, identifiable, IF(transaction_reference IS NULL, NULL, CONCAT('TX-', id + ?)), occurred_at, recorded_by
         FROM disclosures WHERE id BETWEEN 1 AND ? ORDER BY id`,
      [dOff, sOff, dOff, n * per],
    );
    await conn.query(
      `INSERT INTO disclosure_categories (disclosure_id, category_key)
       SELECT disclosure_id + ?, category_key FROM disclosure_categories WHERE disclosure_id BETWEEN 1 AND ? ORDER BY disclosure_id, category_key`,
      [dOff, n * per],
    );
    await conn.query('COMMIT');
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export interface DataCounts {
  subjects: number;
  consents: number;
  consentEvents: number;
  disclosures: number;
  disclosuresOfSubjects: number;
  disclosureCategories: number;
}

export async function dataCounts(conn: mysql.Connection): Promise<DataCounts> {
  return {
    subjects: await one(conn, 'SELECT COUNT(*) AS n FROM subjects'),
    consents: await one(conn, 'SELECT COUNT(*) AS n FROM consents'),
    consentEvents: await one(conn, 'SELECT COUNT(*) AS n FROM consent_events'),
    disclosures: await one(conn, 'SELECT COUNT(*) AS n FROM disclosures'),
    disclosuresOfSubjects: await one(conn, 'SELECT COUNT(*) AS n FROM disclosures WHERE subject_id IS NOT NULL'),
    disclosureCategories: await one(conn, 'SELECT COUNT(*) AS n FROM disclosure_categories'),
  };
}
