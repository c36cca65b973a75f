import { mergeByPseudonym, sortByPseudonym } from '../../src/plugins/business-transfer/pseudonym-order';

async function* stream(rows: Record<string, unknown>[]): AsyncGenerator<Record<string, unknown>> {
  for (const r of rows) yield r;
}

async function all(it: AsyncIterable<Record<string, unknown>>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of it) out.push(r.pseudonym);
  return out;
}

describe('due-diligence rows in pseudonym order (issue 23: streamed assembly)', () => {
  it('sorts a chunk by pseudonym, by code unit', () => {
    expect(sortByPseudonym([{ pseudonym: 'ps_k1_b' }, { pseudonym: 'ps_k1_a0' }, { pseudonym: 'ps_k1_9' }, { pseudonym: 'ps_k1_a' }]).map((r) => r.pseudonym)).toEqual(['ps_k1_9', 'ps_k1_a', 'ps_k1_a0', 'ps_k1_b']);
  });

  it('merges sorted chunks into one sorted stream, empty chunks and equal pseudonyms included', async () => {
    const chunks = [['a', 'd', 'g'], [], ['b', 'c', 'h', 'z'], ['a', 'e'], ['f']].map((c) => stream(c.map((p) => ({ pseudonym: p }))));
    expect(await all(mergeByPseudonym(chunks))).toEqual(['a', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'z']);
  });

  it('merges one chunk, or none', async () => {
    expect(await all(mergeByPseudonym([stream([{ pseudonym: 'x' }, { pseudonym: 'y' }])]))).toEqual(['x', 'y']);
    expect(await all(mergeByPseudonym([]))).toEqual([]);
  });

  it('keeps every row of many random chunks, in order', async () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const chunks = Array.from({ length: 37 }, () => sortByPseudonym(Array.from({ length: next() % 50 }, () => ({ pseudonym: `ps_${(next() % 100000).toString(16)}` }))));
    const expected = chunks.flat().map((r) => String(r.pseudonym)).sort();
    expect(await all(mergeByPseudonym(chunks.map((c) => stream(c))))).toEqual(expected);
  });

  it('refuses a chunk out of pseudonym order (a part written before parts were sorted) rather than leak its order', async () => {
    const merged = mergeByPseudonym([stream([{ pseudonym: 'a' }, { pseudonym: 'c' }, { pseudonym: 'b' }]), stream([{ pseudonym: 'd' }])]);
    await expect(all(merged)).rejects.toThrow(/not sorted by pseudonym/);
  });

  it('closes every chunk when the merge is left early or fails', async () => {
    const closed: number[] = [];
    const tracked = (i: number, rows: string[], failAt = -1) =>
      (async function* () {
        try {
          for (const [n, p] of rows.entries()) {
            if (n === failAt) throw new Error('a damaged part');
            yield { pseudonym: p };
          }
        } finally {
          closed.push(i);
        }
      })();
    for await (const row of mergeByPseudonym([tracked(0, ['a', 'b']), tracked(1, ['c']), tracked(2, ['d', 'e'])])) if (row.pseudonym === 'a') break;
    expect(closed.sort()).toEqual([0, 1, 2]);
    closed.length = 0;
    await expect(all(mergeByPseudonym([tracked(0, ['a', 'b', 'c'], 1), tracked(1, ['x'])]))).rejects.toThrow('a damaged part');
    expect(closed.sort()).toEqual([0, 1]);
  });
});
