import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcConfig } from '../config';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import type { ReadPurpose } from '../domain/read-purpose.rules';
import { isReadPurpose } from '../domain/read-purpose.service';
import { claimAt, idpActorId, rolesFromClaim } from './identity-provider.rules';

/** Clocks of the provider may run this far from ours (the same allowance as local tokens). */
const CLOCK_TOLERANCE_SECONDS = 60;
/** How long a failed discovery is remembered before the next request tries again. */
const DISCOVERY_RETRY_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;
/** After a failed refresh, the last keys serve this long before the provider is asked again. */
const STALE_KEYS_MS = 30_000;

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;
type KeySet = (header: Parameters<RemoteKeySet>[0], token: Parameters<RemoteKeySet>[1]) => ReturnType<RemoteKeySet>;

export interface VerifierOptions {
  /** How long fetched keys count as fresh (jose's cacheMaxAge); tests shorten it. */
  keysFreshForMs?: number;
  /** Told once per outage that stale keys are in use. */
  onStaleKeys?: (reason: string) => void;
}

/**
 * Verifies access tokens of the company's OpenID Connect provider with `jose`: the signature
 * against the provider's JWKS (fetched once, refetched when a token names an unknown key, so
 * key rotation needs no restart), the algorithm against an asymmetric allow-list, the issuer
 * exactly, the audience, expiry and issue time with a minute of clock skew, and a lifetime no
 * longer than local tokens may have. The person's groups become gateway roles through the role
 * map; a person the map grants nothing is refused.
 */
export class IdentityProviderVerifier {
  private keys: KeySet | null = null;
  private discovering: Promise<KeySet> | null = null;
  private failedAt = 0;
  private staleUntil = 0;

  constructor(
    private readonly settings: OidcConfig,
    private readonly maxLifetimeSeconds: number,
    private readonly options: VerifierOptions = {},
  ) {}

