import { createSecretKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import jwt from 'jsonwebtoken';
import type { Config } from '../config';
import { Authorized, Extensions, type AuthChecker } from 'type-graphql';
import { Role } from '../entities/enums';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import type { ReadPurpose } from '../domain/read-purpose.rules';
import { isReadPurpose } from '../domain/read-purpose.service';
import type { GatewayContext } from './context';
import { IDP_ACTOR_PREFIX } from './identity-provider.rules';
import { IdentityProviderVerifier } from './identity-provider.verifier';
import { hasForbiddenCharacters } from './input-hygiene';

const ROLES = new Set<string>(Object.values(Role));

/** `purposes` limits the read purposes the token may declare (X-Purpose); without it, any. */
export function signToken(
  secret: string,
  subject: string,
  roles: Role[],
  ttlSeconds: number,
  extra: Record<string, unknown> & { purposes?: ReadPurpose[] } = {},
): string {
  return jwt.sign({ ...extra, roles }, secret, { algorithm: 'HS256', subject, expiresIn: ttlSeconds });
}

// Importing the secret once instead of on every request (jsonwebtoken would do it per call).
const keys = new Map<string, KeyObject>();
const keyFor = (secret: string): KeyObject => {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret));
    keys.set(secret, key);
  }
  return key;
};

/** The longest token lifetime accepted when a caller names none (TOKEN_MAX_LIFETIME_SECONDS's default). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;
/** Clocks of the machines that mint tokens may run this far ahead of ours. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * Verifies a bearer token: HS256 only, no `crit` header (RFC 7515 4.1.11: we understand no
 * extension, so a token that names one must be refused), an expiry that has not passed and that
 * is at most `maxLifetimeSeconds` after the token's issue time and after now (plus clock skew), a
 * subject and known roles.
 */
export function verifyToken(
  secret: string,
  header: string | undefined,
  maxLifetimeSeconds = DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  nowSeconds = Math.floor(Date.now() / 1000),
): { actor: Actor | null; error: DomainError | null } {
  if (!header) return { actor: null, error: null };
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return { actor: null, error: new DomainError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"') };
  try {
    const decoded = jwt.verify(m[1]!, keyFor(secret), { algorithms: ['HS256'], complete: true, clockTimestamp: nowSeconds });
    if (decoded.header.crit !== undefined) throw new Error('token names a critical header extension this gateway does not understand');
    const claims = decoded.payload;
    if (typeof claims === 'string') throw new Error('token has no claims');
    // The subject is the audit log's actor (at most 200 characters there) and the rate-limit key.
    if (typeof claims.sub !== 'string' || !/^[^\u0000-\u001f\u007f]{1,200}$/.test(claims.sub) || hasForbiddenCharacters(claims.sub)) throw new Error('token has no subject, or a malformed one');
    // The audit log's ids for people signed in through the identity provider are theirs alone.
    if (claims.sub.startsWith(IDP_ACTOR_PREFIX)) throw new Error(`a local token's subject cannot start with "${IDP_ACTOR_PREFIX}"`);
    // jsonwebtoken accepts a token without exp; one that never expires is refused here.
    if (typeof claims.exp !== 'number') throw new Error('token has no expiry');
    if (typeof claims.iat === 'number' && claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new Error('token was issued in the future');
    // A stolen token is worth as long as it lives: no lifetime beyond the configured maximum.
    if (claims.exp - nowSeconds > maxLifetimeSeconds + CLOCK_SKEW_SECONDS || (typeof claims.iat === 'number' && claims.exp - claims.iat > maxLifetimeSeconds))
      throw new Error(`token lives longer than the maximum of ${maxLifetimeSeconds} s`);
    const roles = claims.roles;
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => typeof r === 'string' && ROLES.has(r)))
      throw new Error('token has no roles, or an unknown role');
    const purposes = claims.purposes;
    if (purposes !== undefined && (!Array.isArray(purposes) || !purposes.every((p) => typeof p === 'string' && isReadPurpose(p))))
      throw new Error('token has an unknown purpose');
    return { actor: { id: claims.sub, roles: roles as Role[], ...(purposes ? { purposes: purposes as ReadPurpose[] } : {}) }, error: null };
  } catch (err) {
    return { actor: null, error: new DomainError('UNAUTHENTICATED', `invalid token: ${(err as Error).message}`) };
  }
}

