import jwt from 'jsonwebtoken';
import { Authorized, Extensions, type AuthChecker } from 'type-graphql';
import { Role } from '../entities/enums';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import type { GatewayContext } from './context';

const ROLES = new Set<string>(Object.values(Role));

export function signToken(secret: string, subject: string, roles: Role[], ttlSeconds: number, extra: Record<string, unknown> = {}): string {
  return jwt.sign({ ...extra, roles }, secret, { algorithm: 'HS256', subject, expiresIn: ttlSeconds });
}

/** Verifies a bearer token: HS256 only, unexpired, with a subject and known roles. */
export function verifyToken(secret: string, header: string | undefined): { actor: Actor | null; error: DomainError | null } {
  if (!header) return { actor: null, error: null };
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return { actor: null, error: new DomainError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"') };
  try {
    const claims = jwt.verify(m[1]!, secret, { algorithms: ['HS256'] });
    if (typeof claims === 'string' || !claims.sub) throw new Error('token has no subject');
    const roles = claims.roles;
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => typeof r === 'string' && ROLES.has(r)))
      throw new Error('token has no roles, or an unknown role');
    return { actor: { id: claims.sub, roles: roles as Role[] }, error: null };
  } catch (err) {
    return { actor: null, error: new DomainError('UNAUTHENTICATED', `invalid token: ${(err as Error).message}`) };
  }
}

/** type-graphql's one auth checker: no valid token is UNAUTHENTICATED, a wrong role FORBIDDEN. */
export const authChecker: AuthChecker<GatewayContext, Role> = ({ context }, roles) => {
  if (!context.actor) throw context.authError ?? new DomainError('UNAUTHENTICATED', 'a bearer token is required');
  if (roles.length === 0 || roles.some((r) => context.actor!.roles.includes(r))) return true;
  throw new DomainError('FORBIDDEN', `this operation needs one of the roles ${roles.join(', ')}`);
};

/**
 * Declares who may run an operation. The roles are also put in the field's extensions, so a
 * test can walk the built schema and prove that every operation has a rule.
 */
export function Roles(...roles: Role[]): MethodDecorator {
  const authorized = Authorized<Role>(...roles);
  const extensions = Extensions({ roles });
  return (target, key, descriptor) => {
    authorized(target, key, descriptor);
    extensions(target, key, descriptor);
  };
}

export const ALL_ROLES = Object.values(Role);
