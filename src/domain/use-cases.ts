import type { EntityManager } from 'typeorm';
import { claimAccessPackage, reissueAccessLink, requestAccess } from './access-request.service';
import { appendAudit } from './audit.service';
import { decideCorrection, openCorrectionRequest } from './correction-request.service';
import { requestCaliforniaNotices } from './california-notice.service';
import { recordCollectionEvent } from './collection.service';
import { collectVisit, recordEmailOpen, unsubscribe } from './communications.service';
import { recordConsent } from './consent.service';
import { extendRequestDeadline, requestErasure } from './data-request.service';
import { disclose } from './disclosure.service';
import type { UseCaseRunner } from './job-intents';
import { acknowledgePolicy, publishPolicy } from './policy.service';
import { registerRecipient, updateRecipient } from './recipient.service';
import { registerSubject, updateSubject } from './subject.service';

/** A rule that changes data in one transaction and asks for no job, as a use case. */
export function useCaseOf<A extends unknown[], T>(rule: (em: EntityManager, ...args: A) => Promise<T>): (run: UseCaseRunner, ...args: A) => Promise<T> {
  return async (run, ...args) => (await run((uow) => rule(uow.em, ...args))).result;
}

/**
 * Every change the core performs, by name: what a resolver, an HTTP route, a CLI command or a job
 * calls (with `ctx.run`, the gateway's UseCaseRunner). Each one opens its transaction, applies
 * the rules, writes its audit event and declares its jobs; the callers parse and present. Those
 * that declare jobs answer with their outcome (`queued` false when the jobs wait for Redis).
 * Plugins keep theirs beside their rules (legal-hold.service.ts, transfer-start.use-case.ts).
 */
export const useCases = {
  registerSubject: useCaseOf(registerSubject),
  updateSubject: useCaseOf(updateSubject),
  recordConsent: useCaseOf(recordConsent),
  recordCollectionEvent: useCaseOf(recordCollectionEvent),
  collectVisit: useCaseOf(collectVisit),
  registerRecipient: useCaseOf(registerRecipient),
  updateRecipient: useCaseOf(updateRecipient),
  unsubscribe: useCaseOf(unsubscribe),
  recordEmailOpen: useCaseOf(recordEmailOpen),
  acknowledgePolicy: useCaseOf(acknowledgePolicy),
  extendRequestDeadline: useCaseOf(extendRequestDeadline),
  /** An audit event on its own (a read worth recording, such as a consent export). */
  audit: useCaseOf(appendAudit),
  requestErasure,
  requestAccess,
  reissueAccessLink: useCaseOf(reissueAccessLink),
  claimAccessPackage: useCaseOf(claimAccessPackage),
  requestCorrection: useCaseOf(openCorrectionRequest),
  decideCorrection: useCaseOf(decideCorrection),
  requestCaliforniaNotices,
  publishPolicy,
  recordDisclosure: disclose,
} as const;
