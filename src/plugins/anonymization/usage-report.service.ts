import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput } from '../../domain/errors';
import { conflictingShares } from './report-windows.rules';
import { SharedUsageReport } from './shared-usage-report.entity';
import { protectionWidth, suppressCells, type CellSuppressionResult } from './cell-suppression';
import { loadLinearSolver } from './linear-solver';
import { pathOnly } from './de-identification';
import { countNoise, cryptoUniform, epsilonThousandths } from './discrete-laplace';
import { BROWSER_FAMILIES, DEVICE_TYPES, userAgentFamily } from './strategies';

export type UsageDimension = 'PAGE' | 'MONTH' | 'REGION' | 'BROWSER' | 'DEVICE_TYPE';
export const USAGE_DIMENSIONS: UsageDimension[] = ['PAGE', 'MONTH', 'REGION', 'BROWSER', 'DEVICE_TYPE'];

export type UsageReportMode = 'SUPPRESSION' | 'DIFFERENTIAL_PRIVACY';

export interface UsageReportInput {
  dimensions: UsageDimension[];
  from: Date;
  until: Date;
  k?: number | null;
  mode?: UsageReportMode | null;
  /** The privacy loss of a DIFFERENTIAL_PRIVACY report. */
  epsilon?: number | null;
}

export interface UsageReport {
  dimensions: UsageDimension[];
  from: Date;
  until: Date;
  mode: UsageReportMode;
  /** DIFFERENTIAL_PRIVACY: the privacy loss ε of this report; null otherwise. */
  epsilon: number | null;
  /** DIFFERENTIAL_PRIVACY: the most visits of one person counted (the sensitivity); null otherwise. */
  contributionCap: number | null;
  /** The minimum cell size applied; 0 in DIFFERENTIAL_PRIVACY mode, where none is. */
  k: number;
  /** Every suppressed count's range, given the whole release, spans at least this many. */
  protectionWidth: number;
  /** Released cells; a suppressed cell has count null (one symbol for every suppression). */
  cells: { key: string[]; count: number | null }[];
  totals: { key: (string | null)[]; count: number | null }[];
  grandTotal: number | null;
  suppressedCells: number;
  /** SHA-256 of the canonical JSON of what is released. */
  sha256: string;
}

export const MIN_K = 2;

/** The window widened to whole UTC calendar months: from the first of from's month to the first month boundary at or after until. */
export function wholeMonths(from: Date, until: Date): { from: Date; until: Date } {
  const start = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
  const floor = new Date(Date.UTC(until.getUTCFullYear(), until.getUTCMonth(), 1));
  return { from: start, until: floor.getTime() === until.getTime() ? floor : new Date(Date.UTC(until.getUTCFullYear(), until.getUTCMonth() + 1, 1)) };
}
const MAX_RANGE_DAYS = 731;

/** Both modes: a window that runs forward, and not too far. */
function assertWindow(input: { from: Date; until: Date }): void {
  if (!(input.from < input.until)) throw badInput('from must be before until', { field: 'from' });
  if (input.until.getTime() - input.from.getTime() > MAX_RANGE_DAYS * 86400_000) throw badInput(`a report covers at most ${MAX_RANGE_DAYS} days`, { field: 'until' });
}

/** The report with the SHA-256 of its canonical JSON (dates in ISO 8601): what a shared report's disclosure cites. */
function withHash(report: Omit<UsageReport, 'sha256'>): UsageReport {
  const sha256 = createHash('sha256').update(JSON.stringify({ ...report, from: report.from.toISOString(), until: report.until.toISOString() })).digest('hex');
  return { ...report, sha256 };
}

export interface ReportSettings {
  /** The protection width as a percentage of k. */
  protectionPercent: number;
  /** The most cells a report may list: the solver audit's time grows faster than the table. */
  maxCells: number;
  /** DIFFERENTIAL_PRIVACY: the most visits of one person a report counts. */
  dpContributionCap: number;
  /** DIFFERENTIAL_PRIVACY: the ε a partner may receive in all. */
  dpPartnerEpsilonBudget: number;
}

export const DEFAULT_REPORT_SETTINGS: ReportSettings = { protectionPercent: 50, maxCells: 1000, dpContributionCap: 10, dpPartnerEpsilonBudget: 1 };

/**
 * Counts collection events by the chosen dimensions and releases them with every cell under
 * k suppressed, plus secondary suppression until a linear-programming audit of the whole release
 * leaves every suppressed count a range at least the protection width wide.
 */

