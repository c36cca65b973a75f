import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** What a gzip file (one or more members) holds once decompressed. */
export interface Scanned {
  /** SHA-256 of the decompressed bytes. */
  sha256: string;
  lines: number;
  /** Occurrences of `"seq":` (the consent events in the consents file's histories). */
  seqKeys: number;
  plainBytes: number;
}

const NEEDLE = Buffer.from('"seq":');

/** Decompresses a file (after the timed part) to compare outputs and count consent events. */
export async function scanGzip(file: string): Promise<Scanned> {
  const hash = createHash('sha256');
  let lines = 0;
  let seqKeys = 0;
  let plainBytes = 0;
  let tail = Buffer.alloc(0);
  await pipeline(fs.createReadStream(file), createGunzip(), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      hash.update(chunk);
      plainBytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
      // The needle may straddle two chunks: search the previous chunk's last bytes too.
      const hay = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      for (let i = hay.indexOf(NEEDLE); i !== -1; i = hay.indexOf(NEEDLE, i + NEEDLE.length)) seqKeys += 1;
      tail = Buffer.from(hay.subarray(Math.max(0, hay.length - (NEEDLE.length - 1))));
    }
  });
  return { sha256: hash.digest('hex'), lines, seqKeys, plainBytes };
}
