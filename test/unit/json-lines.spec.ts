import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readJsonLines } from '../../src/plugins/business-transfer/transfer-assembly.service';

// The due-diligence assembly reads every chunk's part at once, piece by piece (issue 23).
describe('readJsonLines', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drg-json-lines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function read(text: string): Promise<unknown[]> {
    const file = path.join(dir, `${Math.random()}.gz`);
    writeFileSync(file, gzipSync(Buffer.from(text, 'utf8')));
    const out: unknown[] = [];
    for await (const row of readJsonLines(file)) out.push(row);
    return out;
  }

  it('yields every row, across 16 KB pieces, with characters split between pieces intact', async () => {
    // 3-byte characters at every offset, in rows long enough that pieces end inside them.
    const rows = Array.from({ length: 400 }, (_, i) => ({ i, name: `${'é'.repeat(i % 7)}${'€'.repeat(40 + (i % 5))}` }));
    expect(await read(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`)).toEqual(rows);
  });

  it('reads a last row without a line break, skips empty lines, and yields nothing from nothing', async () => {
    expect(await read('{"a":1}\n\n{"a":2}')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await read('')).toEqual([]);
  });

  it('fails the reader, not the process, on a missing or damaged part', async () => {
    const missing = readJsonLines(path.join(dir, 'gone.gz'));
    await expect(missing.next()).rejects.toThrow(/ENOENT/);
    const damaged = path.join(dir, 'damaged.gz');
    writeFileSync(damaged, Buffer.from('not gzip at all'));
    await expect(readJsonLines(damaged).next()).rejects.toThrow();
  });
});
