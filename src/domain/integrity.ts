import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Integrity that survives a database writer (issue 21, point 10; docs/legal.md): MACs keyed with
 * INTEGRITY_KEY, a secret that is in the configuration, never in the database. Someone who can
 * write every table can still not make a preserved record, a hold's seal or an audit checkpoint
 * that verifies. Pure functions, unit-tested at their edges.
 */

/** HMAC-SHA-256 over an unambiguous encoding of a label and its parts (hex). */
export function integrityMac(key: string, label: string, parts: readonly (string | number)[]): string {
  return createHmac('sha256', key).update(JSON.stringify([label, ...parts])).digest('hex');
}

/** Constant-time comparison of two hex MACs; false for anything that is not one. */
export function sameMac(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || !/^[0-9a-f]{64}$/.test(a) || !/^[0-9a-f]{64}$/.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

export interface PreservedRecordKey {
  holdId: number;
  subjectId: number;
  recordType: string;
  recordId: number;
  /** SHA-256 of the record's canonical content. */
  sha256: string;
}

/** The MAC of one preserved record: binds its content to its hold, person, type and id. */
export function recordMac(key: string, r: PreservedRecordKey): string {
  return integrityMac(key, 'preserved-record', [r.holdId, r.subjectId, r.recordType, r.recordId, r.sha256]);
}

const MODULUS = 2n ** 256n;
export const ZERO_DIGEST = '0'.repeat(64);

/**
 * A set digest: the sum of its members' MACs modulo 2^256, so it is the same in any order and
 * can be kept up to date batch by batch. A member added or removed changes it; without the key
 * nobody can make a member whose MAC brings it back.
 */
export function addToDigest(digest: string, macs: readonly string[], sign: 1 | -1 = 1): string {
  let sum = BigInt(`0x${digest}`);
  for (const m of macs) sum = (sum + BigInt(sign) * BigInt(`0x${m}`)) % MODULUS;
  if (sum < 0n) sum += MODULUS;
  return sum.toString(16).padStart(64, '0');
}

/** The seal of a hold's preserved set: its count and digest, under the key. */
export function sealMac(key: string, holdId: number, count: number, digest: string): string {
  return integrityMac(key, 'hold-seal', [holdId, count, digest]);
}

export interface AuditCheckpoint {
  seq: number;
  hash: string;
  at: string;
  mac: string;
}

/** A checkpoint of the audit chain's head, signed with the key, published outside the database. */
export function signCheckpoint(key: string, cp: Omit<AuditCheckpoint, 'mac'>): AuditCheckpoint {
  return { ...cp, mac: integrityMac(key, 'audit-checkpoint', [cp.seq, cp.hash, cp.at]) };
}

/**
 * The checkpoints of a published file, one JSON object per line. A line that is not a checkpoint
 * or whose MAC does not verify is reported by its number (from 1): a forged or damaged checkpoint
 * is itself a finding.
 */
export function readCheckpoints(key: string, text: string): { checkpoints: AuditCheckpoint[]; badLines: number[] } {
  const checkpoints: AuditCheckpoint[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const cp = JSON.parse(line) as AuditCheckpoint;
      const ok = Number.isSafeInteger(cp.seq) && cp.seq > 0 && typeof cp.hash === 'string' && typeof cp.at === 'string'
        && sameMac(cp.mac, signCheckpoint(key, { seq: cp.seq, hash: cp.hash, at: cp.at }).mac);
      if (ok) checkpoints.push({ seq: cp.seq, hash: cp.hash, at: cp.at, mac: cp.mac });
      else badLines.push(i + 1);
    } catch {
      badLines.push(i + 1);
    }
  });
  return { checkpoints, badLines };
}
