import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import mysql from 'mysql2';
import { isoUtc } from '../../src/plugins/business-transfer/transfer-chunk.service';

/**
 * The floor of the export benchmark, run as a child process (`fork`) so that its memory is its
 * own: the same rows as a closing export written by plain mysql2, with three streamed SELECTs
 * (subjects; consents with their events; disclosures with recipient and categories), one
 * connection each and all three at once, each written as NDJSON (the gateway's keys, in its
 * order) through gzip level 6 to a file. No chunks, no checkpoints, no disclosures recorded,
 * no manifest: the lower bound of the work.
 *
 * The SELECTs read subjects in primary-key order and join their rows, ordered by s.id only
 * (an index scan, no filesort); the few rows of one subject are put in the gateway's order
 * (consents by purpose, events by seq, disclosures by id) in JS.
 */

export interface FloorInput {
  mysql: { host: string; port: number; user: string; password: string; database: string };
  dir: string;
  subjectMaxId: number;
  consentEventMaxId: number;
  disclosureMaxId: number;
}

export interface FloorFile {
  name: string;
  rows: number;
  bytes: number;
  seconds: number;
}

export interface FloorOutput {
  files: FloorFile[];
  consentEvents: number;
  seconds: number;
  peakRssKb: number | null;
}

export const FLOOR_SQL = {
  subjects: `SELECT s.id, s.name, s.email, s.phone, s.street_address AS streetAddress, s.city, s.postal_code AS postalCode, s.region, s.country,
       DATE_FORMAT(s.birth_date, '%Y-%m-%d') AS birthDate, s.age_range AS ageRange, s.source, ${isoUtc('s.created_at')} AS createdAt, ${isoUtc('s.updated_at')} AS updatedAt
  FROM subjects s WHERE s.status = 'ACTIVE' AND s.id <= ? ORDER BY s.id`,
  consents: `SELECT STRAIGHT_JOIN c.subject_id AS subjectId, c.purpose, c.status, c.source, c.policy_version AS policyVersion, c.version, ${isoUtc('c.updated_at')} AS updatedAt,
       e.seq, e.status AS eStatus, e.source AS eSource, e.policy_version AS ePolicyVersion, ${isoUtc('e.occurred_at')} AS eOccurredAt
  FROM subjects s JOIN consents c ON c.subject_id = s.id
  LEFT JOIN consent_events e ON e.subject_id = c.subject_id AND e.purpose = c.purpose AND e.id <= ?
 WHERE s.status = 'ACTIVE' AND s.id <= ? ORDER BY s.id`,
  disclosures: `SELECT STRAIGHT_JOIN d.id, d.subject_id AS subjectId, d.recipient_id AS recipientId, r.name AS recipientName, r.kind AS recipientKind, d.purpose,
       d.identifiable, d.transaction_reference AS transactionReference, ${isoUtc('d.occurred_at')} AS occurredAt,
       (SELECT GROUP_CONCAT(dc.category_key ORDER BY dc.category_key SEPARATOR ';') FROM disclosure_categories dc WHERE dc.disclosure_id = d.id) AS categories
  FROM subjects s JOIN disclosures d ON d.subject_id = s.id JOIN recipients r ON r.id = d.recipient_id
 WHERE s.status = 'ACTIVE' AND s.id <= ? AND d.id <= ? ORDER BY s.id`,
};

type Row = Record<string, unknown>;

/**
 * Rows in, NDJSON bytes out, in 64 KB strings. `group` (optional) collects the rows of one
 * subject and formats them when the subject changes.
 */
function ndjson(format: (rows: Row[], out: string[]) => number, grouped: boolean): { stream: Transform; rows: () => number } {
  let rows = 0;
  let buf = '';
  let current: unknown = undefined;
  let group: Row[] = [];
  const lines: string[] = [];
  const emit = (t: Transform, force: boolean) => {
    if (lines.length) {
      buf += `${lines.join('\n')}\n`;
      lines.length = 0;
    }
    if (buf.length >= 65536 || (force && buf.length > 0)) {
      t.push(buf);
      buf = '';
    }
  };
  const stream = new Transform({
    writableObjectMode: true,
    transform(row: Row, _enc, cb) {
      if (!grouped) {
        rows += format([row], lines);
      } else {
        if (row.subjectId !== current && group.length > 0) {
          rows += format(group, lines);
          group = [];
        }
        current = row.subjectId;
        group.push(row);
      }
      emit(this, false);
      cb();
    },
    flush(cb) {
      if (group.length > 0) rows += format(group, lines);
      group = [];
      emit(this, true);
      cb();
    },
  });
  return { stream, rows: () => rows };
}

