import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DomainError } from '../../domain/errors';

/**
 * An encrypted export's data key (AES-256) is drawn when the transfer starts and kept until it
 * ends, so that a resumed chunk encrypts to the same bytes. It is stored sealed: AES-256-GCM under
 * a key-encryption key that is never in the database (HKDF from EXPORT_KEY, which lives in the
 * environment, as ACCESS_PACKAGE_KEY does for access packages), with the transfer's id as associated data, so a copy of the
 * database alone (a backup, a replica, a read-only leak) cannot decrypt the export files, and a
 * sealed key moved to another transfer's row does not open.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** The length of a sealed key as stored: "v1:" and base64 of IV, ciphertext and tag (80 characters). */
export const SEALED_DATA_KEY_LENGTH = VERSION.length + 1 + Math.ceil((IV_BYTES + KEY_BYTES + TAG_BYTES) / 3) * 4;

/** The key-encryption key, derived from a secret held outside the database. */
export function dataKeyEncryptionKey(secret: string): Buffer {
  if (secret.length < 32) throw new Error('the data-key secret must be at least 32 characters');
  return Buffer.from(hkdfSync('sha256', secret, 'data-rights-gateway', 'business-transfer data key v1', KEY_BYTES));
}

function aad(transferId: number): Buffer {
  return Buffer.from(`business-transfer:${transferId}`, 'utf8');
}

export function sealDataKey(dataKey: Buffer, kek: Buffer, transferId: number, iv: Buffer = randomBytes(IV_BYTES)): string {
  if (dataKey.length !== KEY_BYTES) throw new Error(`a data key has ${KEY_BYTES} bytes`);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(aad(transferId));
  const sealed = Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}:${sealed.toString('base64')}`;
}

/**
 * The data key of a transfer from its stored form. A transfer started before keys were sealed
 * holds it as 64 hex digits; it is read as it is (it is erased when the transfer ends).
 */
export function openDataKey(stored: string, kek: Buffer, transferId: number): Buffer {
  if (/^[0-9a-f]{64}$/.test(stored)) return Buffer.from(stored, 'hex');
  const lost = () => new DomainError('CONFLICT', `business transfer ${transferId}: its data key cannot be opened (sealed under another EXPORT_KEY, or altered)`);
  if (!stored.startsWith(`${VERSION}:`)) throw lost();
  const raw = Buffer.from(stored.slice(VERSION.length + 1), 'base64');
  if (raw.length !== IV_BYTES + KEY_BYTES + TAG_BYTES) throw lost();
  const decipher = createDecipheriv('aes-256-gcm', kek, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(transferId));
  decipher.setAuthTag(raw.subarray(IV_BYTES + KEY_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, IV_BYTES + KEY_BYTES)), decipher.final()]);
  } catch {
    throw lost();
  }
}
