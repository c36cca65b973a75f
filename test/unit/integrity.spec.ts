import { createHmac } from 'node:crypto';
import { addToDigest, integrityMac, readCheckpoints, recordMac, sameMac, sealMac, signCheckpoint, ZERO_DIGEST } from '../../src/domain/integrity';

const KEY = 'k'.repeat(32);
const hex = (n: bigint) => n.toString(16).padStart(64, '0');

/** Issue 21, point 10 (docs/legal.md): MACs a database writer cannot forge. */
describe('integrity under a key outside the database', () => {
  it('is HMAC-SHA-256 of the JSON array of label and parts, so no two encodings collide', () => {
    expect(integrityMac(KEY, 'x', [1, 'a'])).toBe(createHmac('sha256', KEY).update('["x",1,"a"]').digest('hex'));
    // "1" and 1, or a part split differently, are different messages.
    expect(integrityMac(KEY, 'x', [1])).not.toBe(integrityMac(KEY, 'x', ['1']));
    expect(integrityMac(KEY, 'x', ['a,b'])).not.toBe(integrityMac(KEY, 'x', ['a', 'b']));
    expect(integrityMac(KEY, 'x', [1])).not.toBe(integrityMac('other-key-other-key-other-key-00', 'x', [1]));
  });

  it('binds a preserved record to its hold, person, type, id and content hash', () => {
    const r = { holdId: 1, subjectId: 2, recordType: 'SUBJECT', recordId: 2, sha256: 'a'.repeat(64) };
    const mac = recordMac(KEY, r);
    for (const change of [{ holdId: 9 }, { subjectId: 9 }, { recordType: 'CONSENT' }, { recordId: 9 }, { sha256: 'b'.repeat(64) }]) expect(recordMac(KEY, { ...r, ...change })).not.toBe(mac);
  });

  it('adds and removes MACs modulo 2^256, in any order, wrapping at both ends', () => {
    const a = hex(5n);
    const b = hex(2n ** 256n - 3n);
    expect(addToDigest(ZERO_DIGEST, [a, b])).toBe(hex(2n));
    expect(addToDigest(ZERO_DIGEST, [b, a])).toBe(hex(2n));
    expect(addToDigest(hex(2n), [b], -1)).toBe(a);
    expect(addToDigest(ZERO_DIGEST, [a], -1)).toBe(hex(2n ** 256n - 5n));
    // A record added twice does not cancel out, as it would with XOR.
    expect(addToDigest(ZERO_DIGEST, [a, a])).toBe(hex(10n));
    expect(addToDigest(a, [])).toBe(a);
  });

  it('labels each use, so a MAC of one kind is never a MAC of another', () => {
    const r = { holdId: 1, subjectId: 2, recordType: 'SUBJECT', recordId: 2, sha256: 'a'.repeat(64) };
    expect(recordMac(KEY, r)).toBe(integrityMac(KEY, 'preserved-record', [1, 2, 'SUBJECT', 2, 'a'.repeat(64)]));
    expect(signCheckpoint(KEY, { seq: 3, hash: 'c'.repeat(64), at: 'T' }).mac).toBe(integrityMac(KEY, 'audit-checkpoint', [3, 'c'.repeat(64), 'T']));
  });

  it('comes back to zero exactly when what was added is taken off', () => {
    expect(addToDigest(hex(5n), [hex(5n)], -1)).toBe(ZERO_DIGEST);
    expect(addToDigest(ZERO_DIGEST, [hex(2n ** 255n), hex(2n ** 255n)])).toBe(ZERO_DIGEST);
  });

  it('seals a count and a digest together', () => {
    expect(sealMac(KEY, 1, 3, ZERO_DIGEST)).not.toBe(sealMac(KEY, 1, 4, ZERO_DIGEST));
    expect(sealMac(KEY, 1, 3, ZERO_DIGEST)).not.toBe(sealMac(KEY, 2, 3, ZERO_DIGEST));
    expect(sealMac(KEY, 1, 3, ZERO_DIGEST)).toBe(integrityMac(KEY, 'hold-seal', [1, 3, ZERO_DIGEST]));
  });

  it('compares MACs in constant time and refuses what is not a MAC', () => {
    const m = sealMac(KEY, 1, 1, ZERO_DIGEST);
    expect(sameMac(m, m)).toBe(true);
    expect(sameMac(m, `${m.slice(0, 63)}${m[63] === '0' ? '1' : '0'}`)).toBe(false);
    for (const bad of [null, undefined, '', m.toUpperCase(), m.slice(1), `${m}0`, `z${m}`, `${m.slice(0, 63)}z`]) {
      expect(sameMac(bad, m)).toBe(false);
      expect(sameMac(m, bad)).toBe(false);
    }
  });

  it('reads signed checkpoints and names every line that is not one', () => {
    const one = signCheckpoint(KEY, { seq: 3, hash: 'c'.repeat(64), at: '2026-12-06T23:00:00.000Z' });
    const forged = { ...signCheckpoint('another-key-another-key-another-k', { seq: 4, hash: 'd'.repeat(64), at: 'x' }) };
    const moved = { ...one, seq: 2 };
    const text = [JSON.stringify(one), '', JSON.stringify(forged), 'not json', JSON.stringify(moved), JSON.stringify({ ...one, seq: 0 }), ''].join('\n');
    expect(readCheckpoints(KEY, text)).toEqual({ checkpoints: [one], badLines: [3, 4, 5, 6] });
    expect(readCheckpoints(KEY, '')).toEqual({ checkpoints: [], badLines: [] });
    // A line of spaces is blank; a checkpoint with a MAC but a wrong type of field is not one.
    expect(readCheckpoints(KEY, `   \n${JSON.stringify(one)}`)).toEqual({ checkpoints: [one], badLines: [] });
  });
});
