import type { EntityManager } from 'typeorm';
import { ConsentStatus, PurposeKey, SubjectStatus } from '../entities/enums';
import { PolicyNotice, PolicyNoticeChannel } from '../entities/policy-notice.entity';
import { PolicyVersion } from '../entities/policy-version.entity';
import type { Actor } from './actor';
import { appendAudit } from './audit.service';
import { badInput, conflict, notFound } from './errors';
import { enqueueMessages, type OutboxDraft } from './outbox.service';
import type { JobIntent, UseCaseOutcome, UseCaseRunner } from './job-intents';
import { lockSubjectForChange } from './subject.service';
import { isDuplicateKeyError } from './db-errors';
import { createUnsubscribeToken, unsubscribeUrl, type LinkSettings } from './unsubscribe-token.service';

export const POLICY_NOTICE_JOB = 'policy-notice.fan-out';
/** Subjects per fan-out transaction: one multi-row insert of notices and one of outbox messages. */
export const POLICY_NOTICE_PAGE = 1000;
export const POLICY_NOTICE_KIND = 'POLICY_NOTICE';

export interface PublishPolicyInput {
  version: string;
  effectiveAt: Date;
  summary: string;
  url: string;
}

export interface PublishedPolicy {
  policy: PolicyVersion;
  /** False when the same version with the same content was already published (a retry). */
  created: boolean;
}

/** The fan-out job of a version, keyed by it, so the same version is never fanned out twice at once. */
export function policyNoticeFanOut(policyVersionId: number): JobIntent {
  return { name: POLICY_NOTICE_JOB, key: `policy-${policyVersionId}`, payload: { policyVersionId } };
}

/**
 * The use case of publishing: writes the version and declares its fan-out in one change.
 * Publishing the same version again declares the fan-out again, which resumes it.
 */
export function publishPolicy(run: UseCaseRunner, actor: Actor, input: PublishPolicyInput): Promise<UseCaseOutcome<PublishedPolicy>> {
  return run(async (uow) => {
    const published = await publishPolicyVersion(uow.em, actor, input);
    await uow.declare(policyNoticeFanOut(published.policy.id));
    return published;
  });
}

