import { Role } from '../entities/enums';

/**
 * How an identity provider's access token becomes a gateway actor: which claim holds the
 * person's groups or roles, which of those grant which gateway role, and what the audit log
 * calls the person. Pure rules, so the edges are unit-tested without a provider.
 */

const ROLES = new Set<string>(Object.values(Role));

/** Audit ids of people signed in through the identity provider start with this; local tokens may not. */
export const IDP_ACTOR_PREFIX = 'idp:';
/** The audit log's actor column and the rate-limit key hold at most this many characters. */
export const MAX_ACTOR_ID_LENGTH = 200;
const CLAIM_PATH = /^[A-Za-z0-9_$:/.-]+$/;

/** group → the gateway roles it grants. Several groups may grant one role, one group several roles. */
export type RoleMap = ReadonlyMap<string, readonly Role[]>;

/**
 * Parses `OIDC_ROLE_MAP`, a JSON object from group to a role or a list of roles:
 * `{"legal-team": "LEGAL", "cn=dpo,ou=groups,dc=example": ["PRIVACY_OPS", "LEGAL"]}`. JSON because
 * group names are often LDAP DNs, full of commas and equals signs. Empty: null, meaning claim
 * values that are role names map to themselves. Throws naming what is wrong.
 */
export function parseRoleMap(raw: string | undefined): RoleMap | null {
  if (raw === undefined || raw.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('OIDC_ROLE_MAP must be a JSON object from group to role(s)');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('OIDC_ROLE_MAP must be a JSON object from group to role(s)');
  const map = new Map<string, Role[]>();
  for (const [group, value] of Object.entries(parsed)) {
    const roles: unknown[] = Array.isArray(value) ? value : [value];
    if (group === '' || roles.length === 0) throw new Error(`OIDC_ROLE_MAP: the group "${group}" must name at least one role`);
    for (const r of roles) if (!ROLES.has(r as string)) throw new Error(`OIDC_ROLE_MAP names an unknown role ${JSON.stringify(r)} for "${group}"; known: ${[...ROLES].join(', ')}`);
    map.set(group, roles as Role[]);
  }
  if (map.size === 0) throw new Error('OIDC_ROLE_MAP names no group');
  return map;
}

/** Checks a dotted claim path such as `groups` or `realm_access.roles` (Keycloak). */
export function isClaimPath(path: string): boolean {
  return CLAIM_PATH.test(path) && !path.split('.').some((part) => part === '');
}

/**
 * The value at a dotted path. A claim whose own name holds dots (`https://example.com/roles`,
 * Auth0's namespaced claims) is found whole before the path is split.
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.prototype.hasOwnProperty.call(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * The gateway roles a token's group claim grants, in the order of Role's declaration. A claim
 * may be an array of strings or one string of space-separated names (RFC 8693 `scope` style);
 * anything else grants nothing. Groups the map does not name are ignored: a company's tokens
 * carry many groups that mean nothing here.
 */
export function rolesFromClaim(value: unknown, map: RoleMap | null): Role[] {
  const names: unknown[] = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
  // Anything that is not a role (an empty name, a number, an unmapped group) falls out at the end.
  const granted = new Set<unknown>(map ? names.flatMap((name) => map.get(name as string) ?? []) : names);
  return Object.values(Role).filter((r) => granted.has(r));
}

/**
 * The actor id written to the audit log for a person signed in through the provider: the
 * prefix and the chosen claim. Null when the claim is missing, not a string, empty, too long
 * for the audit column, or holds control characters or a lone surrogate.
 */
export function idpActorId(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const id = `${IDP_ACTOR_PREFIX}${value}`;
  if (id.length > MAX_ACTOR_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(value) || !isWellFormed(value)) return null;
  return id;
}

/** No lone surrogate (String.prototype.isWellFormed is not in this TypeScript lib); encodeURIComponent throws on one. */
function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}
