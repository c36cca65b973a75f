import { dataKeyEncryptionKey, openDataKey, SEALED_DATA_KEY_LENGTH, sealDataKey } from '../../src/plugins/business-transfer/data-key';

const SECRET = 'a-secret-that-lives-in-the-environment-0123';
const KEK = dataKeyEncryptionKey(SECRET);
const KEY = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
const IV = Buffer.alloc(12, 7);

describe('sealed export data keys (issue 23)', () => {
  it('derives a 32-byte key-encryption key from the secret, the same every time, another for another secret', () => {
    expect(KEK).toHaveLength(32);
    expect(dataKeyEncryptionKey(SECRET).equals(KEK)).toBe(true);
    expect(dataKeyEncryptionKey(`${SECRET}x`).equals(KEK)).toBe(false);
    // HKDF-SHA-256 with the gateway's salt and label, pinned: a change would strand every running export's key.
    expect(KEK.toString('hex')).toBe('263cb4b1f6773b8a8f950640e4a3564905c5750acc687ad9d490053504735e1a');
  });

  it('refuses a secret shorter than 32 characters, accepts one of exactly 32', () => {
    expect(() => dataKeyEncryptionKey('x'.repeat(31))).toThrow(/at least 32/);
    expect(dataKeyEncryptionKey('x'.repeat(32))).toHaveLength(32);
  });

  it('seals to "v1:" and 80 base64 characters, and opens to the same key', () => {
    const sealed = sealDataKey(KEY, KEK, 42, IV);
    expect(SEALED_DATA_KEY_LENGTH).toBe(83);
    expect(sealed).toHaveLength(83);
    expect(sealed.startsWith(`v1:${IV.toString('base64').slice(0, 16)}`)).toBe(true);
    expect(openDataKey(sealed, KEK, 42).equals(KEY)).toBe(true);
    expect(sealed).not.toContain(KEY.toString('base64').slice(0, 12));
  });

  it('draws a fresh IV each time: two seals of one key differ and both open', () => {
    const a = sealDataKey(KEY, KEK, 1);
    const b = sealDataKey(KEY, KEK, 1);
    expect(a).not.toBe(b);
    expect(openDataKey(a, KEK, 1).equals(KEY)).toBe(true);
    expect(openDataKey(b, KEK, 1).equals(KEY)).toBe(true);
  });

  it('opens under no other secret, for no other transfer, and not once altered', () => {
    const sealed = sealDataKey(KEY, KEK, 42, IV);
    expect(() => openDataKey(sealed, dataKeyEncryptionKey(`${SECRET}!`), 42)).toThrow(/business transfer 42: its data key cannot be opened/);
    expect(() => openDataKey(sealed, KEK, 43)).toThrow(/cannot be opened/);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    for (const at of [0, 12, 43, 44, 59]) {
      const bad = Buffer.from(raw);
      bad[at]! ^= 1;
      expect(() => openDataKey(`v1:${bad.toString('base64')}`, KEK, 42)).toThrow(/cannot be opened/);
    }
    expect(() => openDataKey(`v1:${raw.subarray(0, 59).toString('base64')}`, KEK, 42)).toThrow(/cannot be opened/);
    expect(() => openDataKey(`v2:${raw.toString('base64')}`, KEK, 42)).toThrow(/cannot be opened/);
    expect(() => openDataKey('', KEK, 42)).toThrow(/cannot be opened/);
  });

  it('reads a key stored raw by a transfer started before keys were sealed (64 hex digits, nothing else)', () => {
    expect(openDataKey(KEY.toString('hex'), KEK, 7).equals(KEY)).toBe(true);
    expect(() => openDataKey(KEY.toString('hex').slice(1), KEK, 7)).toThrow(/cannot be opened/);
    expect(() => openDataKey(KEY.toString('hex').toUpperCase(), KEK, 7)).toThrow(/cannot be opened/);
    expect(() => openDataKey(`x${KEY.toString('hex')}`, KEK, 7)).toThrow(/cannot be opened/);
    expect(() => openDataKey(`${KEY.toString('hex')}x`, KEK, 7)).toThrow(/cannot be opened/);
  });

  it('seals only 32-byte keys', () => {
    expect(() => sealDataKey(Buffer.alloc(31), KEK, 1)).toThrow(/32 bytes/);
    expect(() => sealDataKey(Buffer.alloc(33), KEK, 1)).toThrow(/32 bytes/);
  });
});
