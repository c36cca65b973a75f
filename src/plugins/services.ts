/**
 * Services plugins offer each other, typed here by the core so that a plugin that needs one
 * never imports the plugin that provides it. The registry hands them over.
 */
export interface PluginServices {
  /** Provided by the anonymization plugin. */
  anonymizer?: Anonymizer;
}

export interface Anonymizer {
  /** Keyed pseudonym (HMAC) of a value; `scope` separates key spaces (e.g. per transfer). */
  pseudonymize(value: string, scope?: string): string;
  /** Generalizes and suppresses rows until every quasi-identifier class has at least k rows. */
  kAnonymize<R extends Record<string, unknown>>(
    rows: R[],
    options: { quasiIdentifiers: string[]; k: number },
  ): { rows: R[]; kAchieved: number; suppressedRows: number };
}
