import { createHash, createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';

/** The file beside manifest.json that signs its exact bytes. */
export const SIGNATURE_FILE = 'manifest.json.sig';

// PKCS#8 DER of an Ed25519 private key is this prefix, then the 32-byte seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface ManifestSigningKey {
  privateKey: KeyObject;
  /** SPKI PEM: what the acquirer is given, out of band, to check signatures with. */
  publicKeyPem: string;
  /** Hex SHA-256 of the public key's DER, first 16 characters: names the key in a signature. */
  keyId: string;
}

export interface ManifestSignature {
  algorithm: 'Ed25519';
  keyId: string;
  /** Base64 Ed25519 signature of manifest.json's bytes. */
  signature: string;
}

/**
 * The gateway's manifest-signing key, derived from the key-encryption key of export data keys
 * (EXPORT_KEY, never in the database) with its own HKDF label, so one secret serves both and
 * neither key reveals the other. Deterministic: every process signs with the same key.
 */
export function manifestSigningKey(kek: Buffer): ManifestSigningKey {
  const seed = Buffer.from(hkdfSync('sha256', kek, 'data-rights-gateway', 'business-transfer manifest signing v1', 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), keyId: createHash('sha256').update(der).digest('hex').slice(0, 16) };
}

export function signManifest(manifestBytes: Buffer, key: ManifestSigningKey): ManifestSignature {
  return { algorithm: 'Ed25519', keyId: key.keyId, signature: sign(null, manifestBytes, key.privateKey).toString('base64') };
}

/**
 * Whether `signatureText` (the .sig file) signs `manifestBytes` with the key in `publicKeyPem`.
 * Anything malformed (not JSON, another algorithm, not a key) is 'invalid', never a throw.
 */
export function checkManifestSignature(manifestBytes: Buffer, signatureText: string, publicKeyPem: string): 'valid' | 'invalid' {
  try {
    const sig = JSON.parse(signatureText) as Partial<ManifestSignature>;
    if (sig.algorithm !== 'Ed25519' || typeof sig.signature !== 'string') return 'invalid';
    const publicKey = createPublicKey(publicKeyPem);
    if (publicKey.asymmetricKeyType !== 'ed25519') return 'invalid';
    return verify(null, manifestBytes, publicKey, Buffer.from(sig.signature, 'base64')) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}
