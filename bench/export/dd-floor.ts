import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGzip } from 'node:zlib';
import mysql from 'mysql2/promise';
import { formatRow } from '../../src/plugins/business-transfer/export-files';
import { COLUMNS, CONSENT_PURPOSES, DISCLOSURE_PURPOSES } from '../../src/plugins/business-transfer/transfer-shared';
import { ageBandHierarchy, kAnonymize, regionHierarchy, signupMonthHierarchy } from '../../src/plugins/anonymization/k-anonymity';
import { ageBand, generalizeDate, pseudonym } from '../../src/plugins/anonymization/strategies';

/**
 * The floor of the due-diligence benchmark, in a child process: the same files as a
 * DUE_DILIGENCE export (NDJSON) of one transfer, written by one streamed hand-written SELECT
 * (each subject with its consents and its disclosure counts per purpose, correlated
 * subqueries), every row held in memory, k-anonymized by the anonymization plugin's own rule
 * (the output's definition, not a data path), sorted by pseudonym, written through gzip. No
 * chunks, no parts, no checkpoints, no disclosure recorded: the lower bound of the work.
 */

export interface DdFloorInput {
  mysql: { host: string; port: number; user: string; password: string; database: string };
  dir: string;
  transferId: number;
  generatedAt: string;
  subjectMaxId: number;
  disclosureMaxId: number;
  k: number;
  pseudonymSecret: string;
  pseudonymKeyId: string;
}

export interface DdFloorOutput {
  subjects: number;
  released: number;
  files: { name: string; rows: number; bytes: number }[];
  seconds: number;
  peakRssKb: number | null;
}

async function writeGz(file: string, lines: string[]): Promise<number> {
  const gzip = createGzip({ level: 6 });
  const out = fs.createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  gzip.pipe(out);
  for (let i = 0; i < lines.length; i += 2000) gzip.write(`${lines.slice(i, i + 2000).join('\n')}\n`);
  gzip.end();
  await done;
  return fs.statSync(file).size;
}

export async function runDdFloor(input: DdFloorInput): Promise<DdFloorOutput> {
  fs.mkdirSync(input.dir, { recursive: true });
  const conn = await mysql.createConnection({ ...input.mysql, timezone: 'Z', charset: 'utf8mb4_unicode_ci', dateStrings: false });
  try {
    const t0 = performance.now();
    const generatedAt = new Date(input.generatedAt);
    const scopeSecret = createHmac('sha256', input.pseudonymSecret).update(`scope:transfer-${input.transferId}`).digest('hex');
    const counts = DISCLOSURE_PURPOSES.map((p) => `SUM(d.purpose = '${p}')`).join(', ');
    const [rows] = await conn.query(
      `SELECT s.id, s.region, DATE_FORMAT(s.birth_date, '%Y-%m-%d') AS birthDate, s.age_range AS ageRange, s.created_at AS createdAt,
              (SELECT GROUP_CONCAT(c.purpose, '=', c.status SEPARATOR ',') FROM consents c WHERE c.subject_id = s.id) AS consents,
              (SELECT CONCAT_WS(',', ${counts}) FROM disclosures d WHERE d.subject_id = s.id AND d.id <= ?) AS counts
         FROM subjects s WHERE s.status = 'ACTIVE' AND s.id <= ? ORDER BY s.id`,
      [input.disclosureMaxId, input.subjectMaxId],
    );
    const subjects = (rows as Record<string, unknown>[]).map((s) => {
      const row: Record<string, unknown> = {
        pseudonym: pseudonym(String(s.id), { id: input.pseudonymKeyId, secret: scopeSecret }),
        region: s.region,
        ageBand: (s.birthDate ? ageBand(String(s.birthDate), generatedAt) : null) ?? s.ageRange,
        signupMonth: generalizeDate(s.createdAt as Date, 'MONTH'),
      };
      const consentOf = new Map(String(s.consents ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
      for (const p of CONSENT_PURPOSES) row[`consent_${p}`] = consentOf.get(p) ?? null;
      const n = s.counts ? String(s.counts).split(',').map(Number) : [];
      DISCLOSURE_PURPOSES.forEach((p, i) => (row[`disclosures_${p}`] = n[i] ?? 0));
      return row;
    });
    const result = kAnonymize(subjects, {
      k: input.k,
      quasiIdentifiers: [
        { column: 'region', ...regionHierarchy },
        { column: 'ageBand', ...ageBandHierarchy },
        { column: 'signupMonth', ...signupMonthHierarchy },
      ],
    });
    const released = result.rows.sort((a, b) => (String(a.pseudonym) < String(b.pseudonym) ? -1 : String(a.pseudonym) > String(b.pseudonym) ? 1 : 0));
    const consentCounts = new Map<string, number>();
    const disclosureCounts = new Map<string, { disclosures: number; subjects: number }>();
    for (const r of released) {
      for (const p of CONSENT_PURPOSES) {
        const key = `${p}\u0000${r[`consent_${p}`] ?? 'NONE'}`;
        consentCounts.set(key, (consentCounts.get(key) ?? 0) + 1);
      }
      for (const p of DISCLOSURE_PURPOSES) {
        const k = Number(r[`disclosures_${p}`] ?? 0);
        const agg = disclosureCounts.get(p) ?? { disclosures: 0, subjects: 0 };
        agg.disclosures += k;
        agg.subjects += k > 0 ? 1 : 0;
        disclosureCounts.set(p, agg);
      }
    }
    const cols = COLUMNS.DUE_DILIGENCE;
    const consentRows = [...consentCounts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, n]) => {
      const [purpose, status] = key.split('\u0000');
      return { purpose, status, subjects: n };
    });
    const disclosureRows = DISCLOSURE_PURPOSES.map((purpose) => ({ purpose, ...(disclosureCounts.get(purpose) ?? { disclosures: 0, subjects: 0 }) })).filter((r) => r.disclosures > 0);
    const files = [
      { name: 'subjects.ndjson.gz', lines: released.map((r) => formatRow('NDJSON', cols.subjects, r)) },
      { name: 'consents.ndjson.gz', lines: consentRows.map((r) => formatRow('NDJSON', cols.consents, r)) },
      { name: 'disclosures.ndjson.gz', lines: disclosureRows.map((r) => formatRow('NDJSON', cols.disclosures, r)) },
    ];
    const written = [];
    for (const f of files) written.push({ name: f.name, rows: f.lines.length, bytes: await writeGz(path.join(input.dir, f.name), f.lines) });
    return { subjects: subjects.length, released: released.length, files: written, seconds: (performance.now() - t0) / 1000, peakRssKb: ownPeakRssKb() };
  } finally {
    await conn.end();
  }
}

function ownPeakRssKb(): number | null {
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

// Child entry: `fork(dd-floor.js, [JSON input])`; sends { ok, output } or { ok: false, error } and exits.
if (require.main === module) {
  const input = JSON.parse(process.argv[2] ?? '{}') as DdFloorInput;
  runDdFloor(input).then(
    (output) => process.send?.({ ok: true, output }, () => process.exit(0)),
    (err: unknown) => process.send?.({ ok: false, error: String((err as Error)?.stack ?? err) }, () => process.exit(1)),
  );
}
