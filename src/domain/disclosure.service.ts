import { In, type EntityManager } from 'typeorm';
import { Consent } from '../entities/consent.entity';
import { DataCategory } from '../entities/data-category.entity';
import { Disclosure } from '../entities/disclosure.entity';
import { DisclosureCategory } from '../entities/disclosure-category.entity';
import { ConsentSource, ConsentStatus, DisclosurePurpose, PurposeKey, RecipientKind, SubjectStatus } from '../entities/enums';
import { Recipient } from '../entities/recipient.entity';
import { Subject } from '../entities/subject.entity';
import type { Actor } from './actor';
import type { DomainHooks } from './hooks';
import type { UnitOfWork, UseCaseOutcome, UseCaseRunner } from './job-intents';
import { appendAudit } from './audit.service';
import { DomainError, badInput, conflict, notFound } from './errors';
import { needsPostalAddress, OWN_USE_KINDS } from './recipient.service';

export interface RecordDisclosureInput {
  subjectId?: number | null;
  recipientId: number;
  purpose: DisclosurePurpose;
  categories: string[];
  /** Defaults to true when a subject is named. */
  identifiable?: boolean;
  transactionReference?: string | null;
  occurredAt?: Date;
}


/**
 * Records a disclosure after checking the policy: the recipient's allowed purposes, consent
 * (and no GPC opt-out) for direct marketing by third parties and affiliates, a transaction
 * reference for affiliates, nothing identifiable for partners, nothing about erased subjects.
 */
export async function recordDisclosure(em: EntityManager, actor: Actor, input: RecordDisclosureInput, now = new Date()): Promise<Disclosure> {
  const occurredAt = input.occurredAt ?? now;
  if (occurredAt.getTime() > now.getTime() + 60_000) throw badInput('occurredAt is in the future', { field: 'occurredAt' });
  const categoryKeys = [...new Set(input.categories)].sort();
  if (categoryKeys.length === 0) throw badInput('a disclosure names at least one data category', { field: 'categories' });
  const subjectId = input.subjectId ?? null;
  const identifiable = input.identifiable ?? subjectId !== null;
  if (identifiable && subjectId === null) throw badInput('an identifiable disclosure names its subject', { field: 'subjectId' });

  const recipient = await em.getRepository(Recipient).findOneBy({ id: input.recipientId });
  if (!recipient) throw notFound('recipient', input.recipientId);
  if (!recipient.allowedPurposes.includes(input.purpose))
    throw badInput(`recipient ${recipient.id} (${recipient.kind}) is not allowed data for ${input.purpose}`, { reason: 'PURPOSE_NOT_ALLOWED' });
  // A recipient registered before addresses were required: its notice could give a name only (1798.83(a)(2)).
  if (needsPostalAddress(recipient.kind, [input.purpose]) && !recipient.postalAddress?.trim())
    throw badInput(`recipient ${recipient.id} has no postal address on record; record one before disclosing for DIRECT_MARKETING`, { reason: 'RECIPIENT_ADDRESS_MISSING' });
  if (recipient.kind === RecipientKind.PARTNER && identifiable)
    throw badInput('partners only receive anonymized or aggregate data', { reason: 'PARTNER_IDENTIFIABLE' });
  if (recipient.kind === RecipientKind.AFFILIATE && !input.transactionReference?.trim())
    throw badInput('a disclosure to an affiliate needs the related transaction reference', { field: 'transactionReference', reason: 'TRANSACTION_REFERENCE_REQUIRED' });

  const known = await em.getRepository(DataCategory).findBy({ key: In(categoryKeys) });
  if (known.length !== categoryKeys.length) {
    const missing = categoryKeys.filter((k) => !known.some((c) => c.key === k));
    throw badInput(`unknown data categories: ${missing.join(', ')}`, { field: 'categories' });
  }

  if (subjectId !== null) {
    // A shared lock: an erasure (which locks the subject for update) waits for us or we see its result.
    const subject = await em.getRepository(Subject).findOne({ where: { id: subjectId }, lock: { mode: 'pessimistic_read' } });
    if (!subject) throw notFound('subject', subjectId);
    if (subject.status === SubjectStatus.ERASED) throw conflict(`subject ${subjectId} has been erased`, { reason: 'SUBJECT_ERASED' });
    // Kept only for a legal hold: disclosed for a legal obligation alone (11 CCR 7022(f)(3), point 7).
    if (subject.status === SubjectStatus.RESTRICTED && input.purpose !== DisclosurePurpose.LEGAL_COMPLIANCE)
      throw conflict(`subject ${subjectId} asked to be erased; what is kept may be disclosed for a legal obligation only`, { reason: 'PROCESSING_RESTRICTED' });
    if (input.purpose === DisclosurePurpose.DIRECT_MARKETING && OWN_USE_KINDS.has(recipient.kind) && identifiable) {
      const consent = await em.getRepository(Consent).findOneBy({ subjectId, purpose: PurposeKey.THIRD_PARTY_MARKETING_SHARING });
      if (!consent || consent.status !== ConsentStatus.GRANTED) {
        const gpc = consent?.source === ConsentSource.GPC_SIGNAL;
        throw new DomainError(
          'CONFLICT',
          gpc
            ? `subject ${subjectId} opted out of sharing with a Global Privacy Control signal`
            : `subject ${subjectId} has not consented to sharing for third-party marketing`,
          { reason: gpc ? 'GPC_OPT_OUT' : 'CONSENT_REQUIRED' },
        );
      }
    }
  }

  const disclosure = em.getRepository(Disclosure).create({
    subjectId,
    recipientId: recipient.id,
    purpose: input.purpose,
    identifiable,
    transactionReference: input.transactionReference?.trim() || null,
    occurredAt,
    recordedBy: actor.id,
  });
  await em.getRepository(Disclosure).insert(disclosure);
  await em.getRepository(DisclosureCategory).insert(categoryKeys.map((categoryKey) => ({ disclosureId: disclosure.id, categoryKey })));
  await appendAudit(em, actor, {
    action: 'disclosure.recorded',
    entityType: 'Disclosure',
    entityId: disclosure.id,
    details: { recipientId: recipient.id, subjectId, purpose: input.purpose, identifiable, categories: categoryKeys },
  });
  return em.getRepository(Disclosure).findOneByOrFail({ id: disclosure.id });
}

/** Tells the plugins of the disclosures recorded in this change (the onDisclosure hook), in it. */
export async function announceDisclosures(uow: UnitOfWork, hooks: DomainHooks, actor: Actor, disclosureIds: number[]): Promise<void> {
  if (disclosureIds.length > 0) await hooks.onDisclosure(uow.em, disclosureIds, { actor, jobs: uow });
}

/** The use case of recording one disclosure: the policy checks, the row, and the plugins told. */
export function disclose(run: UseCaseRunner, hooks: DomainHooks, actor: Actor, input: RecordDisclosureInput): Promise<UseCaseOutcome<Disclosure>> {
  return run(async (uow) => {
    const disclosure = await recordDisclosure(uow.em, actor, input);
    await announceDisclosures(uow, hooks, actor, [disclosure.id]);
    return disclosure;
  });
}
