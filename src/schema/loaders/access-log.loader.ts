import DataLoader from 'dataloader';
import { accessLogOfSubjects } from '../../domain/access-log.service';
import type { AccessLogEntry } from '../../entities/access-log-entry.entity';
import { defineLoader, groupBy, type LoaderRegistry } from './loader-registry';

/** The newest `take` access-log entries of each person on a page, one statement per page. */
export const accessLogBySubjectLoader = (take: number, beforeId: string | null) => defineLoader('accessLogBySubject', (registry: LoaderRegistry) =>
  new DataLoader<number, AccessLogEntry[]>(async (ids) => groupBy(ids, await accessLogOfSubjects(registry.dataSource.manager, ids, take, beforeId), (e) => e.subjectId)));