export async function buildUsageReport(em: EntityManager, input: UsageReportInput, defaultK: number, settings: ReportSettings = DEFAULT_REPORT_SETTINGS): Promise<UsageReport> {
  const dimensions = [...new Set(input.dimensions)];
  if (dimensions.length === 0 || dimensions.length > 3) throw badInput('choose one to three dimensions', { field: 'dimensions' });
  if (input.mode === 'DIFFERENTIAL_PRIVACY') return buildNoisyReport(em, { ...input, dimensions }, settings);
  if (input.epsilon !== null && input.epsilon !== undefined) throw badInput('epsilon applies to DIFFERENTIAL_PRIVACY reports only', { field: 'epsilon' });
  const k = input.k ?? defaultK;
  if (!Number.isInteger(k) || k < MIN_K || k > 1000) throw badInput(`k must be an integer from ${MIN_K} to 1000`, { field: 'k' });
  // The configured k is a floor (issue 26): a caller may ask for larger cells, never smaller ones.
  if (k < defaultK) throw badInput(`k may be raised above the configured ${defaultK}, never lowered below it (smaller cells would be released)`, { field: 'k', reason: 'K_BELOW_MINIMUM' });
  assertWindow(input);
  // Whole calendar months only (issue 26, point 2): two reports whose windows differ by a moment
  // would otherwise differ by the visits of that moment, and their difference would name them.
  const { from, until } = wholeMonths(input.from, input.until);

  // Grouped in SQL by the raw columns; browser and device come from the user agent in code.
  const rows: { page: string | null; month: string; region: string | null; user_agent: string | null; n: number }[] = await em.query(
    `SELECT page, DATE_FORMAT(occurred_at, '%Y-%m') AS month, region, user_agent, COUNT(*) AS n
       FROM collection_events WHERE occurred_at >= ? AND occurred_at < ?
      GROUP BY page, month, region, user_agent`,
    [from, until],
  );
  const counts = new Map<string, { key: string[]; count: number }>();
  for (const r of rows) {
    const ua = userAgentFamily(r.user_agent);
    const value: Record<UsageDimension, string> = {
      PAGE: pathOnly(r.page) ?? '(unknown)',
      MONTH: r.month,
      REGION: r.region ?? '(unknown)',
      BROWSER: ua.browser,
      DEVICE_TYPE: ua.deviceType,
    };
    const key = dimensions.map((d) => value[d]);
    const id = JSON.stringify(key);
    const cell = counts.get(id) ?? { key, count: 0 };
    cell.count += Number(r.n);
    counts.set(id, cell);
  }
  const cells = [...counts.values()].sort((a, b) => (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1));
  if (cells.length > settings.maxCells) {
    throw badInput(`this report would list ${cells.length} cells, more than the ${settings.maxCells} a report may (USAGE_REPORT_MAX_CELLS): choose fewer or coarser dimensions or a shorter period`, { field: 'dimensions', reason: 'REPORT_TOO_LARGE' });
  }
  const width = protectionWidth(k, settings.protectionPercent);
  const released: CellSuppressionResult = suppressCells(cells, dimensions, k, { solver: await loadLinearSolver(), width });
  const report = {
    dimensions,
    from,
    until,
    mode: 'SUPPRESSION' as const,
    epsilon: null,
    contributionCap: null,
    k,
    protectionWidth: width,
    cells: released.cells.map((c) => ({ key: c.key, count: c.count })),
    totals: released.totals.map((t) => ({ key: t.key, count: t.count })),
    grandTotal: released.grandTotal.count,
    suppressedCells: released.cells.filter((c) => c.count === null).length,
  };
  return withHash(report);
}

/** Dimensions whose values are known before the data is read, the only ones a noisy report may use. */
const PUBLIC_DOMAINS: Partial<Record<UsageDimension, (from: Date, until: Date) => string[]>> = {
  MONTH: (from, until) => {
    const months: string[] = [];
    for (let m = new Date(from); m < until; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) months.push(m.toISOString().slice(0, 7));
    return months;
  },
  BROWSER: () => [...BROWSER_FAMILIES],
  DEVICE_TYPE: () => [...DEVICE_TYPES],
};

