import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { Consent } from '../../entities/consent.entity';
import { ConsentEvent } from '../../entities/consent-event.entity';
import { groupBy } from './loader-registry';

export const consentsBySubjectLoader = (ds: DataSource) =>
  new DataLoader<number, Consent[]>(async (ids) =>
    groupBy(ids, await ds.getRepository(Consent).find({ where: { subjectId: In([...ids]) }, order: { purpose: 'ASC' } }), (c) => c.subjectId),
  );

export const consentHistoryBySubjectLoader = (ds: DataSource) =>
  new DataLoader<number, ConsentEvent[]>(async (ids) =>
    groupBy(
      ids,
      await ds.getRepository(ConsentEvent).find({ where: { subjectId: In([...ids]) }, order: { occurredAt: 'ASC', id: 'ASC' } }),
      (e) => e.subjectId,
    ),
  );
