import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Cluster, Redis } from 'ioredis';
import type { Config } from '../config';
import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import { isReadPurpose } from '../domain/read-purpose.service';
import { unwrapDataKey, wrapDataKey } from '../domain/sealed-file';
import type { ReadPurpose } from '../domain/read-purpose.rules';
import { Role } from '../entities/enums';
import { authenticate, type Authentication } from '../schema/auth';
import { withTimeout } from '../schema/rate-limit';

/**
 * Console sessions: the browser holds a random id in an HttpOnly, SameSite=Strict cookie
 * (`__Host-` and Secure wherever the gateway is reached over https, and always in production);
 * Redis holds the signed-in person (id, roles and purposes, as their token said at sign-in), the
 * session's CSRF token and its end, under the id's SHA-256 and with an HMAC, so neither a Redis
 * dump nor a write to Redis makes a session. A session never outlives the token it was made
 * from, nor CONSOLE_SESSION_TTL_SECONDS.
 */
/** A one-time sign-in link (development) is good for this long, once. */
export const SIGN_IN_LINK_TTL_SECONDS = 15 * 60;
/** Redis gets this long to answer a session lookup; a request never waits on a reconnecting client. */
const REDIS_TIMEOUT_MS = 1000;
const SECRET_ID = /^[A-Za-z0-9_-]{43}$/;

export interface ConsoleSession {
  actor: Actor;
  csrfToken: string;
  /** Epoch seconds. */
  expiresAt: number;
}

const ROLES = new Set<string>(Object.values(Role));
const sha256 = (secret: string): string => createHash('sha256').update(secret).digest('hex');
/** A key of its own for each use, derived from JWT_SECRET (HKDF with a label per use). */
export const derivedKey = (jwtSecret: string, label: string): Buffer => Buffer.from(hkdfSync('sha256', jwtSecret, '', `drg console ${label}`, 32));

export class ConsoleSessions {
  /** `__Host-drg_session` over https, `drg_session` on a plain-http development host (Safari drops Secure cookies there). */
  readonly cookieName: string;
  private readonly macKey: Buffer;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly prefix: string,
    readonly ttlSeconds: number,
    jwtSecret: string,
    /** Secure cookies: https, or production. */
    readonly secure: boolean,
    /** PUBLIC_BASE_URL's origin: where our own pages are. */
    readonly publicOrigin: string,
  ) {
    this.cookieName = secure ? '__Host-drg_session' : 'drg_session';
    this.macKey = derivedKey(jwtSecret, 'session mac');
  }

  static forConfig(redis: Redis | Cluster, config: Config): ConsoleSessions {
    const secure = config.env === 'production' || config.communications.publicBaseUrl.startsWith('https:');
    return new ConsoleSessions(redis, config.redis.prefix, config.auth.consoleSessionTtlSeconds, config.auth.jwtSecret, secure, new URL(config.communications.publicBaseUrl).origin);
  }

  private key(kind: 'session' | 'link', secret: string): string {
    return `${this.prefix}:console:${kind}:${sha256(secret)}`;
  }

  private mac(key: string, body: string): string {
    return createHmac('sha256', this.macKey).update(key).update('\n').update(body).digest('base64url');
  }

  /** A stored record: its body and an HMAC over key and body, so a record cannot be forged or moved to another key. */
  private async store(key: string, body: unknown, ttlSeconds: number): Promise<void> {
    const json = JSON.stringify(body);
    await this.call(() => this.redis.set(key, `${this.mac(key, json)}.${json}`, 'EX', ttlSeconds));
  }

  private read(key: string, raw: string | null): unknown {
    if (!raw) return null;
    const dot = raw.indexOf('.');
    const [mac, json] = [raw.slice(0, dot), raw.slice(dot + 1)];
    if (dot < 0 || !sameSecret(mac, this.mac(key, json))) return null;
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return null;
    }
  }

  /** A thunk, so that no command is queued on a client that is not connected (it would reject later, unheard). */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready') throw unavailable();
    try {
      return await withTimeout(command(), REDIS_TIMEOUT_MS);
    } catch {
      throw unavailable();
    }
  }

  /** Starts a session for the actor, ending at `notAfter` (epoch seconds) or after the TTL, whichever is first. */
  async create(actor: Actor, nowSeconds: number, notAfter = Number.POSITIVE_INFINITY): Promise<{ id: string; session: ConsoleSession }> {
    const expiresAt = Math.min(nowSeconds + this.ttlSeconds, Math.floor(notAfter));
    if (expiresAt <= nowSeconds) throw new DomainError('UNAUTHENTICATED', 'the token has no time left for a session; sign in again');
    const id = randomBytes(32).toString('base64url');
    const session: ConsoleSession = { actor: copyActor(actor), csrfToken: randomBytes(32).toString('base64url'), expiresAt };
    await this.store(this.key('session', id), session, expiresAt - nowSeconds);
    return { id, session };
  }

  async get(id: string, nowSeconds: number): Promise<ConsoleSession | null> {
    if (!SECRET_ID.test(id)) return null;
    const key = this.key('session', id);
    const session = parseSession(this.read(key, await this.call(() => this.redis.get(key))));
    return session && session.expiresAt > nowSeconds ? session : null;
  }

  async destroy(id: string): Promise<void> {
    if (SECRET_ID.test(id)) await this.call(() => this.redis.del(this.key('session', id)));
  }

  /** A link that signs its first opener in as `actor`; for `npm start` outside production only. */
  async createSignInLink(actor: Actor): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.store(this.key('link', code), copyActor(actor), SIGN_IN_LINK_TTL_SECONDS);
    return code;
  }

  /** The link's actor, once: GETDEL, so two tabs racing on one link get one session. */
  async redeemSignInLink(code: string): Promise<Actor | null> {
    if (!SECRET_ID.test(code)) return null;
    const key = this.key('link', code);
    return parseActor(this.read(key, await this.call(() => this.redis.getdel(key))));
  }

  cookie(id: string, maxAgeSeconds: number): string {
    return `${this.cookieName}=${id}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly${this.secure ? '; Secure' : ''}; SameSite=Strict`;
  }

  clearedCookie(): string {
    return this.cookie('', 0);
  }
}

