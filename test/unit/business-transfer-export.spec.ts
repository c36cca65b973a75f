import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { concatenate, csvField, decryptFrames, encryptFrame, formatRow, GzipLineWriter, RowCounter } from '../../src/plugins/business-transfer/export-files';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('business-transfer export files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'drg-bt-unit-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const gz = async (name: string, lines: string[]) => {
    const w = new GzipLineWriter(path.join(dir, name));
    for (const l of lines) await w.line(l);
    await w.close();
    return readFile(path.join(dir, name));
  };

  it('writes the same gzip bytes for the same lines, and parts concatenate into one readable file', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ i, v: `value ${i % 17}` }));
    const one = await gz('a.gz', lines);
    const two = await gz('b.gz', lines);
    expect(sha(one)).toBe(sha(two));
    expect(one.readUInt32LE(4)).toBe(0); // mtime 0
    await gz('c.gz', ['tail']);
    await concatenate([path.join(dir, 'a.gz'), path.join(dir, 'c.gz')], path.join(dir, 'all.gz'));
    const text = gunzipSync(await readFile(path.join(dir, 'all.gz'))).toString('utf8');
    expect(text.split('\n').filter(Boolean)).toEqual([...lines, 'tail']);
  });

  it('encrypts frames deterministically and refuses frames out of order or cut short', async () => {
    const key = randomBytes(32);
    await writeFile(path.join(dir, 'p0'), 'first part');
    await writeFile(path.join(dir, 'p1'), 'second part');
    await encryptFrame(path.join(dir, 'p0'), path.join(dir, 'e0'), key, 'subjects', 0, false);
    await encryptFrame(path.join(dir, 'p1'), path.join(dir, 'e1'), key, 'subjects', 1, true);
    await encryptFrame(path.join(dir, 'p0'), path.join(dir, 'e0-again'), key, 'subjects', 0, false);
    expect(sha(await readFile(path.join(dir, 'e0')))).toBe(sha(await readFile(path.join(dir, 'e0-again'))));
    const read = async (file: string) => {
      const out: Buffer[] = [];
      for await (const b of decryptFrames(file, key, 'subjects')) out.push(b);
      return Buffer.concat(out).toString();
    };
    await concatenate([path.join(dir, 'e0'), path.join(dir, 'e1')], path.join(dir, 'ok.enc'));
    expect(await read(path.join(dir, 'ok.enc'))).toBe('first partsecond part');
    await concatenate([path.join(dir, 'e1'), path.join(dir, 'e0')], path.join(dir, 'swapped.enc'));
    await expect(read(path.join(dir, 'swapped.enc'))).rejects.toThrow();
    await concatenate([path.join(dir, 'e0')], path.join(dir, 'short.enc'));
    await expect(read(path.join(dir, 'short.enc'))).rejects.toThrow();
  });

  it('formats CSV and NDJSON rows in column order and counts CSV records with quoted line breaks', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(formatRow('NDJSON', ['b', 'a'], { a: 1, b: new Date(0) })).toBe('{"b":"1970-01-01T00:00:00.000Z","a":1}');
    const counter = new RowCounter('CSV');
    counter.push(Buffer.from('h1,h2\n"multi\nline",x\nplain,y\n'));
    expect(counter.rows).toBe(2);
  });
});
