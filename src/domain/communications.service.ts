import type { EntityManager } from 'typeorm';
import { CollectionEvent } from '../entities/collection-event.entity';
import { Consent } from '../entities/consent.entity';
import { ConsentSource, ConsentStatus, PurposeKey, SubjectStatus } from '../entities/enums';
import { Subject } from '../entities/subject.entity';
import type { Actor } from './actor';
import { appendAudit } from './audit.service';
import { recordCollectionEvent, type CollectionEventInput } from './collection.service';
import { recordConsent } from './consent.service';
import { DomainError, badInput } from './errors';
import { enqueueMessages, type OutboxDraft } from './outbox.service';
import {
  createOpenToken, createUnsubscribeToken, openPixelUrl, unsubscribeUrl, verifyOpenToken, verifyUnsubscribeToken, type LinkSettings,
} from './unsubscribe-token.service';

/** Who acts when a person clicks a link in an email: the signed token is their credential. */
export const unsubscribeLinkActor: Actor = { id: 'unsubscribe-link', roles: [] };
export const openPixelActor: Actor = { id: 'open-pixel', roles: [] };

/** Purposes whose emails are marketing and so carry List-Unsubscribe (RFC 2369 / RFC 8058). */
export const MARKETING_EMAIL_PURPOSES = [PurposeKey.PRODUCT_EMAIL, PurposeKey.THIRD_PARTY_OFFERS] as const;
export type MarketingEmailPurpose = (typeof MARKETING_EMAIL_PURPOSES)[number];

export interface UnsubscribeResult {
  purpose: PurposeKey;
  /** False when the consent was already withdrawn (a second click): nothing was written. */
  changed: boolean;
}

/**
 * Withdraws the consent a signed link names. Idempotent: a second click writes nothing. A bad
 * or expired token throws before anything is read. An erased subject has nothing left to
 * withdraw, which is also the answer the person wants.
 */
export async function unsubscribe(em: EntityManager, settings: LinkSettings, token: string, actor: Actor = unsubscribeLinkActor, now = new Date()): Promise<UnsubscribeResult> {
  const claims = verifyUnsubscribeToken(settings, token, now);
  try {
    const { changed } = await recordConsent(em, actor, { subjectId: claims.subjectId, purpose: claims.purpose, status: ConsentStatus.WITHDRAWN, source: ConsentSource.UNSUBSCRIBE_LINK }, now);
    return { purpose: claims.purpose, changed };
  } catch (err) {
    if (err instanceof DomainError && err.details?.reason === 'SUBJECT_ERASED') return { purpose: claims.purpose, changed: false };
    throw err;
  }
}

/** Only reads the token; the confirmation page must not change anything on GET. */
export function inspectUnsubscribeToken(settings: LinkSettings, token: string, now = new Date()): { purpose: PurposeKey } {
  return { purpose: verifyUnsubscribeToken(settings, token, now).purpose };
}

/**
 * Records an email open if, at this moment, the subject grants EMAIL_OPEN_TRACKING. Any bad
 * token, missing consent or erased subject records nothing (and the caller still serves the pixel).
 */
export async function recordEmailOpen(em: EntityManager, settings: LinkSettings, token: string, now = new Date()): Promise<boolean> {
  let claims;
  try {
    claims = verifyOpenToken(settings, token, now);
  } catch {
    return false;
  }
  // A shared lock on the subject: a concurrent withdrawal (which locks it for update) is seen.
  const subject = await em.getRepository(Subject).findOne({ where: { id: claims.subjectId }, lock: { mode: 'pessimistic_read' } });
  if (!subject || subject.status !== SubjectStatus.ACTIVE) return false;
  const consent = await em.getRepository(Consent).findOneBy({ subjectId: claims.subjectId, purpose: PurposeKey.EMAIL_OPEN_TRACKING });
  if (consent?.status !== ConsentStatus.GRANTED) return false;
  // One open per message: a refetch (mail scanner, image proxy, a second look) finds the key taken.
  const inserted: { affectedRows?: number; insertId?: number } = await em.query(
    'INSERT IGNORE INTO email_opens (subject_id, campaign, pixel_key, opened_at) VALUES (?, ?, ?, ?)',
    [claims.subjectId, claims.campaign, claims.pixelKey, now],
  );
  if (Number(inserted.affectedRows ?? 0) !== 1) return false;
  const id = Number(inserted.insertId);
  await appendAudit(em, openPixelActor, { action: 'email.opened', entityType: 'EmailOpen', entityId: id, details: { subjectId: claims.subjectId } });
  return true;
}

