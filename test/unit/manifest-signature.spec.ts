import { generateKeyPairSync } from 'node:crypto';
import { checkManifestSignature, manifestSigningKey, signManifest } from '../../src/plugins/business-transfer/manifest-signature';

describe('manifest signatures (issue 26, point 4): Ed25519 over manifest.json\'s bytes', () => {
  const kek = Buffer.alloc(32, 7);
  const key = manifestSigningKey(kek);
  const manifest = Buffer.from('{"transferId":1,"files":[]}\n');

  it('derives the same key from the same secret every time, and another from another', () => {
    expect(manifestSigningKey(Buffer.alloc(32, 7)).publicKeyPem).toBe(key.publicKeyPem);
    expect(manifestSigningKey(Buffer.alloc(32, 8)).publicKeyPem).not.toBe(key.publicKeyPem);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=]{60}\n-----END PUBLIC KEY-----\n$/);
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(key.privateKey.asymmetricKeyType).toBe('ed25519');
  });

  it('pins the derivation: an acquirer\'s copy of the public key stays valid across versions', () => {
    // Derived inside the test (not at load), so a mutation of the derivation is seen here.
    const pinned = manifestSigningKey(Buffer.alloc(32, 7));
    expect(pinned.publicKeyPem).toBe('-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAxsHL6/axekIPN3YocjtvXGegLvJp9H5bEbT10rahsMc=\n-----END PUBLIC KEY-----\n');
    expect(pinned.keyId).toBe('6dda6918f444d6dc');
  });

  it('verifies what it signed, and nothing changed, re-signed by another key, or malformed', () => {
    const sig = signManifest(manifest, key);
    expect(sig).toMatchObject({ algorithm: 'Ed25519', keyId: key.keyId });
    expect(Buffer.from(sig.signature, 'base64')).toHaveLength(64);
    const text = JSON.stringify(sig);
    expect(checkManifestSignature(manifest, text, key.publicKeyPem)).toBe('valid');
    const changed = Buffer.from(manifest);
    changed[changed.length - 2] = changed[changed.length - 2]! ^ 1;
    expect(checkManifestSignature(changed, text, key.publicKeyPem)).toBe('invalid');
    const other = manifestSigningKey(Buffer.alloc(32, 9));
    expect(checkManifestSignature(manifest, JSON.stringify(signManifest(manifest, other)), key.publicKeyPem)).toBe('invalid');
    expect(checkManifestSignature(manifest, text, other.publicKeyPem)).toBe('invalid');
    for (const bad of ['', 'not json', '{}', JSON.stringify({ ...sig, algorithm: 'RS256' }), JSON.stringify({ ...sig, signature: 42 }), JSON.stringify({ ...sig, signature: '' })])
      expect([bad, checkManifestSignature(manifest, bad, key.publicKeyPem)]).toEqual([bad, 'invalid']);
    // A key of another kind, or not a key at all, is not trusted either.
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(checkManifestSignature(manifest, text, rsa)).toBe('invalid');
    expect(checkManifestSignature(manifest, text, 'not a key')).toBe('invalid');
  });
});
