import DataLoader from 'dataloader';
import { In } from 'typeorm';
import { PolicyNotice, PolicyNoticeChannel } from '../../entities/policy-notice.entity';
import { defineLoader, groupBy, type LoaderRegistry } from '../loaders/loader-registry';
import type { PolicyNoticeCountsType, PolicyNoticeType } from './policy.type';

/** User.policyNotices: one statement for every user on the page, oldest version first. */
export const policyNoticesBySubjectLoader = defineLoader('policyNoticesBySubject', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, PolicyNoticeType[]>(async (ids) => {
    const rows = await dataSource.getRepository(PolicyNotice).find({ where: { subjectId: In([...ids]) }, relations: { policyVersion: true }, order: { policyVersionId: 'ASC' } });
    return groupBy(ids, rows, (n) => n.subjectId).map((list) =>
      list.map((n) => ({ version: n.policyVersion!.version, channel: n.channel, notifiedAt: n.notifiedAt, acknowledgedAt: n.acknowledgedAt })),
    );
  }));

/** PolicyVersion.notices: counts for every listed version in one grouped statement. */
export const noticeCountsByVersionLoader = defineLoader('noticeCountsByVersion', ({ dataSource }: LoaderRegistry) =>
  new DataLoader<number, PolicyNoticeCountsType>(async (ids) => {
    const rows: { policy_version_id: number; channel: PolicyNoticeChannel; n: number | string; acked: number | string }[] = await dataSource.query(
      `SELECT policy_version_id, channel, COUNT(*) AS n, COUNT(acknowledged_at) AS acked FROM policy_notices WHERE policy_version_id IN (?) GROUP BY policy_version_id, channel`,
      [[...ids]],
    );
    return groupBy(ids, rows, (r) => Number(r.policy_version_id)).map((list) => ({
      emailed: Number(list.find((r) => r.channel === PolicyNoticeChannel.EMAIL)?.n ?? 0),
      posted: Number(list.find((r) => r.channel === PolicyNoticeChannel.POSTED)?.n ?? 0),
      acknowledged: list.reduce((sum, r) => sum + Number(r.acked), 0),
    }));
  }));
