import { Role } from '../../entities/enums';
import type { GatewayPlugin } from '../plugin';
import { HoldPreservation } from './hold-preservation.entity';
import { maintenanceJob, snapshotJob } from './legal-hold.jobs';
import { holdsBySubjectLoader, legalHoldResolvers, preservationByHoldLoader, subjectsByHoldLoader } from './legal-hold.resolver';
import { activeHoldsFor, type LegalHoldOptions } from './legal-hold.service';
import { LegalHoldPreservation1764370100000 } from './migrations/1764370100000-legal-hold-preservation';
import { SnapshotIntents1766000100000 } from './migrations/1766000100000-snapshot-intents';
import { PreservationSeal1766001100000 } from './migrations/1766001100000-preservation-seal';
import { CopyAtPlacement1766001200000 } from './migrations/1766001200000-copy-at-placement';
import { PendingHistoryCopy } from './pending-history-copy.entity';
import { PreservedRecord } from './preserved-record.entity';

/**
 * Legal holds: legal places and releases them; placing one preserves the data in scope as it
 * is, and any active hold on a subject vetoes its erasure (checked on the locked subject row,
 * inside the erasure's own transaction).
 */
export function legalHoldPlugin(options: LegalHoldOptions): GatewayPlugin {
  return {
    name: 'legal-hold',
    entities: [PreservedRecord, HoldPreservation, PendingHistoryCopy],
    migrations: [LegalHoldPreservation1764370100000, SnapshotIntents1766000100000, PreservationSeal1766001100000, CopyAtPlacement1766001200000],
    resolvers: legalHoldResolvers(options),
    // Holds are legal's matters: privileged, and never part of what a purpose reads (a preserved
    // record holds a person's values as they were).
    typeAccess: {
      LegalHold: { roles: [Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN], purposes: [], why: 'a legal matter: its case, its people, its preservation' },
      HoldPreservation: { roles: [Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN], purposes: [], why: 'how far a hold\'s preservation has come' },
      LegalHoldRelease: { roles: [Role.LEGAL, Role.ADMIN], purposes: [], why: 'the answer to releasing a hold' },
      LegalHoldScopeChange: { roles: [Role.LEGAL, Role.ADMIN], purposes: [], why: 'the answer to extending a hold' },
      PreservationReport: { roles: [Role.LEGAL, Role.ADMIN], purposes: [], why: 'the check of a hold\'s preserved copies' },
      PreservedRecord: { roles: [Role.LEGAL, Role.PRIVACY_OPS, Role.ADMIN], purposes: [], why: 'a preserved copy of a person\'s record: their values as they were' },
    },
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
      const holds = await activeHoldsFor(em, subjectId);
      if (holds.length === 0) return null;
      const holdIds = holds.map((h) => h.id);
      // Each hold keeps only what it covers: its categories (none named: all) within its dates.
      return { plugin: 'legal-hold', code: 'LEGAL_HOLD_ACTIVE', reason: `held by legal hold ${holdIds.join(', ')}`, refs: { holdIds }, keep: holds.map((h) => h.scope) };
    },
    // Once the last hold is released, its preserved copies wait out the grace before the purge:
    // the erasure's confirmation says so, and until when (docs/legal.md, point 5).
    // What a hold keeps of the person, in their terms: never the matter, its case or its counsel.
    async accessContributions(em, subjectId) {
      const rows: { records: number | string; since: Date; purge_after: Date | null; active: number | string; categories: string | null; scope_from: Date | null; scope_until: Date | null }[] = await em.query(
        `SELECT COUNT(*) AS records, MIN(p.preserved_at) AS since, MAX(p.purge_after) AS purge_after, MAX(h.status = 'ACTIVE') AS active,
                MAX(h.categories) AS categories, MIN(h.scope_from) AS scope_from, MAX(h.scope_until) AS scope_until
           FROM legal_hold_preserved_records p JOIN legal_holds h ON h.id = p.hold_id
          WHERE p.subject_id = ? GROUP BY p.hold_id ORDER BY MIN(p.preserved_at), p.hold_id`,
        [subjectId],
      );
      if (rows.length === 0) return [];
      return [{
        plugin: 'legal-hold',
        section: 'kept-under-legal-obligation',
        title: 'Information we must keep under a legal obligation',
        explanation:
          'A legal obligation (for example, to preserve evidence for legal proceedings) requires us to keep a copy of some of your information as it was. ' +
          'It is used for nothing else, and deleted once the obligation ends. Each row is one such obligation. The copy is of your information as it was when the obligation began: where you have updated something since, it still holds the earlier value.',
        rows: rows.map((r) => ({
          records_kept: Number(r.records),
          kept_since: new Date(r.since).toISOString(),
          categories: r.categories ? r.categories.split(',').join(';') : 'all categories',
          covering_from: r.scope_from ? new Date(r.scope_from).toISOString() : null,
          covering_until: r.scope_until ? new Date(r.scope_until).toISOString() : null,
          obligation_in_force: Number(r.active) === 1,
          deleted_after: r.purge_after ? new Date(r.purge_after).toISOString() : null,
        })),
      }];
    },
    async retainedCopies(em, subjectId) {
      const [row]: { holds: string | null; until: Date | null }[] = await em.query(
        `SELECT GROUP_CONCAT(DISTINCT hold_id ORDER BY hold_id) AS holds, MAX(purge_after) AS until
           FROM legal_hold_preserved_records WHERE subject_id = ? AND purge_after IS NOT NULL`,
        [subjectId],
      );
      if (!row?.holds) return [];
      return [{
        plugin: 'legal-hold',
        what: 'a copy of some of your information preserved for a legal matter that has now ended',
        exception: 'for a short period after the matter ends, in case the obligation to preserve it is found to continue (California Civil Code section 1798.105(d)), and for nothing else',
        until: row.until ? new Date(row.until) : null,
        refs: { holdIds: row.holds.split(',').map(Number) },
      }];
    },
  };
}
