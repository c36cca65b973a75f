import type { EntityManager } from 'typeorm';
import { buildNoisyReport, buildUsageReport, DEFAULT_REPORT_SETTINGS, marginsOf, MIN_K, wholeMonths } from '../../src/plugins/anonymization/usage-report.service';

// Validation runs before any statement: an EntityManager that answers an empty table is enough.
const em = { query: async () => [] } as unknown as EntityManager;
const period = { dimensions: ['PAGE' as const], from: new Date('2026-01-01T00:00:00Z'), until: new Date('2026-02-01T00:00:00Z') };

describe('usage reports: k is a floor, not an argument (issue 26, point 3)', () => {
  it('takes the configured k when none is given, and any larger one up to 1000', async () => {
    expect((await buildUsageReport(em, period, 11)).k).toBe(11);
    expect((await buildUsageReport(em, { ...period, k: 11 }, 11)).k).toBe(11);
    expect((await buildUsageReport(em, { ...period, k: 12 }, 11)).k).toBe(12);
    expect((await buildUsageReport(em, { ...period, k: 1000 }, 11)).k).toBe(1000);
    expect((await buildUsageReport(em, { ...period, k: MIN_K }, MIN_K)).k).toBe(2);
  });
  it('refuses one below the configured k, with its reason, and what is out of range', async () => {
    await expect(buildUsageReport(em, { ...period, k: 10 }, 11)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'k may be raised above the configured 11, never lowered below it (smaller cells would be released)',
      details: { field: 'k', reason: 'K_BELOW_MINIMUM' },
    });
    await expect(buildUsageReport(em, { ...period, k: 2 }, 3)).rejects.toMatchObject({ details: { reason: 'K_BELOW_MINIMUM' } });
    for (const k of [1, 1001, 11.5]) await expect(buildUsageReport(em, { ...period, k }, 11)).rejects.toMatchObject({ message: 'k must be an integer from 2 to 1000', details: { field: 'k' } });
  });
});

describe('usage reports cover whole calendar months (issue 26, point 2)', () => {
  const d = (s: string) => new Date(s);
  it('widens a window to the months it touches, in UTC, and leaves month boundaries as they are', () => {
    expect(wholeMonths(d('2026-03-15T10:00:00Z'), d('2026-04-02T00:00:00Z'))).toEqual({ from: d('2026-03-01T00:00:00Z'), until: d('2026-05-01T00:00:00Z') });
    expect(wholeMonths(d('2026-03-01T00:00:00Z'), d('2026-04-01T00:00:00Z'))).toEqual({ from: d('2026-03-01T00:00:00Z'), until: d('2026-04-01T00:00:00Z') });
    // One millisecond either side of a boundary.
    expect(wholeMonths(d('2026-02-28T23:59:59.999Z'), d('2026-04-01T00:00:00.001Z'))).toEqual({ from: d('2026-02-01T00:00:00Z'), until: d('2026-05-01T00:00:00Z') });
    expect(wholeMonths(d('2026-03-01T00:00:00.001Z'), d('2026-03-31T23:59:59.999Z'))).toEqual({ from: d('2026-03-01T00:00:00Z'), until: d('2026-04-01T00:00:00Z') });
    // Across a year, and December's end.
    expect(wholeMonths(d('2025-12-31T23:00:00Z'), d('2026-01-01T00:00:01Z'))).toEqual({ from: d('2025-12-01T00:00:00Z'), until: d('2026-02-01T00:00:00Z') });
    expect(wholeMonths(d('2026-12-05T00:00:00Z'), d('2026-12-31T12:00:00Z'))).toEqual({ from: d('2026-12-01T00:00:00Z'), until: d('2027-01-01T00:00:00Z') });
  });
  it('reports the window it counted, so two windows a moment apart are the same report', async () => {
    const seen: unknown[][] = [];
    const recording = { query: async (_sql: string, params: unknown[]) => (seen.push(params), []) } as unknown as EntityManager;
    const a = await buildUsageReport(recording, { dimensions: ['PAGE'], from: d('2026-01-10T00:00:00Z'), until: d('2026-02-20T00:00:00Z') }, 11);
    const b = await buildUsageReport(recording, { dimensions: ['PAGE'], from: d('2026-01-10T00:00:00.001Z'), until: d('2026-02-20T00:00:00.001Z') }, 11);
    expect([a.from, a.until]).toEqual([d('2026-01-01T00:00:00Z'), d('2026-03-01T00:00:00Z')]);
    expect(a.sha256).toBe(b.sha256);
    expect(seen).toEqual([[d('2026-01-01T00:00:00Z'), d('2026-03-01T00:00:00Z')], [d('2026-01-01T00:00:00Z'), d('2026-03-01T00:00:00Z')]]);
  });
});