const unavailable = () => new DomainError('SERVICE_UNAVAILABLE', 'console sessions are unavailable (Redis does not answer); try again');

function copyActor(actor: Actor): Actor {
  return { id: actor.id, roles: [...actor.roles], ...(actor.purposes ? { purposes: [...actor.purposes] } : {}) };
}

function parseActor(v: unknown): Actor | null {
  if (v === null || typeof v !== 'object') return null;
  const { id, roles, purposes } = v as { id?: unknown; roles?: unknown; purposes?: unknown };
  if (typeof id !== 'string' || !Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && ROLES.has(r))) return null;
  if (purposes !== undefined && (!Array.isArray(purposes) || !purposes.every((p) => typeof p === 'string' && isReadPurpose(p)))) return null;
  return { id, roles: roles as Role[], ...(purposes ? { purposes: purposes as ReadPurpose[] } : {}) };
}

function parseSession(v: unknown): ConsoleSession | null {
  if (v === null || typeof v !== 'object') return null;
  const { actor: rawActor, csrfToken, expiresAt } = v as { actor?: unknown; csrfToken?: unknown; expiresAt?: unknown };
  const actor = parseActor(rawActor);
  if (!actor || typeof csrfToken !== 'string' || typeof expiresAt !== 'number') return null;
  return { actor, csrfToken, expiresAt };
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

/**
 * Seals a small value for a cookie under a secret, bound to `label`: the domain's key wrap
 * (AES-256-GCM under a key derived from the secret, the label as associated data).
 */
export function sealForCookie(secret: string, label: string, value: unknown): string {
  return wrapDataKey(Buffer.from(JSON.stringify(value)), secret, `console ${label}`);
}

/** The value sealed for a cookie, or null for anything tampered, cut, under another label or secret. */
export function openFromCookie(secret: string, label: string, sealed: string | undefined): unknown {
  if (!sealed) return null;
  try {
    return JSON.parse(unwrapDataKey(sealed, secret, `console ${label}`).toString()) as unknown;
  } catch {
    return null;
  }
}

/**
 * How a cookie-authenticated request proves it came from our own pages: `header` (the session's
 * CSRF token in X-CSRF-Token: the console's GraphQL calls and logout) or `same-origin` (pages we
 * do not write, Bull Board, and downloads: a request a browser marks as coming from another site
 * is refused, and anything but a read needs a positive same-origin signal).
 */
export type CsrfCheck = 'header' | 'same-origin';

/** The browser's console session, once checked: its id and record, or why there is none. */
export interface SessionCheck {
  id: string | null;
  session: ConsoleSession | null;
  error: DomainError | null;
}

/**
 * The console session a request's cookie names, with its CSRF check; no cookie is no session and
 * no error. A refusal says it comes from the cookie (`details.session`): a browser sends its
 * cookie everywhere, so a stale one must not block what needs no sign-in.
 */
export async function consoleSession(sessions: ConsoleSessions, req: Request, csrf: CsrfCheck, now: Date = new Date()): Promise<SessionCheck> {
  const id = cookieValue(req.headers.cookie, sessions.cookieName) ?? null;
  if (id === null) return { id, session: null, error: null };
  const refuse = (code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'SERVICE_UNAVAILABLE', message: string): SessionCheck => ({ id, session: null, error: new DomainError(code, message, { session: true }) });
  let session: ConsoleSession | null;
  try {
    session = await sessions.get(id, Math.floor(now.getTime() / 1000));
  } catch (err) {
    return refuse('SERVICE_UNAVAILABLE', (err as Error).message);
  }
  if (!session) return refuse('UNAUTHENTICATED', 'the console session has ended; sign in again');
  if (csrf === 'header') {
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) return refuse('FORBIDDEN', "a console request must carry the session's X-CSRF-Token");
  } else if (!fromOwnPages(req, sessions.publicOrigin)) {
    return refuse('FORBIDDEN', 'a request from another site cannot use the console session');
  }
  return { id, session, error: null };
}

/** Who is calling: a bearer token when one is sent (apps, scripts), else the console session cookie. */
export async function requestActor(auth: Config['auth'], sessions: ConsoleSessions, req: Request, csrf: CsrfCheck, now: Date = new Date()): Promise<Authentication> {
  if (req.headers.authorization) return authenticate(auth, req.headers.authorization, now);
  const { session, error } = await consoleSession(sessions, req, csrf, now);
  return { actor: session?.actor ?? null, error };
}

/** Compares two secrets in constant time (for equal lengths; the length itself is not secret). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Fetch metadata first (every current browser sends it): `same-origin`, or `none` (typed, a
 * bookmark) for reads. Without it, a read passes on SameSite=Strict alone, and a change needs an
 * Origin of our own: PUBLIC_BASE_URL's, or the one the request was addressed to.
 */
export function fromOwnPages(req: Pick<Request, 'method' | 'headers' | 'protocol'>, publicOrigin: string): boolean {
  const read = req.method === 'GET' || req.method === 'HEAD';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || (read && site === 'none');
  if (read) return true;
  const origin = req.headers.origin;
  return typeof origin === 'string' && (origin === publicOrigin || origin === `${req.protocol}://${req.headers.host}`);
}
