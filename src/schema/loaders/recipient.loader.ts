import DataLoader from 'dataloader';
import { Recipient } from '../../entities/recipient.entity';
import type { DisclosurePurpose, RecipientKind } from '../../entities/enums';
import { defineLoader, groupBy, indexBy, type LoaderRegistry } from './loader-registry';

export const recipientLoader = defineLoader('recipient', ({ dataSource: ds }: LoaderRegistry) =>
  new DataLoader<number, Recipient | null>(async (ids) => {
    const rows: Record<string, unknown>[] = await ds.query(`SELECT ${RECIPIENT_COLUMNS('r')} FROM recipients r WHERE r.id IN (?)`, [ids]);
    return indexBy(ids, rows.map(recipientFromRow), (r) => r.id);
  }));

/** Every recipient column (a unit test compares the list with the entity's). */
export const RECIPIENT_COLUMN_NAMES = ['id', 'kind', 'name', 'postal_address', 'email', 'business_description', 'allowed_purposes', 'contract_reference', 'created_at', 'updated_at'] as const;

/**
 * Recipient columns, prefixed, for statements that join recipients to other rows; with
 * `when`, each column is NULL on rows where that condition is false.
 */
export const RECIPIENT_COLUMNS = (alias: string, when?: string) =>
  RECIPIENT_COLUMN_NAMES.map((c) => (when ? `CASE WHEN ${when} THEN ${alias}.${c} END AS r_${c}` : `${alias}.${c} AS r_${c}`))
    .join(', ');

export function recipientFromRow(row: Record<string, unknown>): Recipient {
  return Object.assign(new Recipient(), {
    id: Number(row.r_id),
    kind: row.r_kind as RecipientKind,
    name: row.r_name as string,
    postalAddress: (row.r_postal_address as string | null) ?? null,
    email: (row.r_email as string | null) ?? null,
    businessDescription: (row.r_business_description as string | null) ?? null,
    allowedPurposes: String(row.r_allowed_purposes ?? '').split(',').filter(Boolean) as DisclosurePurpose[],
    contractReference: (row.r_contract_reference as string | null) ?? null,
    createdAt: row.r_created_at as Date,
    updatedAt: row.r_updated_at as Date,
  });
}

/** The distinct recipients that received anything about each subject, in one statement. */
export const recipientsBySubjectLoader = defineLoader('recipientsBySubject', (registry: LoaderRegistry) =>
  new DataLoader<number, Recipient[]>(async (ids) => {
    const rows: Record<string, unknown>[] = await registry.dataSource.query(
      `SELECT s.subject_id, ${RECIPIENT_COLUMNS('r')}
         FROM (SELECT DISTINCT subject_id, recipient_id FROM disclosures WHERE subject_id IN (?)) s
         JOIN recipients r ON r.id = s.recipient_id
        ORDER BY s.subject_id, r.id`,
      [ids],
    );
    const byId = registry.of(recipientLoader);
    const pairs = rows.map((row) => {
      const recipient = recipientFromRow(row);
      byId.prime(recipient.id, recipient);
      return { subjectId: Number(row.subject_id), recipient };
    });
    return groupBy(ids, pairs, (p) => p.subjectId).map((list) => list.map((p) => p.recipient));
  }));
