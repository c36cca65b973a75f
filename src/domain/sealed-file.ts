import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Files sealed at rest with AES-256-GCM in frames, so that a large file is sealed and opened as a
 * stream in flat memory and any change, reordering or truncation fails to open. Each file has a
 * data key of its own; the data key is stored wrapped with a key derived from a secret that
 * never enters the database (access packages: ACCESS_PACKAGE_KEY).
 *
 * A frame is: uint32 big-endian ciphertext length, a byte that is 1 on the last frame, 12-byte IV,
 * ciphertext, 16-byte tag. The AAD of frame i is "<label>:<i>:<last|more>", so a frame moved,
 * dropped, cut off or with its flag flipped does not open.
 */

const FRAME_BYTES = 1 << 20;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 5 + IV_BYTES;

export function newDataKey(): Buffer {
  return randomBytes(32);
}

function wrappingKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'data-rights-gateway', 'sealed-file key wrap v1', 32));
}

/** The data key sealed under the secret, bound to `label` (e.g. the request it answers): iv.ciphertext.tag, base64url. */
export function wrapDataKey(dataKey: Buffer, secret: string, label: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(secret), iv);
  cipher.setAAD(Buffer.from(label));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return [iv, ct, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
}

export function unwrapDataKey(wrapped: string, secret: string, label: string): Buffer {
  const [iv, ct, tag] = wrapped.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !ct || !tag) throw new Error('a wrapped key is iv.ciphertext.tag');
  // A full 16-byte tag only: without authTagLength GCM accepts a tag cut to 4 bytes.
  const decipher = createDecipheriv('aes-256-gcm', wrappingKey(secret), iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(label));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}

function sealFrame(dataKey: Buffer, label: string, index: number, last: boolean, plain: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(`${label}:${index}:${last ? 'last' : 'more'}`));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(ct.length, 0);
  header[4] = last ? 1 : 0;
  iv.copy(header, 5);
  return Buffer.concat([header, ct, cipher.getAuthTag()]);
}

/** A stream that seals what is written to it; a frame is emitted only once more data follows it, so the last one is known. */
export function sealStream(dataKey: Buffer, label: string): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;
  const take = (n: number): Buffer => {
    const all = Buffer.concat(pending);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
    return head;
  };
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes > FRAME_BYTES) this.push(sealFrame(dataKey, label, index++, false, take(FRAME_BYTES)));
      done();
    },
    flush(done: TransformCallback) {
      this.push(sealFrame(dataKey, label, index++, true, take(pendingBytes)));
      done();
    },
  });
}

/** The plaintext of a sealed file, frame by frame; throws on any change, reordering or truncation. */
export async function* openSealed(file: string, dataKey: Buffer, label: string): AsyncGenerator<Buffer> {
  let buffered: Buffer = Buffer.alloc(0);
  let index = 0;
  let sawLast = false;
  for await (const chunk of createReadStream(file, { highWaterMark: FRAME_BYTES })) {
    buffered = buffered.length ? Buffer.concat([buffered, chunk as Buffer]) : (chunk as Buffer);
    for (;;) {
      if (buffered.length < HEADER_BYTES) break;
      const length = buffered.readUInt32BE(0);
      if (length > FRAME_BYTES) throw new Error(`sealed file ${file}: frame ${index} is longer than a frame can be`);
      const total = HEADER_BYTES + length + TAG_BYTES;
      if (buffered.length < total) break;
      if (sawLast) throw new Error(`sealed file ${file}: data after its last frame`);
      const last = buffered[4] === 1;
      const iv = buffered.subarray(5, HEADER_BYTES);
      const ct = buffered.subarray(HEADER_BYTES, HEADER_BYTES + length);
      const tag = buffered.subarray(HEADER_BYTES + length, total);
      const plain = openFrame(dataKey, label, index, last, iv, ct, tag);
      if (!plain) throw new Error(`sealed file ${file}: frame ${index} does not open (changed, moved, or the wrong key)`);
      sawLast = last;
      index += 1;
      buffered = buffered.subarray(total);
      yield plain;
    }
  }
  if (buffered.length > 0) throw new Error(`sealed file ${file}: a partial frame at its end`);
  if (!sawLast) throw new Error(`sealed file ${file}: cut off before its last frame`);
}

function openFrame(dataKey: Buffer, label: string, index: number, last: boolean, iv: Buffer, ct: Buffer, tag: Buffer): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${label}:${index}:${last ? 'last' : 'more'}`));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    return null;
  }
}
