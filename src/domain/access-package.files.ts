import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { sealStream } from './sealed-file';
import type { AccessValue } from './hooks';

/**
 * The files of an access package as they are written: a JSON file per section and a CSV per table,
 * each streamed row by row with backpressure and hashed as it goes, so that a history of a million
 * rows takes the memory of one page.
 */

export interface PackageFile {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * One file written in order, hashed and counted on the way (the hash and size are of the plain
 * content). With `seal`, what reaches the disk is sealed (src/domain/sealed-file.ts) under a key
 * the caller holds: the access package's staging files are never on disk in the clear. A write or
 * open error (disk full, folder gone) rejects the next write or the close, never the process.
 */
export class FileSink {
  private readonly hash: Hash = createHash('sha256');
  private readonly head: Writable;
  private readonly done: Promise<void>;
  /** Resolves when the stream ends either way: raced with 'drain', it never rejects unobserved. */
  private readonly settled: Promise<void>;
  private failed: unknown = null;
  private buffered: string[] = [];
  private bufferedLength = 0;
  bytes = 0;

  constructor(readonly path: string, seal?: { key: Buffer; label: string }) {
    const file = createWriteStream(path);
    if (seal) {
      const sealer = sealStream(seal.key, seal.label);
      this.head = sealer;
      this.done = pipeline(sealer, file);
    } else {
      this.head = file;
      this.done = finished(file);
    }
    // Kept, not thrown from an event: the next write or the close reports it.
    this.settled = this.done.then(
      () => undefined,
      (err: unknown) => {
        this.failed = err ?? new Error(`writing ${path} failed`);
      },
    );
  }

  /** Gathers small writes into ~64 KB ones: one stream write per row costs more than the row. */
  async write(text: string): Promise<void> {
    this.buffered.push(text);
    this.bufferedLength += text.length;
    if (this.bufferedLength >= 64 * 1024) await this.drain();
  }

  private async drain(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.buffered.length === 0) return;
    const chunk = Buffer.from(this.buffered.join(''), 'utf8');
    this.buffered = [];
    this.bufferedLength = 0;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.head.write(chunk)) await Promise.race([new Promise<void>((resolve) => this.head.once('drain', () => resolve())), this.settled]);
    if (this.failed) throw this.failed;
  }

  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.drain();
    this.head.end();
    await this.settled;
    if (this.failed) throw this.failed;
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Closes after a failure, without waiting on a stream that may be broken. */
  destroy(): void {
    this.head.destroy();
  }
}

/** A value as JSON carries it: times as ISO 8601 in UTC. */
export function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

/**
 * A CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A text that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with a quote mark:
 * a person opens their own package in a spreadsheet, and a value someone else typed (a page
 * address, a name) must not run there (OWASP, CSV injection).
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object' && !Buffer.isBuffer(value)) text = JSON.stringify(value);
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else text = String(jsonValue(value));
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface SectionHeader {
  section: string;
  title: string;
  /** For people: what the rows are, where they came from and why they are held. */
  about: Readonly<Record<string, string>>;
  columns: readonly string[];
  /** Columns held but not given, with why. */
  withheld?: readonly { column: string; reason: string }[];
}

/**
 * A section as `<name>.json` ({ section, title, about, columns, withheld, rows: [...] }) and, for a
 * table, `<name>.csv` with the same columns.
 */
export class SectionWriter {
  rows = 0;
  private readonly json: FileSink;
  private readonly csv: FileSink | null;

  constructor(
    dir: string,
    readonly name: string,
    private readonly header: SectionHeader,
    withCsv: boolean,
    /** The staging key: each file is sealed under it, labelled with its name in the package. */
    stagingKey?: Buffer,
  ) {
    const seal = (file: string) => (stagingKey ? { key: stagingKey, label: file } : undefined);
    this.json = new FileSink(`${dir}/${name}.json`, seal(`${name}.json`));
    this.csv = withCsv ? new FileSink(`${dir}/${name}.csv`, seal(`${name}.csv`)) : null;
  }

  async open(): Promise<void> {
    const { section, title, about, columns, withheld } = this.header;
    const head = JSON.stringify({ section, title, about, columns, withheld: withheld ?? [] });
    // The object's closing brace is replaced by the rows array, which the rows then fill.
    await this.json.write(`${head.slice(0, -1)},"rows":[`);
    await this.csv?.write(`${columns.map(csvField).join(',')}\r\n`);
  }

  async row(values: Record<string, unknown>): Promise<void> {
    const out: Record<string, unknown> = {};
    for (const c of this.header.columns) out[c] = jsonValue(values[c] ?? null);
    await this.json.write(`${this.rows === 0 ? '\n' : ',\n'}${JSON.stringify(out)}`);
    await this.csv?.write(`${this.header.columns.map((c) => csvField(values[c])).join(',')}\r\n`);
    this.rows += 1;
  }

  async close(): Promise<PackageFile[]> {
    await this.json.write(this.rows === 0 ? ']}\n' : '\n]}\n');
    const files = [{ name: `${this.name}.json`, rows: this.rows, ...(await this.json.close()) }];
    if (this.csv) files.push({ name: `${this.name}.csv`, rows: this.rows, ...(await this.csv.close()) });
    return files;
  }

  destroy(): void {
    this.json.destroy();
    this.csv?.destroy();
  }
}

/** Rows a plugin contributed, with the union of their keys as columns, in first-seen order. */
export function columnsOf(rows: readonly Record<string, AccessValue>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
