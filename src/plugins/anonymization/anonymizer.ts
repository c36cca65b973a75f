import { createHmac } from 'node:crypto';
import type { Anonymizer, QuasiIdentifierKind } from '../../domain/plugin-services.port';
import { ageBandHierarchy, kAnonymize, planKAnonymity, regionHierarchy, signupMonthHierarchy, type GeneralizationHierarchy } from './k-anonymity';
import { protectionWidth, suppressCells } from './cell-suppression';
import { loadLinearSolver } from './linear-solver';
import { ageBand, generalizeDate, generalizeIp, pseudonym, userAgentFamily } from './strategies';

export interface AnonymizationOptions {
  k: number;
  /** A suppressed count's protection width as a percentage of k (cell-suppression.ts); 50 when not given. */
  protectionPercent?: number;
  pseudonymSecret: string;
  pseudonymKeyId: string;
}

const HIERARCHIES: Record<QuasiIdentifierKind, GeneralizationHierarchy> = {
  REGION: regionHierarchy,
  AGE_BAND: ageBandHierarchy,
  SIGNUP_MONTH: signupMonthHierarchy,
};

/** The service the plugin provides to other plugins (business transfer, purpose-bound reads). */
export function createAnonymizer(options: AnonymizationOptions): Anonymizer {
  const key = { id: options.pseudonymKeyId, secret: options.pseudonymSecret };
  return {
    defaultK: options.k,
    pseudonymize(value, scope) {
      // A scope gets its own key, derived from the secret, so pseudonyms cannot be joined across scopes.
      const secret = scope ? createHmac('sha256', key.secret).update(`scope:${scope}`).digest('hex') : key.secret;
      return pseudonym(value, { id: key.id, secret });
    },
    kAnonymize(rows, { quasiIdentifiers, k }) {
      const result = kAnonymize(rows, {
        k: k ?? options.k,
        quasiIdentifiers: quasiIdentifiers.map((q) => ({ column: q.column, ...HIERARCHIES[q.kind] })),
      });
      return { rows: result.rows, kAchieved: result.kAchieved, suppressedRows: result.suppressedRows, levels: result.levels };
    },
    planKAnonymity(groups, { quasiIdentifiers, k }) {
      const plan = planKAnonymity(groups, {
        k: k ?? options.k,
        quasiIdentifiers: quasiIdentifiers.map((q) => ({ column: q.column, ...HIERARCHIES[q.kind] })),
      });
      return { kAchieved: plan.kAchieved, suppressedRows: plan.suppressedRows, levels: plan.levels, generalize: (values) => plan.generalize(values) };
    },
    async suppressCounts(cells, dimensions, k) {
      const released = suppressCells(cells, dimensions, k, { solver: await loadLinearSolver(), width: protectionWidth(k, options.protectionPercent ?? 50) });
      return { cells: released.cells.map((c) => c.count), grandTotal: released.grandTotal.count };
    },
    ageBand: (birthDate, on) => ageBand(birthDate, on),
    month: (date) => generalizeDate(date, 'MONTH'),
    ipNetwork: (ip) => generalizeIp(ip),
    userAgent: (ua) => userAgentFamily(ua),
  };
}