  async verify(token: string, now: Date = new Date()): Promise<Actor> {
    const keys = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: this.settings.algorithms,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: this.maxLifetimeSeconds,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: now,
      }));
    } catch (err) {
      throw this.refusal(err);
    }
    const nowSeconds = Math.floor(now.getTime() / 1000);
    // maxTokenAge bounds now − iat; a token minted to live longer than allowed is refused too.
    if (payload.exp! - payload.iat! > this.maxLifetimeSeconds || payload.exp! - nowSeconds > this.maxLifetimeSeconds + CLOCK_TOLERANCE_SECONDS)
      throw new DomainError('UNAUTHENTICATED', `invalid token: it lives longer than the maximum of ${this.maxLifetimeSeconds} s`);
    const id = idpActorId(claimAt(payload, this.settings.actorClaim));
    if (!id) throw new DomainError('UNAUTHENTICATED', `invalid token: the claim ${this.settings.actorClaim} is missing or not a usable id`);
    const roles = rolesFromClaim(claimAt(payload, this.settings.rolesClaim), this.settings.roleMap);
    if (roles.length === 0)
      throw new DomainError('UNAUTHENTICATED', `invalid token: the claim ${this.settings.rolesClaim} grants no role of this gateway; ask for a group that OIDC_ROLE_MAP maps`);
    // The same `purposes` claim as local tokens: the read purposes an APP may declare (absent: any).
    const purposes = payload.purposes;
    if (purposes !== undefined && (!Array.isArray(purposes) || !purposes.every((p) => typeof p === 'string' && isReadPurpose(p))))
      throw new DomainError('UNAUTHENTICATED', 'invalid token: it has an unknown purpose');
    return { id, roles, ...(purposes ? { purposes: purposes as ReadPurpose[] } : {}) };
  }

  private refusal(err: unknown): DomainError {
    if (err instanceof DomainError) return err;
    if (isFetchFailure(err)) return new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached to check the token; try again');
    if (err instanceof errors.JWTExpired) return new DomainError('UNAUTHENTICATED', 'invalid token: it has expired');
    if (err instanceof errors.JWTClaimValidationFailed) return new DomainError('UNAUTHENTICATED', `invalid token: claim ${err.claim} ${err.reason === 'missing' ? 'is missing' : 'check failed'}`);
    if (err instanceof errors.JOSEAlgNotAllowed) return new DomainError('UNAUTHENTICATED', `invalid token: its algorithm is not one of ${this.settings.algorithms.join(', ')}`);
    if (err instanceof errors.JWKSNoMatchingKey) return new DomainError('UNAUTHENTICATED', 'invalid token: no key of the identity provider matches it');
    if (err instanceof errors.JWSSignatureVerificationFailed) return new DomainError('UNAUTHENTICATED', 'invalid token: its signature does not verify');
    if (err instanceof errors.JOSEError) return new DomainError('UNAUTHENTICATED', `invalid token: ${err.message}`);
    return new DomainError('UNAUTHENTICATED', 'invalid token');
  }

  /** The provider's key set, from OIDC_JWKS_URI or the issuer's discovery document. */
  private async keySet(): Promise<KeySet> {
    if (this.keys) return this.keys;
    if (Date.now() - this.failedAt < DISCOVERY_RETRY_MS) throw unreachable();
    this.discovering ??= this.discover().then(
      (keys) => (this.keys = keys),
      (err: unknown) => {
        this.failedAt = Date.now();
        this.discovering = null;
        throw err;
      },
    );
    return this.discovering;
  }

  /**
   * jose refetches keys older than their freshness on the next token and throws when that fails;
   * keys that verified a minute ago are still the provider's keys, so an outage of the provider
   * must not end every signed-in person's access: the last keys serve (for 30 s at a time before
   * the provider is tried again) until the provider answers.
   */
  private keepingLastKeys(remote: RemoteKeySet): KeySet {
    return async (header, token) => {
      const last = remote.jwks();
      if (last && Date.now() < this.staleUntil) return createLocalJWKSet(last)(header, token);
      try {
        const key = await remote(header, token);
        this.staleUntil = 0;
        return key;
      } catch (err) {
        if (!last || !isFetchFailure(err)) throw err;
        if (this.staleUntil === 0) this.options.onStaleKeys?.((err as Error).message);
        this.staleUntil = Date.now() + STALE_KEYS_MS;
        return createLocalJWKSet(last)(header, token);
      }
    };
  }

  private async discover(): Promise<KeySet> {
    const options = { timeoutDuration: FETCH_TIMEOUT_MS, cooldownDuration: 30_000, cacheMaxAge: this.options.keysFreshForMs ?? 10 * 60_000 };
    if (this.settings.jwksUri) return this.keepingLastKeys(createRemoteJWKSet(new URL(this.settings.jwksUri), options));
    const url = `${this.settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let doc: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
      if (!res.ok) throw new Error(`status ${res.status}`);
      doc = (await res.json()) as typeof doc;
    } catch {
      throw unreachable();
    }
    // OpenID Connect Discovery 1.0, 4.3: the document's issuer must equal the configured one.
    if (doc.issuer !== this.settings.issuer || typeof doc.jwks_uri !== 'string')
      throw new DomainError('SERVICE_UNAVAILABLE', 'the identity provider\'s discovery document does not match OIDC_ISSUER');
    return this.keepingLastKeys(createRemoteJWKSet(new URL(doc.jwks_uri), options));
  }
}

/** The key set could not be fetched: a timeout, a refused connection (fetch's TypeError), or an answer that is not a key set. */
function isFetchFailure(err: unknown): boolean {
  // fetch's "fetch failed" is a TypeError of Node's own realm (not a test sandbox's): compared by name, not instanceof.
  const e = err as { name?: unknown; message?: unknown } | null;
  const fetchFailed = typeof e === 'object' && e !== null && e.name === 'TypeError' && typeof e.message === 'string' && /fetch failed/.test(e.message);
  return err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || fetchFailed || (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(err.message));
}

const unreachable = (): DomainError => new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached to check the token; try again');
