import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGzip } from 'node:zlib';
import mysql from 'mysql2/promise';
import { formatRow } from '../../src/plugins/business-transfer/export-files';
import { COLUMNS, CONSENT_PURPOSES, DISCLOSURE_PURPOSES } from '../../src/plugins/business-transfer/transfer-shared';
import { protectionWidth, suppressCells } from '../../src/plugins/anonymization/cell-suppression';
import { ageBandHierarchy, planKAnonymity, regionHierarchy, signupMonthHierarchy } from '../../src/plugins/anonymization/k-anonymity';
import { loadLinearSolver } from '../../src/plugins/anonymization/linear-solver';
import { ageBand, generalizeDate } from '../../src/plugins/anonymization/strategies';
import { releaseDueDiligence, tallySubjects, type SubjectFacts } from '../../src/plugins/business-transfer/due-diligence-release';

/**
 * The floor of the due-diligence benchmark, in a child process: the same files as a
 * DUE_DILIGENCE export (NDJSON) of one transfer, written by one hand-written SELECT (each subject
 * with its consents and its disclosure counts per purpose, correlated subqueries), every row held
 * in memory, counted by class and released by the plugins' own rules (class tally, k-anonymity
 * plan, audited suppression: the output's definition, not a data path), written through gzip. No
 * chunks, no checkpoints, no disclosure recorded: the lower bound of the work.
 */

export interface DdFloorInput {
  mysql: { host: string; port: number; user: string; password: string; database: string };
  dir: string;
  transferId: number;
  generatedAt: string;
  subjectMaxId: number;
  disclosureMaxId: number;
  k: number;
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
    const counts = DISCLOSURE_PURPOSES.map((p) => `SUM(d.purpose = '${p}')`).join(', ');
    const [rows] = await conn.query(
      `SELECT s.id, s.region, DATE_FORMAT(s.birth_date, '%Y-%m-%d') AS birthDate, s.age_range AS ageRange, s.created_at AS createdAt,
              (SELECT GROUP_CONCAT(c.purpose, '=', c.status SEPARATOR ',') FROM consents c WHERE c.subject_id = s.id) AS consents,
              (SELECT CONCAT_WS(',', ${counts}) FROM disclosures d WHERE d.subject_id = s.id AND d.id <= ?) AS counts
         FROM subjects s WHERE s.status = 'ACTIVE' AND s.id <= ? ORDER BY s.id`,
      [input.disclosureMaxId, input.subjectMaxId],
    );
    const facts: SubjectFacts[] = (rows as Record<string, unknown>[]).map((s) => {
      const consentOf = new Map(String(s.consents ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
      const n = s.counts ? String(s.counts).split(',').map(Number) : [];
      return {
        values: [s.region as string | null, (s.birthDate ? ageBand(String(s.birthDate), generatedAt) : null) ?? (s.ageRange as string | null), generalizeDate(s.createdAt as Date, 'MONTH')],
        consents: Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, consentOf.get(p) ?? 'NONE'])),
        disclosures: Object.fromEntries(DISCLOSURE_PURPOSES.map((p, i) => [p, n[i] ?? 0])),
      };
    });
    // The output's definition, not a data path: the same class tally, k-anonymity plan and audited suppression.
    const tallies = tallySubjects(facts);
    const plan = planKAnonymity(
      tallies.map((c) => ({ values: c.values, count: c.subjects })),
      { k: input.k, quasiIdentifiers: [{ column: 'region', ...regionHierarchy }, { column: 'ageBand', ...ageBandHierarchy }, { column: 'signupMonth', ...signupMonthHierarchy }] },
    );
    const solver = await loadLinearSolver();
    const release = await releaseDueDiligence(
      tallies,
      (values) => plan.generalize(values),
      input.k,
      async (cells, k) => suppressCells(cells, ['value'], k, { solver, width: protectionWidth(k, 50) }).cells.map((c) => c.count),
      { consent: CONSENT_PURPOSES, disclosure: DISCLOSURE_PURPOSES },
    );
    const cols = COLUMNS.DUE_DILIGENCE;
    const files = [
      { name: 'subjects.ndjson.gz', lines: release.subjects.map((r) => formatRow('NDJSON', cols.subjects, r)) },
      { name: 'consents.ndjson.gz', lines: release.consents.map((r) => formatRow('NDJSON', cols.consents, r)) },
      { name: 'disclosures.ndjson.gz', lines: release.disclosures.map((r) => formatRow('NDJSON', cols.disclosures, r)) },
    ];
    const written = [];
    for (const f of files) written.push({ name: f.name, rows: f.lines.length, bytes: await writeGz(path.join(input.dir, f.name), f.lines) });
    return { subjects: facts.length, released: release.released, files: written, seconds: (performance.now() - t0) / 1000, peakRssKb: ownPeakRssKb() };
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
