import { loadConfig } from '../../src/config';
import { isIdleRun } from '../../src/jobs/worker-host';
import { toConnection } from '../../src/schema/pagination';

describe('PageInfo per the Relay cursor connections spec', () => {
  const cursor = (n: number) => `c${n}`;
  it('gives the first and last cursors, more after when the extra row came, and items before only after a cursor', () => {
    const page = toConnection([1, 2, 3, 4], 3, cursor, 'c0');
    expect(page.edges.map((e) => [e.node, e.cursor])).toEqual([[1, 'c1'], [2, 'c2'], [3, 'c3']]);
    expect({ ...page.pageInfo, startCursor: page.pageInfo.startCursor, endCursor: page.pageInfo.endCursor }).toMatchObject({ hasNextPage: true, hasPreviousPage: true, startCursor: 'c1', endCursor: 'c3' });
    const first = toConnection([1, 2], 3, cursor);
    expect([first.pageInfo.hasNextPage, first.pageInfo.hasPreviousPage, first.pageInfo.startCursor, first.pageInfo.endCursor]).toEqual([false, false, 'c1', 'c2']);
    // Exactly a page of rows and no extra one: nothing follows.
    const full = toConnection([1, 2, 3], 3, cursor);
    expect([full.pageInfo.hasNextPage, full.edges.length]).toEqual([false, 3]);
    const nullAfter = toConnection([1], 3, cursor, null);
    expect(nullAfter.pageInfo.hasPreviousPage).toBe(false);
  });
  it('has null cursors on an empty page', () => {
    const empty = toConnection([], 3, cursor, 'c9');
    expect([empty.pageInfo.hasNextPage, empty.pageInfo.hasPreviousPage, empty.pageInfo.startCursor, empty.pageInfo.endCursor]).toEqual([false, true, null, null]);
  });
});

describe('logs a person can read', () => {
  it('counts a repeatable job run as idle only when it did nothing', () => {
    for (const idle of [undefined, null, {}, { sent: 0, failed: 0 }, { published: null }, { overdue: 0, note: undefined }, { purged: [] }]) expect(isIdleRun(idle)).toBe(true);
    for (const busy of [{ sent: 1, failed: 0 }, { published: 41 }, { overdue: 2 }, 'done', 0, [], [0], { ok: true }, { ok: false }, { purged: ['a'] }]) expect(isIdleRun(busy)).toBe(false);
  });
  it('writes JSON lines unless told, or in a terminal outside production; production and pipes stay JSON', () => {
    expect(loadConfig({ LOG_FORMAT: 'json' }).log.format).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).log.format).toBe('pretty');
    // Jest's stdout is not a terminal: auto gives JSON here, whatever the environment.
    expect(loadConfig({}).log.format).toBe(process.stdout.isTTY ? 'pretty' : 'json');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40), PSEUDONYM_SECRET: 'p'.repeat(40), UNSUBSCRIBE_SECRET: 'u'.repeat(40), INTEGRITY_KEY: 'i'.repeat(40), ACCESS_PACKAGE_KEY: 'a'.repeat(40), EXPORT_KEY: 'e'.repeat(40), PUBLIC_BASE_URL: 'https://x.example' }).log.format).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT must be one of auto, json, pretty, got "xml"');
  });
});
