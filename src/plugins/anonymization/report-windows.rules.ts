/**
 * What a partner may receive next, given the usage reports it already has (issue 26, point 2).
 *
 * Two reports over overlapping windows are linked tables: their difference is a report over the
 * part where they differ (a day, a page that only one of them counts), and the suppression of
 * each was audited alone. So a partner receives a report over a window that overlaps none it
 * already has, or the very same report again (same window, dimensions and released counts: a
 * lost copy resent, which tells the partner nothing new). Anything else overlapping is refused;
 * a partner that needs several breakdowns of one period asks for one report with all of them
 * (up to three dimensions, whose margins are in it and were audited with it).
 */

export interface SharedWindow {
  /** The disclosure that recorded the sharing, to name in a refusal. */
  disclosureId: number;
  from: Date;
  until: Date;
  /** The report's dimensions in its order. */
  dimensions: readonly string[];
  sha256: string;
}

export interface NextReport {
  from: Date;
  until: Date;
  dimensions: readonly string[];
  sha256: string;
}

/** Windows are half-open [from, until): two that only touch do not overlap. */
export function overlaps(a: { from: Date; until: Date }, b: { from: Date; until: Date }): boolean {
  return a.from.getTime() < b.until.getTime() && b.from.getTime() < a.until.getTime();
}

function sameReport(a: SharedWindow, b: NextReport): boolean {
  return (
    a.from.getTime() === b.from.getTime() &&
    a.until.getTime() === b.until.getTime() &&
    a.sha256 === b.sha256 &&
    a.dimensions.length === b.dimensions.length &&
    a.dimensions.every((d, i) => d === b.dimensions[i])
  );
}

/** The earlier shares that forbid sending `next` to the same partner (none: it may go). */
export function conflictingShares(previous: readonly SharedWindow[], next: NextReport): SharedWindow[] {
  return previous.filter((p) => overlaps(p, next) && !sameReport(p, next));
}