/** Every margin of a table as sums of its cells (null parts: summed over), fewest fixed parts first. */
export function marginsOf(cells: readonly { key: readonly string[]; count: number }[], n: number): { key: (string | null)[]; count: number }[] {
  const totals = new Map<string, { key: (string | null)[]; count: number }>();
  for (const cell of cells) {
    for (let mask = 1; mask < 1 << n; mask++) {
      const key = cell.key.map((part, d) => (mask & (1 << d) ? null : part));
      const id = JSON.stringify(key);
      const total = totals.get(id) ?? { key, count: 0 };
      total.count += cell.count;
      totals.set(id, total);
    }
  }
  const fixed = (key: (string | null)[]) => key.filter((p) => p !== null).length;
  return [...totals.values()].sort((a, b) => fixed(a.key) - fixed(b.key) || (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1));
}

/**
 * A differentially private report (issue 26, point 5): every combination of the dimensions'
 * public values is a cell (so which cells exist says nothing), each person counts with at most
 * `dpContributionCap` visits (their first ones in the window), visits no longer linked to a person
 * are left out (their person cannot be bounded), and each cell gets discrete Laplace noise of
 * scale cap/ε. Counts below 0 are shown as 0, and the totals are sums of the noisy cells: both
 * are post-processing, which spends no more ε.
 */
export async function buildNoisyReport(
  em: EntityManager,
  input: UsageReportInput & { dimensions: UsageDimension[] },
  settings: ReportSettings,
  // A seam for tests that check the exact counts under the noise: never replaced in the gateway.
  noise: (epsilon: number, sensitivity: number) => number = (epsilon, sensitivity) => countNoise(epsilon, sensitivity, cryptoUniform),
): Promise<UsageReport> {
  const dimensions = input.dimensions;
  const closed = dimensions.filter((d) => !PUBLIC_DOMAINS[d]);
  if (closed.length > 0) {
    throw badInput(`a DIFFERENTIAL_PRIVACY report counts by MONTH, BROWSER and DEVICE_TYPE only: the values of ${closed.join(' and ')} come from the data, and listing them would reveal who was there`, { field: 'dimensions', reason: 'DP_DOMAIN_NOT_PUBLIC' });
  }
  if (input.k !== null && input.k !== undefined) throw badInput('k applies to SUPPRESSION reports only: a DIFFERENTIAL_PRIVACY report suppresses nothing', { field: 'k' });
  const epsilon = input.epsilon;
  if (epsilon === null || epsilon === undefined) throw badInput('a DIFFERENTIAL_PRIVACY report needs epsilon, its privacy loss', { field: 'epsilon' });
  try {
    epsilonThousandths(epsilon);
  } catch {
    throw badInput('epsilon must be a positive multiple of 0.001', { field: 'epsilon' });
  }
  if (epsilon > settings.dpPartnerEpsilonBudget) throw badInput(`epsilon may be at most the partner budget, ${settings.dpPartnerEpsilonBudget}`, { field: 'epsilon', reason: 'PRIVACY_BUDGET_EXCEEDED' });
  assertWindow(input);
  const { from, until } = wholeMonths(input.from, input.until);

  const cap = settings.dpContributionCap;
  const rows: { month: string; user_agent: string | null; n: number }[] = await em.query(
    `SELECT DATE_FORMAT(occurred_at, '%Y-%m') AS month, user_agent, COUNT(*) AS n
       FROM (SELECT occurred_at, user_agent, ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY occurred_at, id) AS nth
               FROM collection_events WHERE occurred_at >= ? AND occurred_at < ? AND subject_id IS NOT NULL) capped
      WHERE nth <= ?
      GROUP BY month, user_agent`,
    [from, until, cap],
  );
  const exact = new Map<string, number>();
  for (const r of rows) {
    const ua = userAgentFamily(r.user_agent);
    const value: Partial<Record<UsageDimension, string>> = { MONTH: r.month, BROWSER: ua.browser, DEVICE_TYPE: ua.deviceType };
    const id = JSON.stringify(dimensions.map((d) => value[d]));
    exact.set(id, (exact.get(id) ?? 0) + Number(r.n));
  }
  let keys: string[][] = [[]];
  for (const d of dimensions) {
    const values = (PUBLIC_DOMAINS[d] as (f: Date, u: Date) => string[])(from, until);
    keys = keys.flatMap((prefix) => values.map((v) => [...prefix, v]));
  }
  const cells = keys.map((key) => ({ key, count: Math.max(0, (exact.get(JSON.stringify(key)) ?? 0) + noise(epsilon, cap)) }));
  const margins = marginsOf(cells, dimensions.length);
  // Fewest fixed parts first: the grand total leads.
  const grand = margins.shift() as { count: number };
  const report = {
    dimensions,
    from,
    until,
    mode: 'DIFFERENTIAL_PRIVACY' as const,
    epsilon,
    contributionCap: cap,
    k: 0,
    protectionWidth: 0,
    cells,
    totals: margins,
    grandTotal: grand.count,
    suppressedCells: 0,
  };
  return withHash(report);
}

