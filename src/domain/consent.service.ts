import type { EntityManager } from 'typeorm';
import { Consent } from '../entities/consent.entity';
import { ConsentEvent } from '../entities/consent-event.entity';
import { ConsentSource, ConsentStatus, PurposeKey } from '../entities/enums';
import type { Actor } from './actor';
import { appendAudit } from './audit.service';
import { badInput } from './errors';
import { lockSubjectForChange } from './subject.service';

export interface ConsentChange {
  subjectId: number;
  purpose: PurposeKey;
  status: ConsentStatus;
  source: ConsentSource;
  policyVersion?: string | null;
  occurredAt?: Date;
}

export interface ConsentChangeResult {
  consent: Consent;
  /** False when the consent already had this status: no event is written for a non-change. */
  changed: boolean;
}

/**
 * Appends a consent event and derives the current state from it. The subject row lock
 * serializes concurrent changes for one subject, so the event sequence has no gaps.
 */
export async function recordConsent(em: EntityManager, actor: Actor, change: ConsentChange, now = new Date()): Promise<ConsentChangeResult> {
  if (!Object.values(PurposeKey).includes(change.purpose)) throw badInput(`unknown purpose ${change.purpose}`);
  const occurredAt = change.occurredAt ?? now;
  if (occurredAt.getTime() > now.getTime() + 60_000) throw badInput('occurredAt is in the future', { field: 'occurredAt' });
  await lockSubjectForChange(em, change.subjectId);
  const repo = em.getRepository(Consent);
  const current = await repo.findOneBy({ subjectId: change.subjectId, purpose: change.purpose });
  if (current && current.status === change.status) return { consent: current, changed: false };
  const seq = (current?.version ?? 0) + 1;
  await em.getRepository(ConsentEvent).insert({
    subjectId: change.subjectId,
    purpose: change.purpose,
    seq,
    status: change.status,
    source: change.source,
    policyVersion: change.policyVersion ?? null,
    occurredAt,
    recordedBy: actor.id,
  });
  const next = {
    subjectId: change.subjectId,
    purpose: change.purpose,
    status: change.status,
    source: change.source,
    policyVersion: change.policyVersion ?? null,
    version: seq,
    updatedAt: occurredAt,
  };
  if (current) await repo.update({ id: current.id }, next);
  else await repo.insert(next);
  await appendAudit(em, actor, {
    action: 'consent.recorded',
    entityType: 'Subject',
    entityId: change.subjectId,
    details: { purpose: change.purpose, status: change.status, source: change.source, seq },
  });
  return { consent: await repo.findOneByOrFail({ subjectId: change.subjectId, purpose: change.purpose }), changed: true };
}

export async function currentConsent(em: EntityManager, subjectId: number, purpose: PurposeKey): Promise<Consent | null> {
  return em.getRepository(Consent).findOneBy({ subjectId, purpose });
}
