import { rm } from 'node:fs/promises';
import type { EntityManager } from 'typeorm';
import { systemActor } from '../../domain/actor';
import { appendAudit } from '../../domain/audit.service';
import type { AccessContribution, RetainedCopy } from '../../domain/hooks';
import { DisclosurePurpose } from '../../entities/enums';
import { TransferPhase } from './business-transfer.entity';
import { transferReference } from './transfer-shared';

const REFERENCE_PREFIX = transferReference(0).slice(0, -1);

/**
 * The export files that still hold a person (docs/legal.md, point 3): closing transfers record a
 * disclosure per person to the acquirer, so the files that hold them are known exactly; read
 * before the erasure unlinks those disclosures. A file not yet purged is kept until it expires (or,
 * for a transfer still running, its retention after it ends).
 */
export async function exportCopiesOf(em: EntityManager, subjectId: number): Promise<RetainedCopy[]> {
  const rows: { id: number; deal_name: string; acquirer: string; expire: Date | null; days: number }[] = await em.query(
    `SELECT t.id, t.deal_name, r.name AS acquirer, t.artifacts_expire_at AS expire, t.artifact_retention_days AS days
       FROM disclosures d
       JOIN business_transfers t ON d.transaction_reference = CONCAT(?, t.id)
       JOIN recipients r ON r.id = t.acquirer_id
      WHERE d.subject_id = ? AND d.purpose = ? AND d.identifiable = 1 AND t.phase = ? AND t.artifacts_purged_at IS NULL AND t.status <> 'CANCELLED'
      ORDER BY t.id`,
    [REFERENCE_PREFIX, subjectId, DisclosurePurpose.BUSINESS_TRANSFER, TransferPhase.CLOSING],
  );
  return rows.map((r) => ({
    plugin: 'business-transfer',
    what: `a copy of your record in the export files of a business transfer to ${r.acquirer}, on our systems`,
    exception: `as an archived copy, not used for anything else, which the regulations let us delete when it expires rather than now (California Code of Regulations, title 11, section 7022(d)); ${r.acquirer} has been told of your request`,
    until: r.expire ? new Date(r.expire) : null,
    refs: { transferIds: [Number(r.id)] },
  }));
}

/** Deletes the export files of the next transfer whose retention has passed, in one change; null when none is due. */
export async function purgeExpiredArtifacts(em: EntityManager, now = new Date()): Promise<number | null> {
  const [due]: { id: number; export_path: string }[] = await em.query(
    `SELECT id, export_path FROM business_transfers WHERE artifacts_purged_at IS NULL AND artifacts_expire_at <= ? ORDER BY artifacts_expire_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [now],
  );
  if (!due) return null;
  // Files first: a crash after this leaves the row unpurged, and the next run finds nothing left to delete.
  if (due.export_path) await rm(due.export_path, { recursive: true, force: true });
  await em.query('UPDATE business_transfers SET artifacts_purged_at = ? WHERE id = ?', [now, due.id]);
  await appendAudit(em, systemActor, { action: 'business-transfer.artifacts-purged', entityType: 'BusinessTransfer', entityId: due.id, details: {} });
  return Number(due.id);
}

/**
 * A person's access package: every transfer whose export included their record (closing transfers
 * record a disclosure per person), with the acquirer, and whether our copy of the files still exists.
 */
export async function transfersOf(em: EntityManager, subjectId: number): Promise<AccessContribution[]> {
  const rows: { id: number; acquirer: string; occurred_at: Date; expire: Date | null; purged: Date | null; status: string }[] = await em.query(
    `SELECT t.id, r.name AS acquirer, MIN(d.occurred_at) AS occurred_at, t.artifacts_expire_at AS expire, t.artifacts_purged_at AS purged, t.status
       FROM disclosures d
       JOIN business_transfers t ON d.transaction_reference = CONCAT(?, t.id)
       JOIN recipients r ON r.id = t.acquirer_id
      WHERE d.subject_id = ? AND d.purpose = ? AND d.identifiable = 1 AND t.phase = ?
      GROUP BY t.id, r.name, t.artifacts_expire_at, t.artifacts_purged_at, t.status
      ORDER BY t.id`,
    [REFERENCE_PREFIX, subjectId, DisclosurePurpose.BUSINESS_TRANSFER, TransferPhase.CLOSING],
  );
  if (rows.length === 0) return [];
  return [{
    plugin: 'business-transfer',
    section: 'transfers',
    title: 'Business transfers that included your record',
    explanation: 'When all or part of our business was transferred, your record was given to the buyer (our privacy policy allows this in a merger or acquisition). Each row is one transfer: the buyer, when, and whether our own copy of the transfer files still exists.',
    rows: rows.map((r) => ({
      transfer_id: Number(r.id),
      acquirer: r.acquirer,
      exported_at: new Date(r.occurred_at).toISOString(),
      transfer_status: r.status,
      our_copy_kept_until: r.purged ? null : r.expire ? new Date(r.expire).toISOString() : null,
      our_copy_purged_at: r.purged ? new Date(r.purged).toISOString() : null,
    })),
  }];
}