async function writeFile(conn: mysql.Connection, sql: string, params: unknown[], file: string, t: { stream: Transform; rows: () => number }): Promise<FloorFile> {
  const t0 = performance.now();
  await pipeline(conn.query(sql, params).stream({ highWaterMark: 2000 }), t.stream, createGzip({ level: 6 }), fs.createWriteStream(file));
  return { name: path.basename(file), rows: t.rows(), bytes: fs.statSync(file).size, seconds: (performance.now() - t0) / 1000 };
}

export async function runFloor(input: FloorInput): Promise<FloorOutput> {
  fs.mkdirSync(input.dir, { recursive: true });
  const open = () => mysql.createConnection({ ...input.mysql, timezone: 'Z', charset: 'utf8mb4_unicode_ci' });
  const conns = [open(), open(), open()];
  try {
    // The collation's order of purposes, for putting one subject's consents in ORDER BY purpose order.
    const purposes = await new Promise<string[]>((resolve, reject) =>
      conns[0]!.query('SELECT `key` FROM purposes ORDER BY `key`', (err, rows) => (err ? reject(err) : resolve((rows as Row[]).map((r) => String(r.key))))),
    );
    const rank = new Map(purposes.map((p, i) => [p, i]));
    let consentEvents = 0;

    // The SELECT names the columns in the gateway's order and formats timestamps as ISO strings
    // (as the gateway does), so a subject's row is its line as it comes.
    const subjects = ndjson(([s], out) => {
      out.push(JSON.stringify(s));
      return 1;
    }, false);

    const consents = ndjson((rows, out) => {
      const byPurpose = new Map<string, Row[]>();
      for (const r of rows) {
        const list = byPurpose.get(r.purpose as string);
        if (list) list.push(r);
        else byPurpose.set(r.purpose as string, [r]);
      }
      const keys = [...byPurpose.keys()].sort((a, b) => (rank.get(a) ?? 1e9) - (rank.get(b) ?? 1e9) || (a < b ? -1 : a > b ? 1 : 0));
      for (const k of keys) {
        const list = byPurpose.get(k)!;
        const c = list[0]!;
        const history = list
          .filter((e) => e.seq !== null)
          .sort((a, b) => Number(a.seq) - Number(b.seq))
          .map((e) => ({ seq: Number(e.seq), status: e.eStatus, source: e.eSource, policyVersion: e.ePolicyVersion, occurredAt: e.eOccurredAt }));
        consentEvents += history.length;
        out.push(JSON.stringify({
          subjectId: Number(c.subjectId), purpose: c.purpose, status: c.status, source: c.source, policyVersion: c.policyVersion ?? null,
          version: Number(c.version), updatedAt: c.updatedAt, history,
        }));
      }
      return keys.length;
    }, true);

    const disclosures = ndjson((rows, out) => {
      rows.sort((a, b) => Number(a.id) - Number(b.id));
      for (const d of rows)
        out.push(JSON.stringify({
          id: Number(d.id), subjectId: Number(d.subjectId), recipientId: Number(d.recipientId), recipientName: d.recipientName, recipientKind: d.recipientKind,
          purpose: d.purpose, identifiable: Boolean(Number(d.identifiable)), transactionReference: d.transactionReference ?? null, occurredAt: d.occurredAt,
          categories: String(d.categories ?? '').split(';').filter(Boolean),
        }));
      return rows.length;
    }, true);

    const t0 = performance.now();
    const files = await Promise.all([
      writeFile(conns[0]!, FLOOR_SQL.subjects, [input.subjectMaxId], path.join(input.dir, 'subjects.ndjson.gz'), subjects),
      writeFile(conns[1]!, FLOOR_SQL.consents, [input.consentEventMaxId, input.subjectMaxId], path.join(input.dir, 'consents.ndjson.gz'), consents),
      writeFile(conns[2]!, FLOOR_SQL.disclosures, [input.subjectMaxId, input.disclosureMaxId], path.join(input.dir, 'disclosures.ndjson.gz'), disclosures),
    ]);
    const seconds = (performance.now() - t0) / 1000;
    return { files, consentEvents, seconds, peakRssKb: ownPeakRssKb() };
  } finally {
    await Promise.all(conns.map((c) => new Promise<void>((resolve) => c.end(() => resolve()))));
  }
}

function ownPeakRssKb(): number | null {
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

// Child entry: `fork(floor.js, [JSON input])`; sends { ok, output } or { ok: false, error } and exits.
if (require.main === module) {
  const input = JSON.parse(process.argv[2] ?? '{}') as FloorInput;
  runFloor(input).then(
    (output) => process.send?.({ ok: true, output }, () => process.exit(0)),
    (err: unknown) => process.send?.({ ok: false, error: String((err as Error)?.stack ?? err) }, () => process.exit(1)),
  );
}