export interface MarketingEmail {
  subjectId: number;
  to: string;
  purpose: MarketingEmailPurpose;
  subject: string;
  text: string;
  html?: string | null;
  /** Names the mailing; signed into the open pixel. */
  campaign?: string | null;
  /** Adds the open pixel; only when the subject grants EMAIL_OPEN_TRACKING. */
  trackOpens?: boolean;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Builds an outbox draft for a marketing email: the kind is its purpose, and it carries
 * List-Unsubscribe (the https link, RFC 2369) and List-Unsubscribe-Post (RFC 8058 one-click),
 * plus the same link in the body, as the policy promises an "Unsubscribe" link in every one.
 */
export function buildMarketingDraft(settings: LinkSettings, mail: MarketingEmail, now = new Date()): OutboxDraft {
  if (!(MARKETING_EMAIL_PURPOSES as readonly PurposeKey[]).includes(mail.purpose)) throw badInput(`${mail.purpose} is not a marketing email purpose`, { field: 'purpose' });
  const link = unsubscribeUrl(settings, createUnsubscribeToken(settings, mail.subjectId, mail.purpose, now));
  const pixel = mail.trackOpens ? openPixelUrl(settings, createOpenToken(settings, mail.subjectId, mail.campaign ?? null, now)) : null;
  const text = `${mail.text}\n\nUnsubscribe: ${link}\n`;
  const html = mail.html
    ? `${mail.html}\n<p><a href="${escapeHtml(link)}">Unsubscribe</a></p>${pixel ? `<img src="${escapeHtml(pixel)}" width="1" height="1" alt="">` : ''}`
    : null;
  return {
    kind: mail.purpose,
    to: mail.to,
    subject: mail.subject,
    text,
    html,
    headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/**
 * Queues a marketing email through the outbox, in the caller's transaction, only if the
 * subject is active and grants the purpose now; the open pixel only with open-tracking consent.
 */
export async function queueMarketingEmail(
  em: EntityManager,
  settings: LinkSettings,
  mail: Omit<MarketingEmail, 'to' | 'trackOpens'>,
  now = new Date(),
): Promise<OutboxDraft | null> {
  const subject = await em.getRepository(Subject).findOne({ where: { id: mail.subjectId }, lock: { mode: 'pessimistic_read' } });
  if (!subject || subject.status !== SubjectStatus.ACTIVE || !subject.email) return null;
  const consents = await em.getRepository(Consent).findBy({ subjectId: mail.subjectId });
  const granted = (p: PurposeKey) => consents.some((c) => c.purpose === p && c.status === ConsentStatus.GRANTED);
  if (!granted(mail.purpose)) return null;
  const draft = buildMarketingDraft(settings, { ...mail, to: subject.email, trackOpens: granted(PurposeKey.EMAIL_OPEN_TRACKING) }, now);
  await enqueueMessages(em, [draft], now);
  return draft;
}

export interface CollectedVisit extends Omit<CollectionEventInput, 'dnt' | 'gpc'> {
  /** The request carried `Sec-GPC: 1`. */
  gpc: boolean;
  /** The request carried `DNT: 1`: recorded, no legal force. */
  dnt: boolean;
}

export interface CollectResult {
  event: CollectionEvent;
  /** True when this request's GPC signal withdrew THIRD_PARTY_MARKETING_SHARING now. */
  gpcOptOutRecorded: boolean;
}

/**
 * Records a visit. A GPC signal is an opt-out of sale and sharing for the linked subject
 * (11 CCR 7025): THIRD_PARTY_MARKETING_SHARING is withdrawn with source GPC_SIGNAL. The
 * absence of the signal later is not consent, so nothing is ever granted here. DNT is only
 * recorded on the event.
 */
export async function collectVisit(em: EntityManager, actor: Actor, visit: CollectedVisit, now = new Date()): Promise<CollectResult> {
  let gpcOptOutRecorded = false;
  const subjectId = visit.subjectId ?? null;
  if (visit.gpc && subjectId !== null) {
    // The consent first: it locks the subject for update (refusing an erased one), and the event then reads it under that lock.
    const { changed } = await recordConsent(em, actor, {
      subjectId,
      purpose: PurposeKey.THIRD_PARTY_MARKETING_SHARING,
      status: ConsentStatus.WITHDRAWN,
      source: ConsentSource.GPC_SIGNAL,
    }, now);
    gpcOptOutRecorded = changed;
  }
  const event = await recordCollectionEvent(em, actor, { ...visit, subjectId, gpc: visit.gpc, dnt: visit.dnt }, now);
  return { event, gpcOptOutRecorded };
}
