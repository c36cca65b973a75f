import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { Consent } from '../../entities/consent.entity';
import { ConsentEvent } from '../../entities/consent-event.entity';
import { groupBy, type LoaderRegistry } from './loader-registry';

export const consentsBySubjectLoader = ({ dataSource: ds }: LoaderRegistry) =>
  new DataLoader<number, Consent[]>(async (ids) =>
    groupBy(ids, await ds.getRepository(Consent).find({ where: { subjectId: In([...ids]) }, order: { purpose: 'ASC' } }), (c) => c.subjectId),
  );

export const consentHistoryBySubjectLoader = ({ dataSource: ds }: LoaderRegistry) =>
  new DataLoader<number, ConsentEvent[]>(async (ids) =>
    groupBy(
      ids,
      await ds.getRepository(ConsentEvent).find({ where: { subjectId: In([...ids]) }, order: { occurredAt: 'ASC', id: 'ASC' } }),
      (e) => e.subjectId,
    ),
  );
