import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { Subject } from '../../entities/subject.entity';
import { indexBy } from './loader-registry';

export const subjectLoader = (ds: DataSource) =>
  new DataLoader<number, Subject | null>(async (ids) =>
    indexBy(ids, await ds.getRepository(Subject).findBy({ id: In([...ids]) }), (s) => s.id),
  );