export interface Authentication {
  actor: Actor | null;
  error: DomainError | null;
}

const verifiers = new WeakMap<Config['auth'], IdentityProviderVerifier>();
function verifierFor(auth: Config['auth']): IdentityProviderVerifier | null {
  if (!auth.oidc) return null;
  let verifier = verifiers.get(auth);
  if (!verifier) {
    verifier = new IdentityProviderVerifier(auth.oidc, auth.maxTokenLifetimeSeconds);
    verifiers.set(auth, verifier);
  }
  return verifier;
}

/**
 * The one way every entry point (GraphQL, the plain-HTTP routes, the queue dashboard) reads a
 * bearer token. The token's header picks the verifier, and each verifier allows only its own
 * algorithms: HS256 tokens go to the local secret, RS256/ES256 (the configured list) to the
 * identity provider's keys. A token can therefore never be checked with the other side's key
 * (the RS256-as-HS256 confusion of RFC 8725 3.1).
 */
export async function authenticate(auth: Config['auth'], header: string | undefined, now: Date = new Date()): Promise<Authentication> {
  if (!header) return { actor: null, error: null };
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return { actor: null, error: new DomainError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"') };
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(m[1]!).alg;
  } catch {
    return { actor: null, error: new DomainError('UNAUTHENTICATED', 'invalid token: it is not a signed JWT') };
  }
  if (alg === 'HS256') return verifyToken(auth.jwtSecret, header, auth.maxTokenLifetimeSeconds, Math.floor(now.getTime() / 1000));
  const verifier = verifierFor(auth);
  if (!verifier || !auth.oidc!.algorithms.includes(alg as never))
    return { actor: null, error: new DomainError('UNAUTHENTICATED', `invalid token: tokens signed with ${String(alg)} are not accepted${verifier ? '' : ' (no identity provider is configured: OIDC_ISSUER)'}`) };
  try {
    return { actor: await verifier.verify(m[1]!, now), error: null };
  } catch (err) {
    return { actor: null, error: err instanceof DomainError ? err : new DomainError('UNAUTHENTICATED', 'invalid token') };
  }
}

/**
 * Marks an operation that carries its own credential (a signed unsubscribe token), so it may
 * run without a bearer token. It is never a role a token can hold, and never listed in the
 * field's `roles` extension.
 */
export const PUBLIC = 'PUBLIC' as const;
export type AuthRule = Role | typeof PUBLIC;

/** type-graphql's one auth checker: no valid token is UNAUTHENTICATED, a wrong role FORBIDDEN. */
export const authChecker: AuthChecker<GatewayContext, AuthRule> = ({ context }, roles) => {
  const isPublic = roles.includes(PUBLIC);
  if (!context.actor) {
    // A PUBLIC operation needs no token; a token that was sent but is invalid is still refused.
    // A console session cookie is different: the browser sends it everywhere, so a stale one does not count as a credential sent.
    if (isPublic && (!context.authError || context.authError.details?.session === true)) return true;
    throw context.authError ?? new DomainError('UNAUTHENTICATED', 'a bearer token is required');
  }
  if (!(isPublic || roles.length === 0 || roles.some((r) => context.actor!.roles.includes(r as Role))))
    throw new DomainError('FORBIDDEN', `this operation needs one of the roles ${roles.join(', ')}`);
  // A missing, unknown or not-allowed purpose refuses every operation before it runs.
  if (context.purposeError) throw context.purposeError;
  return true;
};

/**
 * Declares who may run an operation. The roles are also put in the field's extensions, so a
 * test can walk the built schema and prove that every operation has a rule.
 */
export function Roles(...rules: AuthRule[]): MethodDecorator {
  const authorized = Authorized<AuthRule>(...rules);
  const roles = rules.filter((r): r is Role => r !== PUBLIC);
  const extensions = Extensions(rules.includes(PUBLIC) ? { roles, public: true } : { roles });
  return (target, key, descriptor) => {
    authorized(target, key, descriptor);
    extensions(target, key, descriptor);
  };
}

export const ALL_ROLES = Object.values(Role);
