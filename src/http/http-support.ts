import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import { DomainError, type ErrorCode } from '../domain/errors';
import { Role } from '../entities/enums';
import { errorFields, type Logger } from '../ops/logger';
import { authenticate } from '../schema/auth';
import { requestActor, type ConsoleSessions } from './console-session';
import type { MutationRateLimiter, RateKeyKind } from '../schema/rate-limit';

/** HTTP statuses of the project's error codes, for the plain-HTTP endpoints. */
const STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/** The same JSON error shape as GraphQL's extensions: {code, message, reason?, field?}. */
export function sendError(res: Response, err: unknown, log: Logger): void {
  if (err instanceof DomainError) {
    res.status(STATUS[err.code]).json({ code: err.code, message: err.message, ...err.details });
    return;
  }
  // Scrubbed type, code and message only: a database error carries the values it choked on.
  log.error(errorFields(err), 'unexpected error');
  res.status(500).json({ code: 'INTERNAL_SERVER_ERROR', message: 'internal error' });
}

export interface AuthedLocals {
  actor: Actor;
}

/**
 * Bearer-token auth for the plain-HTTP endpoints, with the same rules as the GraphQL auth
 * checker; with `sessions`, a console session (same-origin for anything but reads) as well.
 */
export function requireRoles(auth: Config['auth'], roles: Role[], log: Logger, sessions?: ConsoleSessions): RequestHandler {
  return async (req, res, next) => {
    const { actor, error } = sessions ? await requestActor(auth, sessions, req, 'same-origin') : await authenticate(auth, req.headers.authorization);
    if (!actor) return sendError(res, error ?? new DomainError('UNAUTHENTICATED', 'a bearer token is required'), log);
    if (!roles.some((r) => actor.roles.includes(r))) return sendError(res, new DomainError('FORBIDDEN', `this endpoint needs one of the roles ${roles.join(', ')}`), log);
    (res.locals as AuthedLocals).actor = actor;
    next();
  };
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The client's address as the socket saw it, without the IPv4-mapped IPv6 prefix. */
export function clientIp(req: Request): string | null {
  const ip = req.ip ?? req.socket.remoteAddress ?? null;
  if (!ip) return null;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** Every response: browsers must not guess a content type (a JSON error read as HTML, say). */
export const noSniff: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
};

/** Unknown paths answer a JSON 404 instead of Express's HTML page (which echoes the path). */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ code: 'NOT_FOUND', message: 'no such endpoint' });
};

/**
 * The last error handler of every app and router: Express's default one prints the stack trace,
 * and the request's own text (a URL with an email address in it, say), straight to stderr. Here a
 * client mistake (a body parser's 4xx, a malformed percent-escape) is a typed 400 (413 for a body
 * over the limit), and anything else is logged through the scrubbing logger, without the URL, and
 * answered 500.
 */
export function jsonErrors(log: Logger) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const e = err as { status?: unknown; statusCode?: unknown; type?: unknown } | null;
    const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : err instanceof URIError ? 400 : 500;
    if (status < 400 || status >= 500) return sendError(res, err, log);
    const message =
      status === 413 ? 'the body is too large' : err instanceof URIError ? 'the URL holds a malformed percent-escape' : typeof e?.type === 'string' ? 'the body is not valid JSON' : 'the request is malformed';
    res.status(status === 413 ? 413 : 400).json({ code: 'BAD_USER_INPUT', message });
  };
}

/**
 * A token bucket in front of a plain-HTTP route: over budget, a typed 429 with Retry-After, and
 * the route does not run. The key is the token subject, or the client address for public routes.
 */
export function rateLimit(limiter: MutationRateLimiter, keyOf: (req: Request, res: Response) => { key: string; kind: RateKeyKind }, log: Logger): RequestHandler {
  return (req, res, next) => {
    if (!limiter.enabled) return next();
    const { key, kind } = keyOf(req, res);
    limiter.consume(key, 1, kind).then(
      (decision) => {
        if (decision.allowed) return next();
        res.set('Retry-After', String(decision.retryAfterSeconds));
        sendError(res, new DomainError('RATE_LIMITED', `too many requests; retry in ${decision.retryAfterSeconds} s`, { retryAfter: decision.retryAfterSeconds }), log);
      },
      next,
    );
  };
}

/**
 * A page of the public links (unsubscribe, an access package): HTML with no script, never cached,
 * never indexed, and no referrer: the token is in the URL and must not reach another site.
 */
export function publicPage(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    })
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
        `<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1.25rem}</style></head>` +
        `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}
