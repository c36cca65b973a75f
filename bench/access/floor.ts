import 'reflect-metadata';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2';
import { csvField, jsonValue } from '../../src/domain/access-package.files';
import { PERSONAL_TABLES, fieldsOf } from '../../src/domain/personal-data.catalogue';

/**
 * The floor of `npm run bench -- access`: the same rows of one person dumped with hand-written
 * SQL, each table streamed by mysql2 in one statement, written as a JSON line and a CSV line per
 * row (the same value formatting as the package). No snapshot transaction, no archive, no
 * sealing, no record of it: what reading and writing the rows costs at least. Run in a child
 * process so that its peak RSS is its own; it reports { ms, statements, rows, bytes, peakRssKb }.
 */

interface FloorArgs {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  subjectId: number;
  dir: string;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function dump(conn: mysql.Connection, sql: string, params: unknown[], columns: string[], dir: string, name: string): Promise<{ rows: number; bytes: number }> {
  const json = createWriteStream(path.join(dir, `${name}.json`));
  const csv = createWriteStream(path.join(dir, `${name}.csv`));
  await write(csv, `${columns.join(',')}\r\n`);
  await write(json, '[');
  let rows = 0;
  const stream = conn.query({ sql, values: params }).stream({ highWaterMark: 1000 });
  for await (const row of stream as AsyncIterable<Record<string, unknown>>) {
    const out: Record<string, unknown> = {};
    for (const c of columns) out[c] = jsonValue(row[c] ?? null);
    await write(json, `${rows === 0 ? '\n' : ',\n'}${JSON.stringify(out)}`);
    await write(csv, `${columns.map((c) => csvField(row[c])).join(',')}\r\n`);
    rows += 1;
  }
  json.end(']\n');
  csv.end();
  await Promise.all([once(json, 'finish'), once(csv, 'finish')]);
  return { rows, bytes: json.bytesWritten + csv.bytesWritten };
}

async function main(args: FloorArgs): Promise<void> {
  await rm(args.dir, { recursive: true, force: true });
  await mkdir(args.dir, { recursive: true });
  const conn = mysql.createConnection({ host: args.host, port: args.port, user: args.user, password: args.password, database: args.database, timezone: 'Z', supportBigNumbers: true });
  const t0 = performance.now();
  let statements = 0;
  let rows = 0;
  let bytes = 0;
  const add = (r: { rows: number; bytes: number }) => {
    statements += 1;
    rows += r.rows;
    bytes += r.bytes;
  };
  for (const table of PERSONAL_TABLES) {
    const own = Object.keys(table.nonPersonal).filter((c) => c !== 'subject_id' && c !== 'id');
    const columns = ['id', ...fieldsOf(table.table).filter((f) => f.access === 'RETURNED').map((f) => f.column), ...own];
    const where = table.table === 'subjects' ? 't.id = ?' : 't.subject_id = ?';
    if (table.table === 'disclosures') {
      const sql = `SELECT ${columns.map((c) => `t.\`${c}\``).join(', ')}, r.name AS recipient_name, r.kind AS recipient_kind, r.postal_address AS recipient_postal_address,
                          (SELECT GROUP_CONCAT(c.category_key ORDER BY c.category_key SEPARATOR ';') FROM disclosure_categories c WHERE c.disclosure_id = t.id) AS categories
                     FROM disclosures t JOIN recipients r ON r.id = t.recipient_id WHERE ${where} ORDER BY t.occurred_at, t.id`;
      add(await dump(conn, sql, [args.subjectId], [...columns, 'recipient_name', 'recipient_kind', 'recipient_postal_address', 'categories'], args.dir, table.table));
    } else {
      const order = table.access.order.map((c) => `t.\`${c}\``).join(', ');
      add(await dump(conn, `SELECT ${columns.map((c) => `t.\`${c}\``).join(', ')} FROM \`${table.table}\` t WHERE ${where} ORDER BY ${order}`, [args.subjectId], columns, args.dir, table.table));
    }
  }
  add(await dump(conn, `SELECT n.id, v.version, v.effective_at, v.url, n.channel, n.notified_at, n.acknowledged_at FROM policy_notices n JOIN policy_versions v ON v.id = n.policy_version_id WHERE n.subject_id = ? ORDER BY n.id`, [args.subjectId], ['id', 'version', 'effective_at', 'url', 'channel', 'notified_at', 'acknowledged_at'], args.dir, 'policy-notices'));
  add(await dump(conn, `SELECT r.id, r.type, r.status, r.channel, r.received_at, r.due_at, r.extended_at, r.completed_at, r.reason_code, r.verification_method, a.notice, (SELECT JSON_ARRAYAGG(JSON_OBJECT('field', c.field, 'proposedValue', c.proposed_value, 'status', c.status, 'reason', c.reason)) FROM correction_changes c WHERE c.request_id = r.id) AS corrections, (SELECT e.evidence FROM correction_requests e WHERE e.request_id = r.id) AS correction_evidence FROM data_requests r LEFT JOIN california_notice_answers a ON a.request_id = r.id WHERE r.subject_id = ? ORDER BY r.id`, [args.subjectId], ['id', 'type', 'status', 'channel', 'received_at', 'due_at', 'extended_at', 'completed_at', 'reason_code', 'verification_method', 'notice', 'corrections', 'correction_evidence'], args.dir, 'data-requests'));
  add(await dump(conn, `SELECT id, role, purpose, categories, accessed_at FROM access_log WHERE subject_id = ? ORDER BY id`, [args.subjectId], ['id', 'role', 'purpose', 'categories', 'accessed_at'], args.dir, 'access-log'));
  const ms = performance.now() - t0;
  await new Promise<void>((resolve) => conn.end(() => resolve()));
  const peak = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  await rm(args.dir, { recursive: true, force: true });
  process.send!({ ms, statements, rows, bytes, peakRssKb: peak ? Number(peak[1]) : null });
}

main(JSON.parse(process.argv[2]!) as FloorArgs).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`access floor failed: ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