describe('usage reports: the window asked for', () => {
  const from = new Date('2024-01-01T00:00:00Z');
  it('needs from before until, and at most 731 days between them', async () => {
    await expect(buildUsageReport(em, { dimensions: ['PAGE'], from, until: from }, 11)).rejects.toMatchObject({ message: 'from must be before until', details: { field: 'from' } });
    await expect(buildUsageReport(em, { dimensions: ['PAGE'], from, until: new Date(from.getTime() - 1) }, 11)).rejects.toMatchObject({ details: { field: 'from' } });
    expect((await buildUsageReport(em, { dimensions: ['PAGE'], from, until: new Date(from.getTime() + 1) }, 11)).until).toEqual(new Date('2024-02-01T00:00:00Z'));
    const longest = new Date(from.getTime() + 731 * 86400_000);
    expect((await buildUsageReport(em, { dimensions: ['PAGE'], from, until: longest }, 11)).from).toEqual(from);
    await expect(buildUsageReport(em, { dimensions: ['PAGE'], from, until: new Date(longest.getTime() + 1) }, 11)).rejects.toMatchObject({ message: 'a report covers at most 731 days', details: { field: 'until' } });
  });
  it('counts by one to three distinct dimensions', async () => {
    await expect(buildUsageReport(em, { dimensions: [], from, until: new Date('2024-02-01T00:00:00Z') }, 11)).rejects.toMatchObject({ message: 'choose one to three dimensions' });
    await expect(buildUsageReport(em, { dimensions: ['PAGE', 'MONTH', 'REGION', 'BROWSER'], from, until: new Date('2024-02-01T00:00:00Z') }, 11)).rejects.toMatchObject({ details: { field: 'dimensions' } });
    expect((await buildUsageReport(em, { dimensions: ['PAGE', 'PAGE', 'MONTH', 'REGION'], from, until: new Date('2024-02-01T00:00:00Z') }, 11)).dimensions).toEqual(['PAGE', 'MONTH', 'REGION']);
  });
});

describe('usage reports: the size the solver audit allows', () => {
  // A table of `n` pages with one visit each, as the GROUP BY would answer it.
  const pages = (n: number) => ({ query: async () => Array.from({ length: n }, (_, i) => ({ page: `/p${i}`, month: '2026-01', region: null, user_agent: null, n: 1 })) }) as unknown as EntityManager;
  it('builds a report of exactly the most cells allowed, and refuses one more before suppressing anything', async () => {
    const settings = { ...DEFAULT_REPORT_SETTINGS, maxCells: 12 };
    const atLimit = await buildUsageReport(pages(12), period, 11, settings);
    expect(atLimit.cells).toHaveLength(12);
    expect(atLimit.protectionWidth).toBe(6);
    await expect(buildUsageReport(pages(13), period, 11, settings)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'this report would list 13 cells, more than the 12 a report may (USAGE_REPORT_MAX_CELLS): choose fewer or coarser dimensions or a shorter period',
      details: { field: 'dimensions', reason: 'REPORT_TOO_LARGE' },
    });
  });
  it('states the protection width it applied: ⌈k × percent / 100⌉', async () => {
    expect((await buildUsageReport(em, { ...period, k: 13 }, 11)).protectionWidth).toBe(7);
    expect((await buildUsageReport(em, period, 11, { ...DEFAULT_REPORT_SETTINGS, protectionPercent: 100 })).protectionWidth).toBe(11);
  });
});

