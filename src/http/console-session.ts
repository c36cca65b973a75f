import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import { Role } from '../entities/enums';
import { authenticate, type Authentication } from '../schema/auth';

/**
 * Console sessions: the browser holds a random id in an HttpOnly, Secure, SameSite=Strict
 * cookie; Redis holds the signed-in person (id and roles, as their token said at sign-in), the
 * session's CSRF token and its end. Only the id's SHA-256 is a key, so a Redis dump holds no
 * usable session. A session never outlives the token it was made from, nor CONSOLE_SESSION_TTL.
 */
export const SESSION_COOKIE = '__Host-drg_session';
/** A one-time sign-in link (development) is good for this long, once. */
export const SIGN_IN_LINK_TTL_SECONDS = 15 * 60;

export interface ConsoleSession {
  actor: Actor;
  csrfToken: string;
  /** Epoch seconds. */
  expiresAt: number;
}

const ROLES = new Set<string>(Object.values(Role));
const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export class ConsoleSessions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly ttlSeconds: number,
  ) {}

  private key(kind: 'session' | 'link', secret: string): string {
    return `${this.prefix}:console:${kind}:${hash(secret)}`;
  }

  /** Starts a session for the actor, ending at `notAfter` (epoch seconds) or after the TTL, whichever is first. */
  async create(actor: Actor, nowSeconds: number, notAfter = Number.POSITIVE_INFINITY): Promise<{ id: string; session: ConsoleSession }> {
    const expiresAt = Math.min(nowSeconds + this.ttlSeconds, Math.floor(notAfter));
    if (expiresAt <= nowSeconds) throw new DomainError('UNAUTHENTICATED', 'the token has no time left for a session; sign in again');
    const id = randomBytes(32).toString('base64url');
    const session: ConsoleSession = { actor: { id: actor.id, roles: [...actor.roles], ...(actor.purposes ? { purposes: actor.purposes } : {}) }, csrfToken: randomBytes(32).toString('base64url'), expiresAt };
    await this.redis.set(this.key('session', id), JSON.stringify(session), 'EX', expiresAt - nowSeconds);
    return { id, session };
  }

  async get(id: string, nowSeconds: number): Promise<ConsoleSession | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const raw = await this.redis.get(this.key('session', id));
    if (!raw) return null;
    const session = parseSession(raw);
    return session && session.expiresAt > nowSeconds ? session : null;
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key('session', id));
  }

  /** A link that signs its first opener in as `actor`; for `npm start` outside production only. */
  async createSignInLink(actor: Actor): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.redis.set(this.key('link', code), JSON.stringify(actor), 'EX', SIGN_IN_LINK_TTL_SECONDS);
    return code;
  }

  /** The link's actor, once: GETDEL, so two tabs racing on one link get one session. */
  async redeemSignInLink(code: string): Promise<Actor | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(code)) return null;
    const raw = await this.redis.getdel(this.key('link', code));
    if (!raw) return null;
    return parseActor(JSON.parse(raw) as unknown);
  }
}

function parseActor(v: unknown): Actor | null {
  if (v === null || typeof v !== 'object') return null;
  const { id, roles } = v as { id?: unknown; roles?: unknown };
  if (typeof id !== 'string' || !Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && ROLES.has(r))) return null;
  return { id, roles: roles as Role[] };
}

function parseSession(raw: string): ConsoleSession | null {
  try {
    const v = JSON.parse(raw) as { actor?: unknown; csrfToken?: unknown; expiresAt?: unknown };
    const actor = parseActor(v.actor);
    if (!actor || typeof v.csrfToken !== 'string' || typeof v.expiresAt !== 'number') return null;
    return { actor, csrfToken: v.csrfToken, expiresAt: v.expiresAt };
  } catch {
    return null;
  }
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export const sessionCookie = (id: string, maxAgeSeconds: number): string =>
  `${SESSION_COOKIE}=${id}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
export const clearedSessionCookie = (): string => `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;

/**
 * How a cookie-authenticated request proves it came from our own pages: `header` (the session's
 * CSRF token in X-CSRF-Token, for the console's GraphQL calls) or `same-origin` (for pages we
 * do not write, Bull Board: reads pass, anything else needs an Origin or Sec-Fetch-Site of our own).
 */
export type CsrfCheck = 'header' | 'same-origin';

/**
 * Who is calling: a bearer token when one is sent (apps, scripts), else the console session
 * cookie with its CSRF check. The cookie is SameSite=Strict as well; the check is the second lock.
 */
export async function requestActor(auth: Config['auth'], sessions: ConsoleSessions, req: Request, csrf: CsrfCheck, now: Date = new Date()): Promise<Authentication> {
  if (req.headers.authorization) return authenticate(auth, req.headers.authorization, now);
  const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (id === undefined) return { actor: null, error: null };
  const session = await sessions.get(id, Math.floor(now.getTime() / 1000));
  if (!session) return { actor: null, error: new DomainError('UNAUTHENTICATED', 'the console session has ended; sign in again') };
  if (csrf === 'header') {
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken))
      return { actor: null, error: new DomainError('FORBIDDEN', 'a console request must carry the session\'s X-CSRF-Token') };
  } else if (!['GET', 'HEAD'].includes(req.method) && !sameOrigin(req)) {
    return { actor: null, error: new DomainError('FORBIDDEN', 'a cross-site request cannot use the console session') };
  }
  return { actor: session.actor, error: null };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sameOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin === `${req.protocol}://${req.headers.host}`;
}
