import { isIP } from 'node:net';
import type { EntityManager } from 'typeorm';
import { CollectionEvent } from '../entities/collection-event.entity';
import { SubjectStatus } from '../entities/enums';
import { Subject } from '../entities/subject.entity';
import type { Actor } from './actor';
import { appendAudit } from './audit.service';
import { badInput, conflict, notFound } from './errors';

export interface CollectionEventInput {
  subjectId?: number | null;
  ipAddress?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  geoAccuracyM?: number | null;
  region?: string | null;
  deviceId?: string | null;
  cookieId?: string | null;
  userAgent?: string | null;
  page?: string | null;
  dnt?: boolean;
  gpc?: boolean;
  occurredAt?: Date;
}

/** Records what the server logs collect automatically about a visit. */
export async function recordCollectionEvent(em: EntityManager, actor: Actor, input: CollectionEventInput, now = new Date()): Promise<CollectionEvent> {
  if (input.ipAddress && isIP(input.ipAddress) === 0) throw badInput('ipAddress is not an IPv4 or IPv6 address', { field: 'ipAddress' });
  if ((input.latitude == null) !== (input.longitude == null)) throw badInput('latitude and longitude come together', { field: 'latitude' });
  if (input.latitude != null && (input.latitude < -90 || input.latitude > 90)) throw badInput('latitude must be within ±90', { field: 'latitude' });
  if (input.longitude != null && (input.longitude < -180 || input.longitude > 180)) throw badInput('longitude must be within ±180', { field: 'longitude' });
  const occurredAt = input.occurredAt ?? now;
  if (occurredAt.getTime() > now.getTime() + 60_000) throw badInput('occurredAt is in the future', { field: 'occurredAt' });
  const subjectId = input.subjectId ?? null;
  if (subjectId !== null) {
    const subject = await em.getRepository(Subject).findOne({ where: { id: subjectId }, lock: { mode: 'pessimistic_read' } });
    if (!subject) throw notFound('subject', subjectId);
    if (subject.status === SubjectStatus.ERASED) throw conflict(`subject ${subjectId} has been erased`, { reason: 'SUBJECT_ERASED' });
  }
  const repo = em.getRepository(CollectionEvent);
  const event = repo.create({
    subjectId,
    ipAddress: input.ipAddress ?? null,
    latitude: input.latitude ?? null,
    longitude: input.longitude ?? null,
    geoAccuracyM: input.geoAccuracyM ?? null,
    region: input.region?.toUpperCase() ?? null,
    deviceId: input.deviceId ?? null,
    cookieId: input.cookieId ?? null,
    userAgent: input.userAgent ?? null,
    page: input.page ?? null,
    dnt: input.dnt ?? false,
    gpc: input.gpc ?? false,
    deIdentified: false,
    occurredAt,
  });
  await repo.insert(event);
  await appendAudit(em, actor, { action: 'collection.recorded', entityType: 'CollectionEvent', entityId: event.id, details: { subjectId } });
  return repo.findOneByOrFail({ id: event.id });
}
