import { systemActor } from '../domain/actor';
import { fanOutPolicyNoticesPage, POLICY_NOTICE_JOB } from '../domain/policy.service';
import { inTransaction } from '../domain/transaction';
import type { JobDefinition } from './job-definition';

export const POLICY_NOTICE_QUEUE = 'policy-notice';

interface FanOutPayload extends Record<string, unknown> {
  policyVersionId: number;
  /** Where a resumed run starts; written after each committed page. */
  afterSubjectId?: number;
}

/**
 * Fans out the notices of one policy version, one committed page at a time. The cursor is
 * saved in the job's data after each page, so a run handed to another worker resumes there;
 * pages done twice anyway are harmless (subjects with a notice are skipped under the version lock).
 */
export const policyNoticeJob: JobDefinition<FanOutPayload> = {
  name: POLICY_NOTICE_JOB,
  queue: POLICY_NOTICE_QUEUE,
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  async process(payload, ctx) {
    const actor = { ...systemActor, id: 'system:policy-notice-worker' };
    let cursor = payload.afterSubjectId ?? 0;
    const totals = { emailed: 0, posted: 0, pages: 0 };
    for (;;) {
      const page = await inTransaction(ctx.dataSource, (em) =>
        fanOutPolicyNoticesPage(em, actor, ctx.config.communications, ctx.config.company.name, { policyVersionId: payload.policyVersionId, afterSubjectId: cursor }),
      );
      if (page.cursor === null) return totals;
      cursor = page.cursor;
      totals.emailed += page.emailed;
      totals.posted += page.posted;
      totals.pages += 1;
      await ctx.job.updateData({ ...payload, afterSubjectId: cursor });
      await ctx.job.updateProgress({ afterSubjectId: cursor, ...totals });
    }
  },
};
