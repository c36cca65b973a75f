import type { EntityManager } from 'typeorm';
import { buildUsageReport, DEFAULT_REPORT_SETTINGS, MIN_K, wholeMonths } from '../../src/plugins/anonymization/usage-report.service';

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