describe('usage reports: differential privacy at its edges (issue 26, point 5)', () => {
  const dp = { dimensions: ['MONTH' as const, 'DEVICE_TYPE' as const], from: new Date('2026-01-15T00:00:00Z'), until: new Date('2026-03-01T00:00:00Z'), mode: 'DIFFERENTIAL_PRIVACY' as const };
  it('lists every combination of public values over whole months, with the ε and the cap, and no k', async () => {
    const r = await buildNoisyReport(em, { ...dp, epsilon: 1 }, DEFAULT_REPORT_SETTINGS, () => 2);
    expect(r.cells.map((c) => c.key.join('/'))).toEqual(['2026-01', '2026-02'].flatMap((m) => ['bot', 'desktop', 'mobile', 'tablet', 'unknown'].map((d) => `${m}/${d}`)));
    expect(r.cells.every((c) => c.count === 2)).toBe(true);
    expect(r).toMatchObject({ mode: 'DIFFERENTIAL_PRIVACY', epsilon: 1, contributionCap: 10, k: 0, protectionWidth: 0, suppressedCells: 0, grandTotal: 20, from: new Date('2026-01-01T00:00:00Z') });
    expect(r.totals.slice(0, 2)).toEqual([{ key: ['2026-01', null], count: 10 }, { key: ['2026-02', null], count: 10 }]);
    // Negative noise on an empty cell shows 0; the totals add what is shown.
    const clamped = await buildNoisyReport(em, { ...dp, dimensions: ['BROWSER'], epsilon: 1 }, DEFAULT_REPORT_SETTINGS, () => -3);
    expect(clamped.cells).toHaveLength(7);
    expect([clamped.cells.every((c) => c.count === 0), clamped.grandTotal]).toEqual([true, 0]);
    // Through buildUsageReport, with real noise: 3 × 5 cells over three months.
    const real = await buildUsageReport(em, { ...dp, epsilon: 0.5, from: new Date('2026-01-01T00:00:00Z'), until: new Date('2026-03-02T00:00:00Z') }, 11);
    expect([real.cells.length, real.mode, real.epsilon]).toEqual([15, 'DIFFERENTIAL_PRIVACY', 0.5]);
  });
  it('refuses data-born dimensions, a missing or malformed ε, a k, an ε past the budget, and an ε on an exact report', async () => {
    await expect(buildUsageReport(em, { ...dp, dimensions: ['MONTH', 'REGION'], epsilon: 1 }, 11)).rejects.toMatchObject({ details: { field: 'dimensions', reason: 'DP_DOMAIN_NOT_PUBLIC' } });
    await expect(buildUsageReport(em, { ...dp, dimensions: ['PAGE'], epsilon: 1 }, 11)).rejects.toMatchObject({ message: expect.stringContaining('the values of PAGE come from the data') });
    await expect(buildUsageReport(em, dp, 11)).rejects.toMatchObject({ message: 'a DIFFERENTIAL_PRIVACY report needs epsilon, its privacy loss', details: { field: 'epsilon' } });
    for (const epsilon of [0, 0.0004, -1]) await expect(buildUsageReport(em, { ...dp, epsilon }, 11)).rejects.toMatchObject({ message: 'epsilon must be a positive multiple of 0.001' });
    await expect(buildUsageReport(em, { ...dp, epsilon: 1, k: 11 }, 11)).rejects.toMatchObject({ details: { field: 'k' } });
    const budget = { ...DEFAULT_REPORT_SETTINGS, dpPartnerEpsilonBudget: 0.5 };
    expect((await buildUsageReport(em, { ...dp, epsilon: 0.5 }, 11, budget)).epsilon).toBe(0.5);
    await expect(buildUsageReport(em, { ...dp, epsilon: 0.501 }, 11, budget)).rejects.toMatchObject({ details: { field: 'epsilon', reason: 'PRIVACY_BUDGET_EXCEEDED' } });
    await expect(buildUsageReport(em, { ...period, epsilon: 0.5 }, 11)).rejects.toMatchObject({ message: 'epsilon applies to DIFFERENTIAL_PRIVACY reports only' });
    await expect(buildUsageReport(em, { ...dp, epsilon: 1, until: dp.from }, 11)).rejects.toMatchObject({ details: { field: 'from' } });
    await expect(buildUsageReport(em, { ...dp, epsilon: 1, until: new Date(dp.from.getTime() + 731 * 86400_000 + 1) }, 11)).rejects.toMatchObject({ details: { field: 'until' } });
  });
  it('sums every margin of a table, fewest fixed parts first', () => {
    const m = marginsOf([{ key: ['a', 'x'], count: 1 }, { key: ['a', 'y'], count: 2 }, { key: ['b', 'x'], count: 4 }], 2);
    expect(m).toEqual([
      { key: [null, null], count: 7 },
      { key: ['a', null], count: 3 },
      { key: ['b', null], count: 4 },
      { key: [null, 'x'], count: 5 },
      { key: [null, 'y'], count: 2 },
    ]);
    expect(marginsOf([], 3)).toEqual([]);
  });
});
