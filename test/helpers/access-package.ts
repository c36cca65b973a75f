import { createHash } from 'node:crypto';
import yauzl from 'yauzl';

/** The entries of a ZIP, by name (the access package's archive is small enough in tests). */
export async function unzip(archive: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(archive, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err: Error | null, stream: NodeJS.ReadableStream | undefined) => {
        if (err || !stream) return reject(err ?? new Error('no stream'));
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return out;
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The token in an access-package link (an email or letter body). */
export function tokenIn(body: string): string {
  const m = /access-package\?token=([A-Za-z0-9_-]{43})/.exec(body);
  if (!m) throw new Error('no access-package link in the message');
  return m[1]!;
}

/** Uses a link as the person's browser does (the page's form posts the token). */
export async function download(baseUrl: string, token: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const res = await fetch(`${baseUrl}/access-package`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

export interface PackageSection {
  section: string;
  title: string;
  about: Record<string, string>;
  columns: string[];
  withheld: { column: string; reason: string }[];
  rows: Record<string, unknown>[];
}

export function section(entries: Map<string, Buffer>, name: string): PackageSection {
  const file = entries.get(`${name}.json`);
  if (!file) throw new Error(`no ${name}.json in the package (has ${[...entries.keys()].join(', ')})`);
  return JSON.parse(file.toString('utf8')) as PackageSection;
}
