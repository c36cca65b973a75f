/** The order of due-diligence rows: by pseudonym, never by subject id (which would leak signup order). */

const byPseudonym = (a: Record<string, unknown>, b: Record<string, unknown>) => {
  const x = String(a.pseudonym);
  const y = String(b.pseudonym);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Sorts a chunk's due-diligence rows by pseudonym (subject-id order would leak signup order), for mergeByPseudonym. */
export function sortByPseudonym(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.sort(byPseudonym);
}

/**
 * Merges row streams that are each sorted by pseudonym into one sorted stream, holding one row
 * per stream (a binary heap of the streams' next rows). A stream found out of order (a part
 * written before parts were sorted) fails the merge: releasing it would leak subject-id order.
 * Every stream is closed when the merge ends, fails or is left early.
 */
export async function* mergeByPseudonym(streams: AsyncIterator<Record<string, unknown>>[]): AsyncGenerator<Record<string, unknown>> {
  const heap: { row: Record<string, unknown>; from: AsyncIterator<Record<string, unknown>> }[] = [];
  const less = (i: number, j: number) => byPseudonym(heap[i]!.row, heap[j]!.row) < 0;
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j]!, heap[i]!]);
  const up = (i: number) => {
    while (i > 0 && less(i, (i - 1) >> 1)) {
      swap(i, (i - 1) >> 1);
      i = (i - 1) >> 1;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  try {
    for (const from of streams) {
      const next = await from.next();
      if (!next.done) {
        heap.push({ row: next.value, from });
        up(heap.length - 1);
      }
    }
    while (heap.length > 0) {
      const top = heap[0]!;
      yield top.row;
      const next = await top.from.next();
      if (next.done) {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          down(0);
        }
      } else {
        if (byPseudonym(next.value, top.row) < 0) throw new Error('a due-diligence part is not sorted by pseudonym (written before parts were sorted): export it again');
        top.row = next.value;
        down(0);
      }
    }
  } finally {
    await Promise.all(streams.map((s) => s.return?.()));
  }
}