function checkInput(input: PublishPolicyInput): PublishPolicyInput {
  const version = input.version.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(version)) throw badInput('version must be 1 to 40 letters, digits, dots, dashes or underscores', { field: 'version' });
  const summary = input.summary.trim();
  if (summary.length === 0 || summary.length > 4000) throw badInput('summary must be 1 to 4000 characters', { field: 'summary' });
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw badInput('url must be an absolute URL', { field: 'url' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput('url must be an http(s) URL', { field: 'url' });
  if (input.url.length > 2048) throw badInput('url must be at most 2048 characters', { field: 'url' });
  if (Number.isNaN(input.effectiveAt.getTime())) throw badInput('effectiveAt is not a date', { field: 'effectiveAt' });
  return { version, summary, url: input.url, effectiveAt: input.effectiveAt };
}

/**
 * Writes the policy version row (publishPolicy declares its fan-out). Publishing the same version
 * again with the same content is a retry and returns it, so a fan-out can be started again; different content under a published version is a CONFLICT.
 */
export async function publishPolicyVersion(em: EntityManager, actor: Actor, raw: PublishPolicyInput, now = new Date()): Promise<PublishedPolicy> {
  const input = checkInput(raw);
  const repo = em.getRepository(PolicyVersion);
  const existing = await repo.findOne({ where: { version: input.version }, lock: { mode: 'pessimistic_write' } });
  if (existing) {
    const same = existing.summary === input.summary && existing.url === input.url && existing.effectiveAt.getTime() === input.effectiveAt.getTime();
    if (!same) throw conflict(`policy version ${input.version} is already published with other content`, { field: 'version', reason: 'VERSION_EXISTS' });
    return { policy: existing, created: false };
  }
  const policy = repo.create({ ...input, publishedAt: now, publishedBy: actor.id });
  try {
    await repo.insert(policy);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict(`policy version ${input.version} was published at the same moment`, { field: 'version', reason: 'VERSION_EXISTS' });
    throw err;
  }
  await appendAudit(em, actor, { action: 'policy.published', entityType: 'PolicyVersion', entityId: policy.id, details: { version: input.version, effectiveAt: input.effectiveAt.toISOString() } });
  return { policy: await repo.findOneByOrFail({ id: policy.id }), created: true };
}

export interface FanOutPage {
  /** The last subject id this page looked at; null when there were no more subjects. */
  cursor: number | null;
  emailed: number;
  posted: number;
}

interface PageRow {
  id: number;
  email: string | null;
}

function noticeEmail(settings: LinkSettings, companyName: string, policy: PolicyVersion, subjectId: number, to: string, now: Date): OutboxDraft {
  const link = unsubscribeUrl(settings, createUnsubscribeToken(settings, subjectId, PurposeKey.LEGAL_NOTICE_EMAIL, now));
  const effective = policy.effectiveAt.toISOString().slice(0, 10);
  return {
    kind: POLICY_NOTICE_KIND,
    to,
    subject: `${companyName}: our privacy policy changes on ${effective} (version ${policy.version})`,
    text: [
      `We are updating our privacy policy. Version ${policy.version} takes effect on ${effective}.`,
      '',
      policy.summary,
      '',
      `Read the full policy: ${policy.url}`,
      '',
      'The policy governs our use of your information whether or not you receive these emails.',
      `To stop receiving policy notices by email (they will still be posted on our website): ${link}`,
    ].join('\n'),
    headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/**
 * One page of the fan-out, in the caller's transaction: the next active subjects after the
 * cursor (keyset), locked in share mode so their consent cannot change under the decision;
 * those without a notice of this version get one: an outbox email if they have an email and
 * have not withdrawn LEGAL_NOTICE_EMAIL, otherwise a posted notice. The version row is locked
 * first, so two runs of one fan-out serialize and a resumed run never doubles a notice.
 */
export async function fanOutPolicyNoticesPage(
  em: EntityManager,
  actor: Actor,
  settings: LinkSettings,
  companyName: string,
  input: { policyVersionId: number; afterSubjectId: number; pageSize?: number },
  now = new Date(),
): Promise<FanOutPage> {
  const [policy] = await em.getRepository(PolicyVersion).find({ where: { id: input.policyVersionId }, lock: { mode: 'pessimistic_write' } });
  if (!policy) throw notFound('policy version', input.policyVersionId);
  const subjects: PageRow[] = await em.query(
    `SELECT id, email FROM subjects WHERE id > ? AND status = ? ORDER BY id LIMIT ? LOCK IN SHARE MODE`,
    [input.afterSubjectId, SubjectStatus.ACTIVE, input.pageSize ?? POLICY_NOTICE_PAGE],
  );
  if (subjects.length === 0) return { cursor: null, emailed: 0, posted: 0 };
  const ids = subjects.map((s) => Number(s.id));
  const withdrawn: { subject_id: number }[] = await em.query(
    `SELECT subject_id FROM consents WHERE subject_id IN (?) AND purpose = ? AND status = ?`,
    [ids, PurposeKey.LEGAL_NOTICE_EMAIL, ConsentStatus.WITHDRAWN],
  );
  const noticed: { subject_id: number }[] = await em.query(`SELECT subject_id FROM policy_notices WHERE policy_version_id = ? AND subject_id IN (?)`, [policy.id, ids]);
  const optedOut = new Set(withdrawn.map((r) => Number(r.subject_id)));
  const done = new Set(noticed.map((r) => Number(r.subject_id)));
  const drafts: OutboxDraft[] = [];
  const notices: unknown[][] = [];
  for (const s of subjects) {
    const id = Number(s.id);
    if (done.has(id)) continue;
    const byEmail = !!s.email && !optedOut.has(id);
    if (byEmail) drafts.push(noticeEmail(settings, companyName, policy, id, s.email!, now));
    notices.push([policy.id, id, byEmail ? PolicyNoticeChannel.EMAIL : PolicyNoticeChannel.POSTED, now]);
  }
  if (notices.length > 0) {
    await em.query(
      `INSERT INTO policy_notices (policy_version_id, subject_id, channel, notified_at) VALUES ${notices.map(() => '(?,?,?,?)').join(',')}`,
      notices.flat(),
    );
    await enqueueMessages(em, drafts, now);
    await appendAudit(em, actor, {
      action: 'policy.notices_recorded',
      entityType: 'PolicyVersion',
      entityId: policy.id,
      details: { fromSubjectId: ids[0], toSubjectId: ids[ids.length - 1], emailed: drafts.length, posted: notices.length - drafts.length },
    });
  }
  return { cursor: ids[ids.length - 1]!, emailed: drafts.length, posted: notices.length - drafts.length };
}

/**
 * A subject acknowledges a version. Without a notice yet (the fan-out has not reached them),
 * they learned of it from the posted policy: a posted notice is recorded, which the fan-out
 * then skips. The first acknowledgement stands.
 */
export async function acknowledgePolicy(em: EntityManager, actor: Actor, subjectId: number, version: string, now = new Date()): Promise<PolicyNotice> {
  const policy = await em.getRepository(PolicyVersion).findOneBy({ version });
  if (!policy) throw notFound('policy version', version.slice(0, 40));
  await lockSubjectForChange(em, subjectId);
  const repo = em.getRepository(PolicyNotice);
  const notice = await repo.findOneBy({ policyVersionId: policy.id, subjectId });
  if (notice?.acknowledgedAt) return notice;
  if (notice) await repo.update({ id: notice.id }, { acknowledgedAt: now });
  else await repo.insert({ policyVersionId: policy.id, subjectId, channel: PolicyNoticeChannel.POSTED, notifiedAt: now, acknowledgedAt: now });
  await appendAudit(em, actor, { action: 'policy.acknowledged', entityType: 'Subject', entityId: subjectId, details: { policyVersionId: policy.id, version } });
  return repo.findOneByOrFail({ policyVersionId: policy.id, subjectId });
}
