import type { GatewayPlugin } from '../plugin';
import { HoldPreservation } from './hold-preservation.entity';
import { maintenanceJob, snapshotJob } from './legal-hold.jobs';
import { holdsBySubjectLoader, legalHoldResolvers, preservationByHoldLoader, subjectsByHoldLoader } from './legal-hold.resolver';
import { activeHoldIdsFor, type LegalHoldOptions } from './legal-hold.service';
import { LegalHoldPreservation1764370100000 } from './migrations/1764370100000-legal-hold-preservation';
import { SnapshotIntents1766000100000 } from './migrations/1766000100000-snapshot-intents';
import { PreservedRecord } from './preserved-record.entity';

/**
 * Legal holds: legal places and releases them; placing one preserves the data in scope as it
 * is, and any active hold on a subject vetoes its erasure (checked on the locked subject row,
 * inside the erasure's own transaction).
 */
export function legalHoldPlugin(options: LegalHoldOptions): GatewayPlugin {
  return {
    name: 'legal-hold',
    entities: [PreservedRecord, HoldPreservation],
    migrations: [LegalHoldPreservation1764370100000, SnapshotIntents1766000100000],
    resolvers: legalHoldResolvers(options),
    loaders: [holdsBySubjectLoader, subjectsByHoldLoader, preservationByHoldLoader],
    jobs: [snapshotJob, maintenanceJob],
    metrics: [
      {
        name: 'drg_legal_holds_active',
        help: 'Legal holds in force',
        async collect(dataSource) {
          const [row] = (await dataSource.query(`SELECT COUNT(*) AS n FROM legal_holds WHERE status = 'ACTIVE'`)) as { n: number | string }[];
          return Number(row?.n ?? 0);
        },
      },
    ],
    async vetoErasure(em, subjectId) {
      const holdIds = await activeHoldIdsFor(em, subjectId);
      return holdIds.length ? { plugin: 'legal-hold', code: 'LEGAL_HOLD_ACTIVE', reason: `held by legal hold ${holdIds.join(', ')}`, refs: { holdIds } } : null;
    },
  };
}
