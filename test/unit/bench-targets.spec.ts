import { marginOf, measuredTarget, summarizeTargets, type Target } from '../../bench/harness';

// Benchmarks judge a target on the median of several runs (issue 23), never on one lucky run.
describe('bench targets over several runs', () => {
  const ratio = (value: number) => measuredTarget('gateway ≥ 0.5× floor', { value, atLeast: 0.5 }, `${value}×`);

  it('passes a run exactly at its bound and fails one just outside', () => {
    expect(ratio(0.5).status).toBe('PASS');
    expect(ratio(0.499).status).toBe('FAIL');
    expect(measuredTarget('rss', { value: 256, atMost: 256 }, '').status).toBe('PASS');
    expect(measuredTarget('rss', { value: 256.5, atMost: 256 }, '').status).toBe('FAIL');
  });

  it('judges on the median: one lucky run does not pass a target, one unlucky run does not fail it', () => {
    const [lucky] = summarizeTargets([[ratio(0.62)], [ratio(0.41)], [ratio(0.44)]]);
    expect(lucky).toMatchObject({ status: 'FAIL', runs: ['PASS', 'FAIL', 'FAIL'], values: [0.62, 0.41, 0.44], median: 0.44 });
    const [unlucky] = summarizeTargets([[ratio(0.55)], [ratio(0.48)], [ratio(0.57)]]);
    expect(unlucky).toMatchObject({ status: 'PASS', median: 0.55 });
  });

  it('reports the spread and the margin of the median, in % ', () => {
    const [s] = summarizeTargets([[ratio(0.5)], [ratio(0.6)], [ratio(0.55)]]);
    expect(s).toMatchObject({ median: 0.55, spreadPct: 18.2, marginPct: 10, atLeast: 0.5 });
    const [rss] = summarizeTargets([[measuredTarget('rss', { value: 180, atMost: 200 }, '')]]);
    expect(rss).toMatchObject({ median: 180, spreadPct: 0, marginPct: 10, atMost: 200 });
    expect(marginOf(1.5, { value: 0, atMost: 1.5 })).toBe(0);
    expect(marginOf(3, { value: 0, atMost: 1.5 })).toBe(-1);
  });

  it('fails a target without a figure (a correctness check) when any run that judged it failed', () => {
    const same = (status: Target['status']): Target => ({ name: 'same data', status, detail: '' });
    expect(summarizeTargets([[same('PASS')], [same('FAIL')], [same('PASS')]])[0]).toMatchObject({ status: 'FAIL', runs: ['PASS', 'FAIL', 'PASS'] });
    expect(summarizeTargets([[same('PASS')], [same('SKIP')], [same('PASS')]])[0]!.status).toBe('PASS');
    expect(summarizeTargets([[same('SKIP')], [same('SKIP')]])[0]!.status).toBe('SKIP');
  });

  it('keeps targets a run did not report as skipped in that run', () => {
    const [s] = summarizeTargets([[ratio(0.6)], [], [ratio(0.7)]]);
    expect(s).toMatchObject({ runs: ['PASS', 'SKIP', 'PASS'], values: [0.6, 0.7], median: 0.65, status: 'PASS' });
  });
});
