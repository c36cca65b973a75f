import { Role } from '../../entities/enums';
import { COLLECTION_EVENTS_STEP, DISCLOSURES_STEP } from '../../domain/erasure.service';
import type { GatewayPlugin } from '../plugin';
import { createAnonymizer, type AnonymizationOptions } from './anonymizer';
import { deIdentifyCollectionEvents, unlinkDisclosures } from './de-identification';
import { SharedUsageReports1766001900000 } from './migrations/1766001900000-shared-usage-reports';
import { SharedUsageReport } from './shared-usage-report.entity';
import { usageReportResolvers } from './usage-report.resolver';

/**
 * Anonymization: masking strategies, de-identification of retained data on erasure, and
 * k-anonymous aggregates for partners. Provides the Anonymizer service to other plugins.
 */
export interface AnonymizationPluginOptions extends AnonymizationOptions {
  protectionPercent: number;
  /** The most cells a usage report may list. */
  reportMaxCells: number;
  /** Differential privacy: a person's visits counted per report, at most, and each partner's ε budget. */
  dpContributionCap: number;
  dpPartnerEpsilonBudget: number;
}

export function anonymizationPlugin(options: AnonymizationPluginOptions): GatewayPlugin {
  const anonymizer = createAnonymizer(options);
  return {
    name: 'anonymization',
    provides: { anonymizer },
    entities: [SharedUsageReport],
    migrations: [SharedUsageReports1766001900000],
    resolvers: usageReportResolvers(() => options.k, () => ({ protectionPercent: options.protectionPercent, maxCells: options.reportMaxCells, dpContributionCap: options.dpContributionCap, dpPartnerEpsilonBudget: options.dpPartnerEpsilonBudget })),
    typeAccess: {
      UsageReport: { roles: [Role.PRIVACY_OPS, Role.ADMIN], purposes: [], why: 'de-identified counts, released to privacy operations' },
      UsageCell: { roles: [Role.PRIVACY_OPS, Role.ADMIN], purposes: [], why: 'a cell of a usage report' },
      UsageTotal: { roles: [Role.PRIVACY_OPS, Role.ADMIN], purposes: [], why: 'a margin of a usage report' },
      SharedUsageReport: { roles: [Role.PRIVACY_OPS, Role.ADMIN], purposes: [], why: 'the record of a report shared with a partner' },
      PrivacyBudget: { roles: [Role.PRIVACY_OPS, Role.ADMIN], purposes: [], why: 'the privacy loss a partner has received, a figure about no one' },
    },
    async erasureSteps(em, subjectId, _ctx, held) {
      return {
        // These two keys take the steps over from the core's fallback (which would delete the events).
        // Rows a hold keeps (a partial erasure) stay as they are.
        [COLLECTION_EVENTS_STEP]: await deIdentifyCollectionEvents(em, subjectId, held?.collectionEventIds ?? []),
        [DISCLOSURES_STEP]: await unlinkDisclosures(em, subjectId, held?.disclosureIds ?? []),
      };
    },
  };
}
