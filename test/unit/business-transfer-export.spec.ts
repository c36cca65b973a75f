import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
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

  it('writes an NDJSON row exactly as JSON.stringify of the row with its keys in column order', () => {
    const columns = ['id', 'name', 'when', 'tags', 'flag', 'missing'];
    const value = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...columns, 'extra'), value), (row) => {
        const expected = JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] instanceof Date ? (row[c] as Date).toISOString() : (row[c] ?? null)])));
        expect(formatRow('NDJSON', columns, row)).toBe(expected);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('writes a row built in column order (as the driver builds rows) with the same bytes as any other row', () => {
    const columns = ['id', 'name', 'when', 'tags', 'flag', 'missing'];
    const value = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true }), fc.array(fc.string(), { maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(value, { minLength: columns.length, maxLength: columns.length }), fc.boolean(), (values, withExtra) => {
        const row: Record<string, unknown> = {};
        columns.forEach((c, i) => (row[c] = values[i]));
        if (withExtra) row.extra = 1;
        const expected = JSON.stringify(Object.fromEntries(columns.map((c) => [c, row[c] instanceof Date ? (row[c] as Date).toISOString() : (row[c] ?? null)])));
        expect(formatRow('NDJSON', columns, row)).toBe(expected);
      }),
      { seed: 43, numRuns: 500 },
    );
    // Rows that are not plain objects take the column-by-column path: an inherited column counts,
    // a toJSON on the prototype does not replace the row, a function value is null.
    const inherited = Object.assign(Object.create({ c: 3, inheritedKey: 1 }) as Record<string, unknown>, { b: 2, a: 1 });
    expect(formatRow('NDJSON', ['b', 'a'], inherited)).toBe('{"b":2,"a":1}');
    expect(formatRow('NDJSON', ['b', 'a', 'c'], inherited)).toBe('{"b":2,"a":1,"c":3}');
    class WithToJson {
      b = 2;
      a = 1;
      toJSON() {
        return { other: true };
      }
    }
    expect(formatRow('NDJSON', ['b', 'a'], new WithToJson() as unknown as Record<string, unknown>)).toBe('{"b":2,"a":1}');
    expect(formatRow('NDJSON', ['b', 'a'], { b: () => 1, a: 1 })).toBe('{"b":null,"a":1}');
  });

  it('gives the same gzip bytes whether lines arrive one by one or in one write', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `{"id":${i},"text":"${'x'.repeat(i % 97)}"}`);
    const batched = await gz('batched.gz', lines);
    const one = path.join(dir, 'whole.gz');
    const w = new GzipLineWriter(one);
    await w.line(lines.join('\n'), false);
    await w.close();
    expect(sha(batched)).toBe(sha(await readFile(one)));
    expect(gunzipSync(batched).toString()).toBe(`${lines.join('\n')}\n`);
  });
});