export interface PrivacyBudget {
  totalEpsilon: number;
  spentEpsilon: number;
  remainingEpsilon: number;
}

/**
 * Spends a noisy report's ε from the partner's budget, or refuses it: the ε a partner has received
 * adds up (sequential composition), and past the budget no report goes. Call it with the
 * partner's row locked. Counted in thousandths, so no float drift lets a report slip through.
 */
export async function spendPrivacyBudget(em: EntityManager, partnerId: number, report: UsageReport, budget: number): Promise<PrivacyBudget> {
  const [row] = await em.query(`SELECT COALESCE(SUM(epsilon), 0) AS spent FROM shared_usage_reports WHERE recipient_id = ? AND mode = 'DIFFERENTIAL_PRIVACY'`, [partnerId]);
  const spent = Math.round(Number(row?.spent ?? 0) * 1000);
  const asked = epsilonThousandths(report.epsilon as number);
  const total = Math.round(budget * 1000);
  if (spent + asked > total) {
    throw badInput(`partner ${partnerId} has ${(total - spent) / 1000} of its ε budget ${budget} left, less than the ${report.epsilon} this report would spend`, {
      field: 'epsilon',
      reason: 'PRIVACY_BUDGET_EXCEEDED',
      spentEpsilon: spent / 1000,
      remainingEpsilon: (total - spent) / 1000,
    });
  }
  return { totalEpsilon: total / 1000, spentEpsilon: (spent + asked) / 1000, remainingEpsilon: (total - spent - asked) / 1000 };
}

/** The data categories a report with these dimensions is derived from. */
export function reportCategories(dimensions: UsageDimension[]): string[] {
  const cats = new Set<string>();
  for (const d of dimensions) {
    if (d === 'PAGE') cats.add('user.behavior.browsing_history');
    if (d === 'REGION') cats.add('user.location.imprecise');
    if (d === 'BROWSER' || d === 'DEVICE_TYPE') cats.add('user.device');
  }
  if (cats.size === 0) cats.add('user.behavior.browsing_history');
  return [...cats].sort();
}

/**
 * Refuses a report the partner may not receive next: one whose window overlaps a report it
 * already has, unless it is that very report again (report-windows.rules.ts). Call it with the
 * partner's row locked, so two shares to one partner are checked one after the other.
 */
export async function assertPartnerMayReceive(em: EntityManager, partnerId: number, report: UsageReport): Promise<void> {
  const rows = await em
    .getRepository(SharedUsageReport)
    .createQueryBuilder('s')
    // Noisy reports are governed by the ε budget instead: their differences are noisy too.
    .where("s.recipientId = :partnerId AND s.mode = 'SUPPRESSION' AND s.windowFrom < :until AND s.windowUntil > :from", { partnerId, from: report.from, until: report.until })
    .orderBy('s.id')
    .getMany();
  const conflicts = conflictingShares(
    rows.map((r) => ({ disclosureId: r.disclosureId, from: r.windowFrom, until: r.windowUntil, dimensions: r.dimensions.split(','), sha256: r.sha256 })),
    report,
  );
  if (conflicts.length === 0) return;
  const first = conflicts[0];
  throw badInput(
    `partner ${partnerId} already has a different report over ${first.from.toISOString().slice(0, 7)} to ${first.until.toISOString().slice(0, 7)} (disclosure ${first.disclosureId}); two overlapping reports would release their difference. Share a window that overlaps none it has, or one report with every dimension needed`,
    { field: 'input', reason: 'WINDOW_OVERLAPS_SHARED_REPORT', disclosureIds: conflicts.map((c) => c.disclosureId) },
  );
}

export async function recordSharedReport(em: EntityManager, partnerId: number, disclosureId: number, report: UsageReport): Promise<void> {
  await em.getRepository(SharedUsageReport).insert({
    recipientId: partnerId,
    disclosureId,
    dimensions: report.dimensions.join(','),
    windowFrom: report.from,
    windowUntil: report.until,
    mode: report.mode,
    epsilon: report.epsilon === null ? null : report.epsilon.toFixed(3),
    k: report.k,
    protectionWidth: report.protectionWidth,
    sha256: report.sha256,
  });
}
