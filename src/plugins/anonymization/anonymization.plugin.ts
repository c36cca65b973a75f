import type { GatewayPlugin } from '../plugin';
import { createAnonymizer, type AnonymizationOptions } from './anonymizer';
import { deIdentifyCollectionEvents, unlinkDisclosures } from './de-identification';
import { usageReportResolvers } from './usage-report.resolver';

/**
 * Anonymization: masking strategies, de-identification of retained data on erasure, and
 * k-anonymous aggregates for partners. Provides the Anonymizer service to other plugins.
 */
export function anonymizationPlugin(options: AnonymizationOptions): GatewayPlugin {
  const anonymizer = createAnonymizer(options);
  return {
    name: 'anonymization',
    provides: { anonymizer },
    resolvers: usageReportResolvers(() => options.k),
    async erasureSteps(em, subjectId) {
      return {
        collection_events_deidentified: await deIdentifyCollectionEvents(em, subjectId),
        disclosures_unlinked: await unlinkDisclosures(em, subjectId),
      };
    },
  };
}
