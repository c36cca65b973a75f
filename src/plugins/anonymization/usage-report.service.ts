import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { badInput } from '../../domain/errors';
import { conflictingShares } from './report-windows.rules';
import { SharedUsageReport } from './shared-usage-report.entity';
import { protectionWidth, suppressCells, type CellSuppressionResult } from './cell-suppression';
import { loadLinearSolver } from './linear-solver';
import { pathOnly } from './de-identification';
import { userAgentFamily } from './strategies';

export type UsageDimension = 'PAGE' | 'MONTH' | 'REGION' | 'BROWSER' | 'DEVICE_TYPE';
export const USAGE_DIMENSIONS: UsageDimension[] = ['PAGE', 'MONTH', 'REGION', 'BROWSER', 'DEVICE_TYPE'];

export interface UsageReportInput {
  dimensions: UsageDimension[];
  from: Date;
  until: Date;
  k?: number | null;
}

export interface UsageReport {
  dimensions: UsageDimension[];
  from: Date;
  until: Date;
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

/**
 * Counts collection events by the chosen dimensions and releases them with every cell under
 * k suppressed, plus secondary suppression until a linear-programming audit of the whole release
 * leaves every suppressed count a range at least the protection width wide.
 */
export interface ReportSettings {
  /** The protection width as a percentage of k. */
  protectionPercent: number;
  /** The most cells a report may list: the solver audit's time grows faster than the table. */
  maxCells: number;
}

export const DEFAULT_REPORT_SETTINGS: ReportSettings = { protectionPercent: 50, maxCells: 1000 };

export async function buildUsageReport(em: EntityManager, input: UsageReportInput, defaultK: number, settings: ReportSettings = DEFAULT_REPORT_SETTINGS): Promise<UsageReport> {
  const dimensions = [...new Set(input.dimensions)];
  if (dimensions.length === 0 || dimensions.length > 3) throw badInput('choose one to three dimensions', { field: 'dimensions' });
  const k = input.k ?? defaultK;
  if (!Number.isInteger(k) || k < MIN_K || k > 1000) throw badInput(`k must be an integer from ${MIN_K} to 1000`, { field: 'k' });
  // The configured k is a floor (issue 26): a caller may ask for larger cells, never smaller ones.
  if (k < defaultK) throw badInput(`k may be raised above the configured ${defaultK}, never lowered below it (smaller cells would be released)`, { field: 'k', reason: 'K_BELOW_MINIMUM' });
  if (!(input.from < input.until)) throw badInput('from must be before until', { field: 'from' });
  if (input.until.getTime() - input.from.getTime() > MAX_RANGE_DAYS * 86400_000) throw badInput(`a report covers at most ${MAX_RANGE_DAYS} days`, { field: 'until' });
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
    k,
    protectionWidth: width,
    cells: released.cells.map((c) => ({ key: c.key, count: c.count })),
    totals: released.totals.map((t) => ({ key: t.key, count: t.count })),
    grandTotal: released.grandTotal.count,
    suppressedCells: released.cells.filter((c) => c.count === null).length,
  };
  const sha256 = createHash('sha256').update(JSON.stringify({ ...report, from: report.from.toISOString(), until: report.until.toISOString() })).digest('hex');
  return { ...report, sha256 };
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
    .where('s.recipientId = :partnerId AND s.windowFrom < :until AND s.windowUntil > :from', { partnerId, from: report.from, until: report.until })
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
    k: report.k,
    protectionWidth: report.protectionWidth,
    sha256: report.sha256,
  });
}
