import { SUBJECT_FIELDS, holdFieldCategories } from './personal-data.catalogue';

/**
 * What a plugin needs kept of a person when their erasure runs (a legal hold's scope): the
 * categories it covers (null: every category) and, for the rows of their history (consent
 * history, disclosures, visits), the dates [from, until) it covers (null: unbounded). Everything
 * outside every scope is erased now; what is inside waits (docs/legal.md, point 6).
 */
export interface ErasureScope {
  categories: readonly string[] | null;
  from: Date | null;
  until: Date | null;
}

/** A scope that covers every category at every date keeps the whole record: the erasure waits. */
export function keepsEverything(scope: ErasureScope): boolean {
  return scope.categories === null && scope.from === null && scope.until === null;
}

function inDates(scope: ErasureScope, at: Date): boolean {
  return (scope.from === null || at.getTime() >= scope.from.getTime()) && (scope.until === null || at.getTime() < scope.until.getTime());
}

function coversAny(scope: ErasureScope, categories: readonly string[]): boolean {
  return scope.categories === null || categories.some((c) => scope.categories!.includes(c));
}

/**
 * The subject's columns some scope keeps: those with a category a scope covers. The record is
 * the person's current state, not dated, so a scope's dates do not narrow it.
 */
export function keptSubjectColumns(scopes: readonly ErasureScope[]): string[] {
  return SUBJECT_FIELDS.filter((f) => scopes.some((s) => coversAny(s, f.categories))).map((f) => f.column);
}

/**
 * Whether the person's privacy choices (consents, and the history rows within the dates) are kept:
 * only by a scope of every category, since no hold can name user.privacy_preferences.
 */
export function keepsConsents(scopes: readonly ErasureScope[]): boolean {
  return scopes.some((s) => s.categories === null);
}

/** Whether a consent-history row is kept: a scope of every category covers its date. */
export function consentEventKept(scopes: readonly ErasureScope[], occurredAt: Date): boolean {
  return scopes.some((s) => s.categories === null && inDates(s, occurredAt));
}

/** Whether a disclosure stays linked: a scope covers its date and one of the categories it carried. */
export function disclosureKept(scopes: readonly ErasureScope[], occurredAt: Date, categories: readonly string[]): boolean {
  return scopes.some((s) => inDates(s, occurredAt) && coversAny(s, categories));
}

const VISIT_FIELD_CATEGORIES = holdFieldCategories('collection_events');

/** Whether a visit is kept as it is: a scope covers its date and a category of a value it holds. */
export function visitKept(scopes: readonly ErasureScope[], visit: Record<string, unknown> & { occurred_at: Date | string }): boolean {
  const held = Object.entries(VISIT_FIELD_CATEGORIES)
    .filter(([column]) => visit[column] !== null && visit[column] !== undefined)
    .flatMap(([, categories]) => categories);
  const at = new Date(visit.occurred_at);
  return scopes.some((s) => inDates(s, at) && (s.categories === null || held.some((c) => s.categories!.includes(c))));
}

/** The scopes' categories for people: every category, or the listed keys, each once, sorted. */
export function keptCategoryKeys(scopes: readonly ErasureScope[]): string[] | null {
  if (scopes.some((s) => s.categories === null)) return null;
  return [...new Set(scopes.flatMap((s) => s.categories ?? []))].sort();
}
