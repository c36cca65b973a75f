import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { Consent } from '../../entities/consent.entity';
import { ConsentEvent } from '../../entities/consent-event.entity';
import type { ConsentSource, ConsentStatus, PurposeKey } from '../../entities/enums';
import { defineLoader, groupBy, type LoaderRegistry } from './loader-registry';

/** Every consent column (a unit test compares the list with the entity's). */
export const CONSENT_COLUMN_NAMES = ['id', 'subject_id', 'purpose', 'status', 'source', 'policy_version', 'version', 'updated_at'] as const;

/** Raw rows mapped by hand: a page holds five consents per user, and TypeORM's hydration of them cost more than the statement. */
export const consentsBySubjectLoader = defineLoader('consentsBySubject', ({ dataSource: ds }: LoaderRegistry) =>
  new DataLoader<number, Consent[]>(async (ids) => {
    const rows: Record<string, unknown>[] = await ds.query(`SELECT ${CONSENT_COLUMN_NAMES.join(', ')} FROM consents WHERE subject_id IN (?) ORDER BY subject_id, purpose`, [ids]);
    return groupBy(ids, rows.map(consentFromRow), (c) => c.subjectId);
  }));

function consentFromRow(r: Record<string, unknown>): Consent {
  return Object.assign(new Consent(), {
    id: Number(r.id),
    subjectId: Number(r.subject_id),
    purpose: r.purpose as PurposeKey,
    status: r.status as ConsentStatus,
    source: r.source as ConsentSource,
    policyVersion: (r.policy_version as string | null) ?? null,
    version: Number(r.version),
    updatedAt: r.updated_at as Date,
  });
}

export const consentHistoryBySubjectLoader = defineLoader('consentHistoryBySubject', ({ dataSource: ds }: LoaderRegistry) =>
  new DataLoader<number, ConsentEvent[]>(async (ids) =>
    groupBy(
      ids,
      await ds.getRepository(ConsentEvent).find({ where: { subjectId: In([...ids]) }, order: { occurredAt: 'ASC', id: 'ASC' } }),
      (e) => e.subjectId,
    ),
  ));
