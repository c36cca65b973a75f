import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { OidcConfig } from '../config';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import { claimAt, idpActorId, rolesFromClaim } from './identity-provider.rules';

/** Clocks of the provider may run this far from ours (the same allowance as local tokens). */
const CLOCK_TOLERANCE_SECONDS = 60;
/** How long a failed discovery is remembered before the next request tries again. */
const DISCOVERY_RETRY_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

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

  constructor(
    private readonly settings: OidcConfig,
    private readonly maxLifetimeSeconds: number,
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
    return { id, roles };
  }

  private refusal(err: unknown): DomainError {
    if (err instanceof DomainError) return err;
    // The key set could not be fetched: a timeout, a refused connection (fetch's TypeError), or an answer that is not a key set.
    if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(err.message)))
      return new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached to check the token; try again');
    if (err instanceof errors.JWTExpired) return new DomainError('UNAUTHENTICATED', 'invalid token: it has expired');
    if (err instanceof errors.JWTClaimValidationFailed) return new DomainError('UNAUTHENTICATED', `invalid token: claim ${err.claim} ${err.reason === 'missing' ? 'is missing' : 'check failed'}`);
    if (err instanceof errors.JOSEAlgNotAllowed) return new DomainError('UNAUTHENTICATED', `invalid token: its algorithm is not one of ${this.settings.algorithms.join(', ')}`);
    if (err instanceof errors.JWKSNoMatchingKey) return new DomainError('UNAUTHENTICATED', 'invalid token: no key of the identity provider matches it');
    if (err instanceof errors.JWSSignatureVerificationFailed) return new DomainError('UNAUTHENTICATED', 'invalid token: its signature does not verify');
    if (err instanceof errors.JOSEError) return new DomainError('UNAUTHENTICATED', `invalid token: ${err.message}`);
    if (err instanceof TypeError) return new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached to check the token; try again');
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

  private async discover(): Promise<KeySet> {
    const options = { timeoutDuration: FETCH_TIMEOUT_MS, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 };
    if (this.settings.jwksUri) return createRemoteJWKSet(new URL(this.settings.jwksUri), options);
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
    return createRemoteJWKSet(new URL(doc.jwks_uri), options);
  }
}

const unreachable = (): DomainError => new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached to check the token; try again');
