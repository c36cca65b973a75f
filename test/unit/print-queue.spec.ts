import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrintQueue } from '../../src/jobs/print-queue';

/** Issue 21, point 14 (docs/legal.md): letters, whole or half-written, leave the print folder after their retention. */
describe('the print queue', () => {
  it('writes a letter whole, and purges finished and half-written letters past the retention, nothing else', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'drg-print-'));
    const queue = createPrintQueue(dir, 14);
    await queue.hand('letter-0000000001.html', '<p>one</p>');
    await expect(queue.hand('../escape.html', 'x')).rejects.toThrow("not a letter's file name");
    await writeFile(path.join(dir, 'letter-0000000002.html.123.part'), 'half');
    await writeFile(path.join(dir, 'letter-0000000003.html'), 'recent');
    await writeFile(path.join(dir, 'notes.txt'), 'not a letter');
    const old = new Date(Date.now() - 15 * 86_400_000);
    for (const f of ['letter-0000000001.html', 'letter-0000000002.html.123.part', 'notes.txt']) await utimes(path.join(dir, f), old, old);
    expect(await queue.purgeExpired(new Date())).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['letter-0000000003.html', 'notes.txt']);
    expect(await createPrintQueue(path.join(dir, 'missing'), 14).purgeExpired(new Date())).toBe(0);
  });
});
