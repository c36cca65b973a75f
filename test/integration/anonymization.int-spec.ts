import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { openErasureRequest } from '../../src/domain/data-request.service';
import { runErasure } from '../../src/domain/erasure.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType, Role } from '../../src/entities/enums';
import { loadLinearSolver } from '../../src/plugins/anonymization/linear-solver';
import { buildNoisyReport, DEFAULT_REPORT_SETTINGS } from '../../src/plugins/anonymization/usage-report.service';
import { SharedUsageReports1766001900000 } from '../../src/plugins/anonymization/migrations/1766001900000-shared-usage-reports';
import { narrowerThan } from '../helpers/lp-attacker';
import { errorCode, startTestGateway, tableChecksums, type TestGateway } from '../helpers/test-gateway';

const REPORT = `query($input: UsageReportInput!) { usageReport(input: $input) { dimensions k protectionWidth cells { key count } totals { key count } grandTotal suppressedCells sha256 } }`;

interface Report {
  dimensions: string[];
  k: number;
  protectionWidth: number;
  cells: { key: string[]; count: number | null }[];
  totals: { key: (string | null)[]; count: number | null }[];
  grandTotal: number | null;
  suppressedCells: number;
  sha256: string;
}

describe('the anonymization plugin against real data', () => {
  let t: TestGateway;
  const ops = () => t.token(Role.PRIVACY_OPS);
  const year = new Date().getUTCFullYear();
  const range = { from: new Date(Date.UTC(year - 1, 0, 1)).toISOString(), until: new Date(Date.UTC(year + 1, 0, 1)).toISOString() };

  beforeAll(async () => {
    t = await startTestGateway('anonymization');
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: 400, recipients: 12, collectionEventsPerSubject: 6, disclosuresPerSubject: 2, seed: 5 });
  });
  afterAll(() => t.close());

  it('releases no cell under k, and no suppressed cell can be recovered or narrowed below the protection width by a solver', async () => {
    for (const dimensions of [['PAGE'], ['PAGE', 'REGION'], ['REGION', 'BROWSER', 'DEVICE_TYPE'], ['MONTH', 'PAGE']]) {
      const res = await t.gql<{ usageReport: Report }>(REPORT, { input: { dimensions, ...range, k: 11 } }, ops());
      expect(res.errors).toBeUndefined();
      const report = res.data!.usageReport;
      expect(report.k).toBe(11);
      for (const c of report.cells) if (c.count !== null) expect(c.count === 0 || c.count >= 11).toBe(true);
      for (const tot of report.totals) if (tot.count !== null) expect(tot.count === 0 || tot.count >= 11).toBe(true);
      // The attacker: for every released total, the cells under it with exactly one unknown would reveal it.
      for (const tot of [...report.totals, { key: dimensions.map(() => null), count: report.grandTotal }]) {
        if (tot.count === null) continue;
        const under = report.cells.filter((c) => c.key.every((v, i) => tot.key[i] === null || tot.key[i] === v));
        const unknown = under.filter((c) => c.count === null);
        expect(unknown.length === 0 || unknown.length >= 2).toBe(true);
      }
      // The τ-ARGUS attacker over exactly what the API released: no suppressed count narrower than the width.
      expect(report.protectionWidth).toBe(6);
      expect(narrowerThan(await loadLinearSolver(), { cells: report.cells, totals: report.totals, grandTotal: { key: dimensions.map(() => null), count: report.grandTotal } }, report.protectionWidth)).toEqual([]);
      const [{ n }] = await t.gateway.dataSource.query('SELECT COUNT(*) AS n FROM collection_events WHERE occurred_at >= ? AND occurred_at < ?', [new Date(range.from), new Date(range.until)]);
      if (report.grandTotal !== null) expect(report.grandTotal).toBe(Number(n));
    }
  });

  it('shares a report with a partner as one non-identifiable disclosure carrying the report hash', async () => {
    const [partner] = await t.gateway.dataSource.query(`SELECT id FROM recipients WHERE kind = 'PARTNER' LIMIT 1`);
    const input = { dimensions: ['PAGE', 'REGION'], ...range };
    const res = await t.gql<{ shareUsageReport: { report: Report; disclosure: { id: string; identifiable: boolean; purpose: string; transactionReference: string; user: null } } }>(
      `mutation($p: ID!, $input: UsageReportInput!) { shareUsageReport(partnerId: $p, input: $input) { report { sha256 suppressedCells } disclosure { id identifiable purpose transactionReference user { id } } } }`,
      { p: String(partner.id), input },
      ops(),
    );
    expect(res.errors).toBeUndefined();
    const { report, disclosure } = res.data!.shareUsageReport;
    expect(disclosure).toMatchObject({ identifiable: false, purpose: 'AGGREGATE_ANALYTICS', transactionReference: `usage-report:sha256:${report.sha256}`, user: null });
    const again = await t.gql<{ usageReport: Report }>(REPORT, { input }, ops());
    expect(again.data!.usageReport.sha256).toBe(report.sha256);
  });

  it('gives a partner no report over a window overlapping one it has, save the same report again, and checks concurrent shares in turn', async () => {
    const ds = t.gateway.dataSource;
    // Partners other than the first (the test above shares the whole range with it).
    const partners: { id: number }[] = await ds.query(`SELECT id FROM recipients WHERE kind = 'PARTNER' ORDER BY id LIMIT 3 OFFSET 1`);
    while (partners.length < 3) {
      const inserted = await ds.query(`INSERT INTO recipients (kind, name, allowed_purposes) VALUES ('PARTNER', ?, 'AGGREGATE_ANALYTICS')`, [`Window test partner ${partners.length}`]);
      partners.push({ id: inserted.insertId });
    }
    const [b, c, d] = partners.map((p) => String(p.id));
    const month = (m: number) => new Date(Date.UTC(year - 1, m - 1, 1)).toISOString();
    const share = (p: string, from: number, until: number, dimensions = ['PAGE', 'REGION']) =>
      t.gql<{ shareUsageReport: { report: { sha256: string }; disclosure: { id: string } } }>(
        `mutation($p: ID!, $input: UsageReportInput!) { shareUsageReport(partnerId: $p, input: $input) { report { sha256 } disclosure { id } } }`,
        { p, input: { dimensions, from: month(from), until: month(until) } },
        ops(),
      );
    const janToMar = await share(b, 1, 4);
    expect(janToMar.errors).toBeUndefined();
    const firstId = Number(janToMar.data!.shareUsageReport.disclosure.id);

    const before = await tableChecksums(t.gateway);
    for (const refused of [await share(b, 2, 5), await share(b, 1, 4, ['REGION', 'PAGE']), await share(b, 3, 4, ['PAGE']), await share(b, 1, 13)]) {
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors![0]!.extensions).toMatchObject({ reason: 'WINDOW_OVERLAPS_SHARED_REPORT', disclosureIds: [firstId] });
    }
    expect(await tableChecksums(t.gateway)).toEqual(before);

    // The same report again, a window that only touches, and another partner's overlapping window all go.
    const resent = await share(b, 1, 4);
    expect(resent.errors).toBeUndefined();
    expect(resent.data!.shareUsageReport.report.sha256).toBe(janToMar.data!.shareUsageReport.report.sha256);
    expect((await share(b, 4, 6)).errors).toBeUndefined();
    expect((await share(c, 2, 5)).errors).toBeUndefined();
    const rows: { recipient_id: number; dimensions: string; window_from: Date; window_until: Date; k: number; protection_width: number }[] = await ds.query(
      'SELECT recipient_id, dimensions, window_from, window_until, k, protection_width FROM shared_usage_reports WHERE recipient_id IN (?, ?) ORDER BY id',
      [Number(b), Number(c)],
    );
    expect(rows.map((r) => [String(r.recipient_id), r.dimensions, new Date(r.window_from).toISOString(), new Date(r.window_until).toISOString(), r.k, r.protection_width])).toEqual([
      [b, 'PAGE,REGION', month(1), month(4), 11, 6],
      [b, 'PAGE,REGION', month(1), month(4), 11, 6],
      [b, 'PAGE,REGION', month(4), month(6), 11, 6],
      [c, 'PAGE,REGION', month(2), month(5), 11, 6],
    ]);

    // Two overlapping shares to one partner at once: the partner's row is locked, so exactly one goes.
    const raced = await Promise.all([share(d, 6, 8), share(d, 7, 9)]);
    expect(raced.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(raced.filter((r) => r.errors?.[0]?.extensions?.reason === 'WINDOW_OVERLAPS_SHARED_REPORT')).toHaveLength(1);
    const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM shared_usage_reports WHERE recipient_id = ?', [Number(d)]);
    expect(Number(n)).toBe(1);
  });

  it('builds a differentially private report over every public combination, each person counted at most the cap, totals the sums of the noisy cells', async () => {
    const ds = t.gateway.dataSource;
    // The exact counts under the noise, with the noise taken out through the test seam: one person with 14 visits counts 10.
    const [{ id: heavy }] = await ds.query(`SELECT subject_id AS id FROM collection_events WHERE subject_id IS NOT NULL GROUP BY subject_id ORDER BY subject_id LIMIT 1`);
    const month = new Date(Date.UTC(year - 1, 5, 1));
    await ds.query(
      `INSERT INTO collection_events (subject_id, occurred_at, page, user_agent) VALUES ${Array.from({ length: 14 }, () => '(?, ?, ?, ?)').join(',')}`,
      Array.from({ length: 14 }, (_, i) => [heavy, new Date(month.getTime() + i * 60_000), '/dp-test', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36']).flat(),
    );
    const window = { from: month, until: new Date(Date.UTC(year - 1, 6, 1)) };
    const settings = { ...DEFAULT_REPORT_SETTINGS, dpContributionCap: 10 };
    const exact = await buildNoisyReport(ds.manager, { dimensions: ['MONTH', 'DEVICE_TYPE'], ...window, epsilon: 0.5 }, settings, () => 0);
    const [{ n }] = await ds.query(
      `SELECT SUM(LEAST(c, 10)) AS n FROM (SELECT subject_id, COUNT(*) AS c FROM collection_events WHERE subject_id IS NOT NULL AND occurred_at >= ? AND occurred_at < ? GROUP BY subject_id) per`,
      [window.from, window.until],
    );
    expect(exact.grandTotal).toBe(Number(n));
    expect(exact.cells.map((c) => c.key)).toEqual(['bot', 'desktop', 'mobile', 'tablet', 'unknown'].map((d) => [`${year - 1}-06`, d]));

    const res = await t.gql<{ usageReport: Report & { mode: string; epsilon: number; contributionCap: number } }>(
      `query($input: UsageReportInput!) { usageReport(input: $input) { mode epsilon contributionCap k protectionWidth suppressedCells cells { key count } totals { key count } grandTotal } }`,
      { input: { dimensions: ['MONTH', 'BROWSER'], ...range, mode: 'DIFFERENTIAL_PRIVACY', epsilon: 0.25 } },
      ops(),
    );
    expect(res.errors).toBeUndefined();
    const dp = res.data!.usageReport;
    expect(dp).toMatchObject({ mode: 'DIFFERENTIAL_PRIVACY', epsilon: 0.25, contributionCap: 10, k: 0, protectionWidth: 0, suppressedCells: 0 });
    // 24 months × 7 browser families, every one listed whether anyone came or not.
    expect(dp.cells).toHaveLength(24 * 7);
    expect(dp.cells.every((c) => Number.isInteger(c.count) && (c.count as number) >= 0)).toBe(true);
    const sum = (key: (string | null)[]) => dp.cells.filter((c) => c.key.every((v, i) => key[i] === null || key[i] === v)).reduce((a, c) => a + (c.count as number), 0);
    for (const total of dp.totals) expect(total.count).toBe(sum(total.key));
    expect(dp.grandTotal).toBe(sum([null, null]));
    // The counts are noisy: at scale 10/0.25 = 40 a cell keeps its exact count with probability 0.0125, or about 0.5 when it is 0 (clamped); even with every cell 0, over 50 of 168 differ but for a 5-sigma event.
    const truth = await buildNoisyReport(ds.manager, { dimensions: ['MONTH', 'BROWSER'], from: new Date(range.from), until: new Date(range.until), epsilon: 0.25 }, settings, () => 0);
    expect(truth.cells.map((c) => c.key)).toEqual(dp.cells.map((c) => c.key));
    expect(dp.cells.filter((c, i) => c.count !== truth.cells[i]!.count).length).toBeGreaterThan(50);
  });

  it('refuses a noisy report by a dimension whose values come from the data, without ε, or with a k, and an ε on an exact report', async () => {
    const ask = (input: Record<string, unknown>) => t.gql(REPORT, { input: { ...range, ...input } }, ops());
    const page = await ask({ dimensions: ['MONTH', 'PAGE'], mode: 'DIFFERENTIAL_PRIVACY', epsilon: 0.5 });
    expect([errorCode(page), page.errors![0]!.extensions!.reason]).toEqual(['BAD_USER_INPUT', 'DP_DOMAIN_NOT_PUBLIC']);
    for (const input of [
      { dimensions: ['MONTH'], mode: 'DIFFERENTIAL_PRIVACY' },
      { dimensions: ['MONTH'], mode: 'DIFFERENTIAL_PRIVACY', epsilon: 0.0005 },
      { dimensions: ['MONTH'], mode: 'DIFFERENTIAL_PRIVACY', epsilon: -1 },
      { dimensions: ['MONTH'], mode: 'DIFFERENTIAL_PRIVACY', epsilon: 0.5, k: 11 },
      { dimensions: ['MONTH'], epsilon: 0.5 },
    ]) {
      const res = await ask(input);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions!.field).toMatch(/^(epsilon|k)$/);
    }
    const over = await ask({ dimensions: ['MONTH'], mode: 'DIFFERENTIAL_PRIVACY', epsilon: 1.001 });
    expect(over.errors![0]!.extensions!.reason).toBe('PRIVACY_BUDGET_EXCEEDED');
  });

  it('spends a noisy report’s ε from the partner’s budget, shows what is left, and refuses the report that would pass it, one at a time', async () => {
    const ds = t.gateway.dataSource;
    const made: { id: number }[] = [];
    for (const name of ['DP partner one', 'DP partner two']) {
      const inserted = await ds.query(`INSERT INTO recipients (kind, name, allowed_purposes) VALUES ('PARTNER', ?, 'AGGREGATE_ANALYTICS')`, [name]);
      made.push({ id: inserted.insertId });
    }
    const [one, two] = made.map((p) => String(p.id));
    const share = (p: string, epsilon: number) =>
      t.gql<{ shareUsageReport: { report: { epsilon: number; sha256: string }; privacyBudget: { totalEpsilon: number; spentEpsilon: number; remainingEpsilon: number }; disclosure: { transactionReference: string } } }>(
        `mutation($p: ID!, $input: UsageReportInput!) { shareUsageReport(partnerId: $p, input: $input) { report { epsilon sha256 } privacyBudget { totalEpsilon spentEpsilon remainingEpsilon } disclosure { transactionReference } } }`,
        { p, input: { dimensions: ['MONTH', 'DEVICE_TYPE'], ...range, mode: 'DIFFERENTIAL_PRIVACY', epsilon } },
        ops(),
      );
    const first = await share(one, 0.6);
    expect(first.errors).toBeUndefined();
    expect(first.data!.shareUsageReport.privacyBudget).toEqual({ totalEpsilon: 1, spentEpsilon: 0.6, remainingEpsilon: 0.4 });
    expect(first.data!.shareUsageReport.disclosure.transactionReference).toBe(`usage-report:dp:epsilon=0.600:sha256:${first.data!.shareUsageReport.report.sha256}`);

    const before = await tableChecksums(t.gateway);
    const over = await share(one, 0.5);
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PRIVACY_BUDGET_EXCEEDED', remainingEpsilon: 0.4 });
    expect(await tableChecksums(t.gateway)).toEqual(before);
    // The same window again is no overlap problem for a noisy report: the budget governs it. 0.4 is exactly what is left.
    const last = await share(one, 0.4);
    expect(last.data!.shareUsageReport.privacyBudget).toEqual({ totalEpsilon: 1, spentEpsilon: 1, remainingEpsilon: 0 });
    expect((await share(one, 0.001)).errors![0]!.extensions!.reason).toBe('PRIVACY_BUDGET_EXCEEDED');

    // Two at once that together pass the budget: the partner's row is locked, so exactly one goes.
    const raced = await Promise.all([share(two, 0.6), share(two, 0.6)]);
    expect(raced.filter((r) => r.errors === undefined)).toHaveLength(1);
    const [{ spent }] = await ds.query(`SELECT SUM(epsilon) AS spent FROM shared_usage_reports WHERE recipient_id = ?`, [Number(two)]);
    expect(Number(spent)).toBe(0.6);
  });

  it('enters reports shared before the window table existed as covering every window, so such a partner gets no further exact report until reviewed', async () => {
    const ds = t.gateway.dataSource;
    const inserted = await ds.query(`INSERT INTO recipients (kind, name, allowed_purposes) VALUES ('PARTNER', 'Partner from before', 'AGGREGATE_ANALYTICS')`);
    const partner = Number(inserted.insertId);
    const legacy = await ds.query(
      `INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, transaction_reference, occurred_at, recorded_by) VALUES (NULL, ?, 'AGGREGATE_ANALYTICS', 0, ?, NOW(3), 'test')`,
      [partner, `usage-report:sha256:${'ab'.repeat(32)}`],
    );
    // The migration's backfill, as it ran over the disclosures of an upgraded database (this one's ran before the row existed).
    await ds.query('DELETE FROM shared_usage_reports WHERE recipient_id = ?', [partner]);
    const runner = ds.createQueryRunner();
    try {
      await new SharedUsageReports1766001900000().upBackfill(runner);
    } finally {
      await runner.release();
    }
    const rows: { disclosure_id: number; sha256: string; dimensions: string }[] = await ds.query('SELECT disclosure_id, sha256, dimensions FROM shared_usage_reports WHERE recipient_id = ?', [partner]);
    expect(rows).toEqual([{ disclosure_id: Number(legacy.insertId), sha256: 'ab'.repeat(32), dimensions: '(unknown)' }]);
    const month = new Date(Date.UTC(year - 1, 2, 1)).toISOString();
    const refused = await t.gql(
      `mutation($p: ID!, $input: UsageReportInput!) { shareUsageReport(partnerId: $p, input: $input) { report { sha256 } } }`,
      { p: String(partner), input: { dimensions: ['PAGE'], from: month, until: new Date(Date.UTC(year - 1, 3, 1)).toISOString() } },
      ops(),
    );
    expect(refused.errors![0]!.extensions).toMatchObject({ reason: 'WINDOW_OVERLAPS_SHARED_REPORT', disclosureIds: [Number(legacy.insertId)] });
  });

  it('answers two windows a millisecond apart with the same report: whole months only, so no difference names a visit', async () => {
    const shifted = { from: new Date(new Date(range.from).getTime() + 1).toISOString(), until: new Date(new Date(range.until).getTime() - 1).toISOString() };
    const a = await t.gql<{ usageReport: Report & { from: string; until: string } }>(`query($input: UsageReportInput!) { usageReport(input: $input) { from until sha256 grandTotal cells { key count } } }`, { input: { dimensions: ['PAGE', 'REGION'], ...range } }, ops());
    const b = await t.gql<{ usageReport: Report & { from: string; until: string } }>(`query($input: UsageReportInput!) { usageReport(input: $input) { from until sha256 grandTotal cells { key count } } }`, { input: { dimensions: ['PAGE', 'REGION'], ...shifted } }, ops());
    expect(a.errors).toBeUndefined();
    expect(b.data!.usageReport).toEqual(a.data!.usageReport);
    expect(a.data!.usageReport.from).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
    expect(a.data!.usageReport.until).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
  });

  it('refuses a recipient that is not a partner, k below the configured floor, and the wrong roles, changing nothing', async () => {
    const [agent] = await t.gateway.dataSource.query(`SELECT id FROM recipients WHERE kind = 'AGENT' LIMIT 1`);
    const before = await tableChecksums(t.gateway);
    const share = (p: string, input: Record<string, unknown>, token = ops()) =>
      t.gql(`mutation($p: ID!, $input: UsageReportInput!) { shareUsageReport(partnerId: $p, input: $input) { report { sha256 } } }`, { p, input }, token);
    const notPartner = await share(String(agent.id), { dimensions: ['PAGE'], ...range });
    expect(errorCode(notPartner)).toBe('BAD_USER_INPUT');
    expect(notPartner.errors![0]!.extensions!.reason).toBe('NOT_A_PARTNER');
    expect(errorCode(await share('999999', { dimensions: ['PAGE'], ...range }))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(REPORT, { input: { dimensions: ['PAGE'], ...range, k: 1 } }, ops()))).toBe('BAD_USER_INPUT');
    // The configured k (11 here) is a floor: a shared report with k lowered to 5 is refused, and records no disclosure.
    const [partner] = await t.gateway.dataSource.query(`SELECT id FROM recipients WHERE kind = 'PARTNER' LIMIT 1`);
    const lowered = await share(String(partner.id), { dimensions: ['PAGE'], ...range, k: 5 });
    expect([errorCode(lowered), lowered.errors![0]!.extensions!.reason]).toEqual(['BAD_USER_INPUT', 'K_BELOW_MINIMUM']);
    expect(errorCode(await t.gql(REPORT, { input: { dimensions: ['PAGE'], ...range, k: 10 } }, ops()))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(REPORT, { input: { dimensions: ['PAGE'], from: range.until, until: range.from } }, ops()))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(REPORT, { input: { dimensions: ['PAGE'], ...range } }, t.token(Role.APP)))).toBe('FORBIDDEN');
    expect(await tableChecksums(t.gateway)).toEqual(before);
  });

  it('de-identifies a subject’s collection events on erasure, so the counts survive without the person', async () => {
    const ds = t.gateway.dataSource;
    const subjectId = 33;
    const [{ n: totalBefore }] = await ds.query('SELECT COUNT(*) AS n FROM collection_events');
    const eventIds: { id: number }[] = await ds.query('SELECT id FROM collection_events WHERE subject_id = ?', [subjectId]);
    expect(eventIds.length).toBe(6);
    const opened = await inTransaction(ds, (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
    const outcome = await t.gateway.run((uow) => runErasure(uow.em, systemActor, opened.request.id, t.gateway.hooks, uow)).then((o) => o.result);
    expect(outcome).toMatchObject({ status: 'COMPLETED', erased: { collection_events_deidentified: 6 } });
    // The plugin took the step over: the core deleted nothing and no event is still linked.
    expect(outcome).not.toHaveProperty('erased.collection_events');
    expect(await ds.query('SELECT id FROM collection_events WHERE subject_id = ?', [subjectId])).toEqual([]);
    const [{ n: totalAfter }] = await ds.query('SELECT COUNT(*) AS n FROM collection_events');
    expect(Number(totalAfter)).toBe(Number(totalBefore));
    const events: Record<string, unknown>[] = await ds.query('SELECT * FROM collection_events WHERE id IN (?)', [eventIds.map((e) => e.id)]);
    for (const e of events) {
      expect(e).toMatchObject({ subject_id: null, device_id: null, cookie_id: null, de_identified: 1 });
      expect(String(e.ip_address)).toMatch(/^\d+\.\d+\.\d+\.0\/24$/);
      expect(String(e.user_agent)).toMatch(/^(Chrome|Firefox|Safari|Edge|Opera|Samsung Internet|Other); (mobile|tablet|desktop|bot|unknown)$/);
      expect(new Date(e.occurred_at as string).getUTCDate()).toBe(1);
    }
    const [{ n: linked }] = await ds.query('SELECT COUNT(*) AS n FROM disclosures WHERE subject_id = ?', [subjectId]);
    expect(Number(linked)).toBe(0);
  });

  it('gives other plugins a k-anonymity service: every class of a real table has at least k rows', async () => {
    const anonymizer = t.gateway.plugins.services.anonymizer!;
    const rows: { id: number; region: string; birth_date: Date; created_at: Date }[] = await t.gateway.dataSource.query(`SELECT id, region, birth_date, created_at FROM subjects WHERE status = 'ACTIVE'`);
    const table = rows.map((r) => ({ id: anonymizer.pseudonymize(String(r.id), 'test'), region: r.region, ageBand: anonymizer.ageBand(new Date(r.birth_date).toISOString().slice(0, 10), new Date()), signup: anonymizer.month(new Date(r.created_at)) }));
    const result = anonymizer.kAnonymize(table, { quasiIdentifiers: [{ column: 'region', kind: 'REGION' }, { column: 'ageBand', kind: 'AGE_BAND' }, { column: 'signup', kind: 'SIGNUP_MONTH' }], k: 11 });
    expect(result.kAchieved).toBeGreaterThanOrEqual(11);
    const classes = new Map<string, number>();
    for (const r of result.rows) classes.set(JSON.stringify([r.region, r.ageBand, r.signup]), (classes.get(JSON.stringify([r.region, r.ageBand, r.signup])) ?? 0) + 1);
    for (const size of classes.values()) expect(size).toBeGreaterThanOrEqual(11);
    expect(result.rows.length + result.suppressedRows).toBe(table.length);
    expect(table[0]!.id).toMatch(/^ps_k1_[0-9a-f]{32}$/);
  });
});
