import { jobIdOf } from '../../src/domain/job-intents';
import { erasureJob } from '../../src/domain/data-request.service';
import { noticeJobs, NOTICE_CHUNK } from '../../src/domain/california-notice.service';
import { policyNoticeFanOut } from '../../src/domain/policy.service';
import { DataRequestType } from '../../src/entities/enums';

describe('the job-id rule', () => {
  it('is the job name and the key, joined by @', () => {
    expect(jobIdOf('erasure.run', 'request-42')).toBe('erasure.run@request-42');
    expect(jobIdOf('a', 'b')).toBe('a@b');
  });

  it('takes keys of 1 to 121 characters of letters, digits, dots, dashes and underscores', () => {
    expect(jobIdOf('x', 'k'.repeat(121))).toBe(`x@${'k'.repeat(121)}`);
    expect(() => jobIdOf('x', 'k'.repeat(122))).toThrow(/job key/);
    expect(() => jobIdOf('x', '')).toThrow(/job key/);
    expect(() => jobIdOf('x', 'a:b')).toThrow(/job key/);
    expect(() => jobIdOf('x', 'a@b')).toThrow(/job key/);
    expect(() => jobIdOf('x', '-a')).toThrow(/job key/);
    expect(jobIdOf('x', 'A_1.b-2')).toBe('x@A_1.b-2');
  });

  it('takes lower-case names with dots and dashes, and nothing BullMQ would refuse', () => {
    expect(() => jobIdOf('Erasure.run', 'k')).toThrow(/job name/);
    expect(() => jobIdOf('erasure:run', 'k')).toThrow(/job name/);
    expect(() => jobIdOf('1erasure', 'k')).toThrow(/job name/);
    expect(() => jobIdOf('', 'k')).toThrow(/job name/);
    expect(jobIdOf('policy-notice.fan-out', 'policy-3')).toBe('policy-notice.fan-out@policy-3');
  });
});

describe('the intents of the core jobs', () => {
  it('keys an erasure by its request, a child deletion first', () => {
    expect(erasureJob(7, DataRequestType.ERASURE)).toEqual({ name: 'erasure.run', key: 'request-7', payload: { requestId: 7 }, priority: 10 });
    expect(erasureJob(8, DataRequestType.CHILD_DELETION)).toEqual({ name: 'erasure.run', key: 'request-8', payload: { requestId: 8 }, priority: 1 });
  });

  it('cuts notice requests into chunks keyed by their first, last and count', () => {
    const ids = Array.from({ length: NOTICE_CHUNK + 1 }, (_, i) => i + 1);
    const jobs = noticeJobs(ids);
    expect(jobs.map((j) => j.key)).toEqual([`notices-1-${NOTICE_CHUNK}-${NOTICE_CHUNK}`, `notices-${NOTICE_CHUNK + 1}-${NOTICE_CHUNK + 1}-1`]);
    expect(jobs[1]!.payload).toEqual({ requestIds: [NOTICE_CHUNK + 1] });
    expect(noticeJobs([])).toEqual([]);
    expect(noticeJobs(ids.slice(0, NOTICE_CHUNK))).toHaveLength(1);
  });

  it('keys the policy fan-out by the version', () => {
    expect(policyNoticeFanOut(3)).toEqual({ name: 'policy-notice.fan-out', key: 'policy-3', payload: { policyVersionId: 3 } });
  });
});
