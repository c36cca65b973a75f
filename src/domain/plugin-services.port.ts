/**
 * Services plugins offer each other, typed here by the domain (a port: the domain's own
 * read-purpose rules use the anonymizer too) so that a plugin that needs one never imports the
 * plugin that provides it, and nothing below the plugins imports upward. The registry hands them over.
 */
export interface PluginServices {
  /** Provided by the anonymization plugin. */
  anonymizer?: Anonymizer;
}

/** Quasi-identifiers the anonymizer knows how to generalize, coarsest last. */
export type QuasiIdentifierKind = 'REGION' | 'AGE_BAND' | 'SIGNUP_MONTH';

export interface KAnonymityResult {
  rows: Record<string, unknown>[];
  /** Smallest equivalence class released (>= k), or 0 when nothing is left. */
  kAchieved: number;
  suppressedRows: number;
  /** Generalization level chosen per quasi-identifier column. */
  levels: Record<string, number>;
}

export interface Anonymizer {
  /** The configured minimum cell or class size. */
  readonly defaultK: number;
  /** Keyed pseudonym (HMAC-SHA-256); `scope` derives a separate key (e.g. one per transfer). Still personal data. */
  pseudonymize(value: string, scope?: string): string;
  /** Generalizes and suppresses rows until every quasi-identifier class has at least k rows. */
  kAnonymize(rows: Record<string, unknown>[], options: { quasiIdentifiers: { column: string; kind: QuasiIdentifierKind }[]; k?: number }): KAnonymityResult;
  /**
   * The same decision from the rows' quasi-identifier values counted (values in the order of
   * `quasiIdentifiers`), for tables streamed rather than held: the rows then go through `generalize`.
   */
  planKAnonymity(
    groups: { values: unknown[]; count: number }[],
    options: { quasiIdentifiers: { column: string; kind: QuasiIdentifierKind }[]; k?: number },
  ): Omit<KAnonymityResult, 'rows'> & { generalize(values: unknown[]): (string | null)[] | null };
  /**
   * Small-cell suppression of a count table (cells by key, one key part per dimension), audited
   * so that no suppressed count can be narrowed below the protection width: each cell's count or
   * null, in input order, and the grand total or null.
   */
  suppressCounts(cells: { key: string[]; count: number }[], dimensions: string[], k: number): Promise<{ cells: (number | null)[]; grandTotal: number | null }>;
  /** De-identifying generalizations of single values. */
  ageBand(birthDate: string, on: Date): string | null;
  month(date: Date): string | null;
  ipNetwork(ip: string): string | null;
  userAgent(ua: string | null): { browser: string; deviceType: string };
}
