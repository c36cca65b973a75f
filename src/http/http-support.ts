import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor } from '../domain/actor';
import { DomainError, type ErrorCode } from '../domain/errors';
import { Role } from '../entities/enums';
import { errorFields } from '../ops/logger';
import { verifyToken } from '../schema/auth';

/** HTTP statuses of the project's error codes, for the plain-HTTP endpoints. */
const STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LEGAL_HOLD_ACTIVE: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

export type HttpLog = (line: Record<string, unknown>) => void;

/** The same JSON error shape as GraphQL's extensions: {code, message, reason?, field?}. */
export function sendError(res: Response, err: unknown, log: HttpLog): void {
  if (err instanceof DomainError) {
    res.status(STATUS[err.code]).json({ code: err.code, message: err.message, ...err.details });
    return;
  }
  // Scrubbed type, code and message only: a database error carries the values it choked on.
  log({ level: 'error', msg: 'unexpected error', ...errorFields(err) });
  res.status(500).json({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error' });
}

export interface AuthedLocals {
  actor: Actor;
}

/** Bearer-token auth for the plain-HTTP endpoints, with the same rules as the GraphQL auth checker. */
export function requireRoles(jwtSecret: string, roles: Role[], log: HttpLog): RequestHandler {
  return (req, res, next) => {
    const { actor, error } = verifyToken(jwtSecret, req.headers.authorization);
    if (!actor) return sendError(res, error ?? new DomainError('UNAUTHENTICATED', 'a bearer token is required'), log);
    if (!roles.some((r) => actor.roles.includes(r))) return sendError(res, new DomainError('FORBIDDEN', `this endpoint needs one of the roles ${roles.join(', ')}`), log);
    (res.locals as AuthedLocals).actor = actor;
    next();
  };
}

/** body-parser's errors (bad JSON, too large, wrong charset) as BAD_USER_INPUT; anything else goes on. */
export function bodyErrors(log: HttpLog) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const e = err as { type?: string; status?: number } | null;
    if (e && typeof e.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      const code = e.status === 413 ? 'the body is too large' : 'the body is not valid JSON';
      res.status(e.status === 413 ? 413 : 400).json({ code: 'BAD_USER_INPUT', message: code });
      return;
    }
    if (res.headersSent) return next(err);
    sendError(res, err, log);
  };
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The client's address as the socket saw it, without the IPv4-mapped IPv6 prefix. */
export function clientIp(req: Request): string | null {
  const ip = req.ip ?? req.socket.remoteAddress ?? null;
  if (!ip) return null;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
