import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { Subject } from '../../entities/subject.entity';
import { indexBy, type LoaderRegistry } from './loader-registry';

export const subjectLoader = ({ dataSource: ds }: LoaderRegistry) =>
  new DataLoader<number, Subject | null>(async (ids) =>
    indexBy(ids, await ds.getRepository(Subject).findBy({ id: In([...ids]) }), (s) => s.id),
  );
