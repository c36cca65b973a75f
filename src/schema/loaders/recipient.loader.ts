import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { Recipient } from '../../entities/recipient.entity';
import { groupBy, indexBy } from './loader-registry';

export const recipientLoader = (ds: DataSource) =>
  new DataLoader<number, Recipient | null>(async (ids) =>
    indexBy(ids, await ds.getRepository(Recipient).findBy({ id: In([...ids]) }), (r) => r.id),
  );

/** The distinct recipients that received anything about each subject, in one statement. */
export const recipientsBySubjectLoader = (ds: DataSource) =>
  new DataLoader<number, Recipient[]>(async (ids) => {
    const rows = await ds
      .getRepository(Recipient)
      .createQueryBuilder('r')
      .innerJoin('disclosures', 'd', 'd.recipient_id = r.id')
      .addSelect('d.subject_id', 'subject_id')
      .where('d.subject_id IN (:...ids)', { ids })
      .distinct(true)
      .orderBy('r.id', 'ASC')
      .getRawAndEntities();
    // getRawAndEntities dedupes entities; pair raw rows back up to keep per-subject sets.
    const byId = new Map(rows.entities.map((r) => [r.id, r]));
    const pairs = rows.raw.map((raw: { r_id: number; subject_id: number }) => ({ subjectId: Number(raw.subject_id), recipient: byId.get(Number(raw.r_id))! }));
    return groupBy(ids, pairs, (p) => p.subjectId).map((list) => list.map((p) => p.recipient));
  });
