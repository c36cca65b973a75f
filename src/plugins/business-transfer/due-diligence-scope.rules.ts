/**
 * Which due-diligence exports an acquirer may receive next (issue 26, point 4). One export of
 * class counts is safe alone; two whose people overlap are not: their difference is the counts of
 * the people in one and not the other (a signup a moment apart in `createdBefore`, a person erased
 * in between, a class kept in one and merged in the other), which can be a single person with
 * every consent status and disclosure count of theirs. Regions are the only part of a scope that
 * makes two populations disjoint (statuses are always ACTIVE; `createdBefore` nests), so a further
 * export to the same acquirer must name regions none of its earlier ones named, and neither may
 * be unrestricted. Cancelled and failed exports released nothing and do not count.
 */

export interface SentDueDiligence {
  transferId: number;
  /** null: every region. */
  regions: readonly string[] | null;
}

/** The earlier exports to the same acquirer whose people may overlap an export of `regions` (none: it may go). */
export function overlappingDueDiligence(previous: readonly SentDueDiligence[], regions: readonly string[] | null): SentDueDiligence[] {
  return previous.filter((p) => p.regions === null || regions === null || p.regions.some((r) => regions.includes(r)));
}
