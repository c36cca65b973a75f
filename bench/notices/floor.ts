import type mysql from 'mysql2/promise';
import { CALIFORNIA_REGION } from '../../src/domain/shine-the-light';
import { utcTime } from './seed';

/**
 * The floor: one SQL statement that computes, for every California subject who gets a notice,
 * the set of statutory categories and the set of recipients, with the same filters as the
 * notice (identifiable, DIRECT_MARKETING, recipient kind THIRD_PARTY or AFFILIATE, occurred_at in
 * the covered California year; a category without a statutory label neither counts nor brings
 * its recipient, as in compileCaliforniaNotices). Subjects absent from the answer have none.
 */
export interface FloorSets {
  categories: string[];
  recipientIds: number[];
}

/**
 * STRAIGHT_JOIN keeps the join order as written: one pass over disclosures, then index
 * lookups. Left to itself, MariaDB (with InnoDB's sampled statistics, which put thousands of
 * distinct values in the 14-value category_key index) starts from data_categories and reads
 * disclosure_categories through that index, two to three times slower; the floor is meant to
 * be the best one statement can do. MariaDB reads disclosures through the covering
 * idx_disclosures_subject_purpose, in subject order; the categories are read in that order too,
 * through their subject index (migration 1766000400000), as the gateway reads them: by
 * disclosure id they would be random reads (7.5-8.6 s against 3.0-3.5 s on the default data).
 */
export const FLOOR_SQL = `SELECT STRAIGHT_JOIN d.subject_id AS subjectId,
       GROUP_CONCAT(DISTINCT c.shine_the_light_category SEPARATOR '|') AS categories,
       GROUP_CONCAT(DISTINCT d.recipient_id) AS recipients
  FROM disclosures d
  JOIN subjects s ON s.id = d.subject_id
  JOIN recipients r ON r.id = d.recipient_id
  JOIN disclosure_categories dc FORCE INDEX (idx_disclosure_categories_subject) ON dc.subject_id = d.subject_id AND dc.disclosure_id = d.id
  JOIN data_categories c ON c.\`key\` = dc.category_key
 WHERE s.region = '${CALIFORNIA_REGION}' AND s.status = 'ACTIVE'
   AND d.identifiable = 1 AND d.purpose = 'DIRECT_MARKETING' AND r.kind IN ('THIRD_PARTY', 'AFFILIATE')
   AND d.occurred_at >= ? AND d.occurred_at < ?
   AND c.shine_the_light_category IS NOT NULL
 GROUP BY d.subject_id`;

export async function runFloor(conn: mysql.Connection, range: { start: Date; end: Date }): Promise<Map<number, FloorSets>> {
  // query, not execute: one COM_QUERY, so one statement in MySQL's Questions.
  const [rows] = await conn.query<mysql.RowDataPacket[]>(FLOOR_SQL, [utcTime(range.start), utcTime(range.end)]);
  const sets = new Map<number, FloorSets>();
  for (const r of rows) {
    sets.set(Number(r.subjectId), {
      categories: String(r.categories).split('|'),
      recipientIds: String(r.recipients).split(',').map(Number),
    });
  }
  return sets;
}
