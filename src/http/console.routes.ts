import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import * as oidc from 'openid-client';
import type { Config, OidcConfig } from '../config';
import { DomainError } from '../domain/errors';
import type { Logger } from '../ops/logger';
import { authenticate } from '../schema/auth';
import { consoleSession, cookieValue, openFromCookie, sameSecret, sealForCookie, type ConsoleSessions } from './console-session';
import { sendError } from './http-support';

export const CONSOLE_PATH = '/console';
/** A sign-in at the provider must come back within this long. */
const LOGIN_TTL_SECONDS = 10 * 60;

/** What the browser carries to the provider and back, sealed in its login cookie: nothing is stored for a stranger. */
interface PendingLogin {
  codeVerifier: string;
  nonce: string;
  state: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/**
 * Sign-in for the console: through the company's identity provider (authorization code with
 * PKCE, openid-client), or, outside production, a one-time link `npm start` prints. Either way
 * the browser ends with a session cookie and the console reads `/console/session` for the
 * person, their roles and the CSRF token its GraphQL calls send.
 */
export function consoleRoutes(deps: { config: Config; sessions: ConsoleSessions; log: Logger }): Router {
  const { config, sessions, log } = deps;
  const router = Router();
  const now = () => Math.floor(Date.now() / 1000);
  let provider: Promise<oidc.Configuration> | null = null;
  const providerConfig = (o: OidcConfig & { client: NonNullable<OidcConfig['client']> }): Promise<oidc.Configuration> => {
    provider ??= oidc
      .discovery(new URL(o.issuer), o.client.id, o.client.secret ?? undefined, o.client.secret ? undefined : oidc.None(), {
        // Plain http only where the configuration allows it (never in production, checked at start).
        execute: new URL(o.issuer).protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        timeout: 5,
      })
      .catch((err: unknown) => {
        provider = null;
        throw err;
      });
    return provider;
  };
  const loginCookie = sessions.secure ? '__Host-drg_login' : 'drg_login';
  // SameSite=Lax: the provider sends the browser back with a top-level GET from its own site.
  const loginCookieHeader = (value: string, maxAge: number) => `${loginCookie}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly${sessions.secure ? '; Secure' : ''}; SameSite=Lax`;
  const startSession = async (req: Request, res: Response, actor: Parameters<ConsoleSessions['create']>[0], notAfter?: number) => {
    // A new sign-in replaces the browser's old session (no session fixation, no orphan left behind).
    const old = cookieValue(req.headers.cookie, sessions.cookieName);
    if (old) await sessions.destroy(old);
    const { id, session } = await sessions.create(actor, now(), notAfter);
    res.append('set-cookie', sessions.cookie(id, session.expiresAt - now()));
    res.setHeader('cache-control', 'no-store');
    // Not a redirect: after the provider's redirect chain a browser treats a redirected request as
    // cross-site and withholds the SameSite=Strict cookie; a navigation from this page is same-site.
    res.type('html').send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${CONSOLE_PATH}/"><title>Signed in</title></head>` +
        `<body><p>Signed in. <a href="${CONSOLE_PATH}/">Open the console</a>.</p></body></html>`,
    );
  };

  // The one-time link of `npm start`: the code leaves the URL (and the history) at once.
  router.get(`${CONSOLE_PATH}/sign-in`, async (req, res) => {
    try {
      if (config.env === 'production') throw new DomainError('NOT_FOUND', 'sign-in links exist only outside production');
      const actor = typeof req.query.code === 'string' ? await sessions.redeemSignInLink(req.query.code) : null;
      if (!actor) throw new DomainError('UNAUTHENTICATED', 'this sign-in link is used, expired or wrong; restart npm start for a new one');
      log.info({ actor: actor.id }, 'console sign-in by one-time link');
      await startSession(req, res, actor);
    } catch (err) {
      sendError(res, err, log);
    }
  });

  router.get(`${CONSOLE_PATH}/login`, async (_req, res) => {
    try {
      const o = config.auth.oidc;
      if (!o?.client) throw new DomainError('NOT_FOUND', 'no identity provider client is configured for the console (OIDC_CLIENT_ID)');
      const client = o.client;
      const server = await providerConfig({ ...o, client }).catch(() => {
        throw new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached; try again');
      });
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      // The state travels to the provider and back; the sealed cookie binds it to this browser.
      const pending: PendingLogin = { codeVerifier, nonce, state, expiresAt: now() + LOGIN_TTL_SECONDS };
      const url = oidc.buildAuthorizationUrl(server, {
        ...client.authorizationParams,
        redirect_uri: `${config.communications.publicBaseUrl}${CONSOLE_PATH}/callback`,
        scope: client.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      res.append('set-cookie', loginCookieHeader(sealForCookie(config.auth.jwtSecret, 'login', pending), LOGIN_TTL_SECONDS));
      res.setHeader('cache-control', 'no-store');
      res.redirect(303, url.href);
    } catch (err) {
      sendError(res, err, log);
    }
  });

  router.get(`${CONSOLE_PATH}/callback`, async (req, res) => {
    try {
      const o = config.auth.oidc;
      if (!o?.client) throw new DomainError('NOT_FOUND', 'no identity provider client is configured for the console (OIDC_CLIENT_ID)');
      const pending = openFromCookie(config.auth.jwtSecret, 'login', cookieValue(req.headers.cookie, loginCookie)) as PendingLogin | null;
      const state = typeof req.query.state === 'string' ? req.query.state : '';
      res.append('set-cookie', loginCookieHeader('', 0));
      // No pending login in this browser for this state: a stale tab, a replay, or a link someone else started.
      if (!pending || pending.expiresAt <= now() || !sameSecret(pending.state, state))
        throw new DomainError('UNAUTHENTICATED', 'this sign-in was not started in this browser, or took longer than ten minutes; sign in again');
      if (typeof req.query.error === 'string') throw new DomainError('UNAUTHENTICATED', `the identity provider refused the sign-in: ${req.query.error}`);
      const server = await providerConfig({ ...o, client: o.client }).catch(() => {
        throw new DomainError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached; try again');
      });
      const current = new URL(`${config.communications.publicBaseUrl}${req.originalUrl}`);
      let accessToken: string;
      try {
        const tokens = await oidc.authorizationCodeGrant(server, current, { pkceCodeVerifier: pending.codeVerifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true }, o.client.authorizationParams);
        accessToken = tokens.access_token;
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'console sign-in: the code exchange failed');
        throw new DomainError('UNAUTHENTICATED', 'the identity provider did not confirm the sign-in; sign in again');
      }
      // The access token is checked by the same rules as any bearer token: issuer, audience, lifetime, roles.
      const { actor, error } = await authenticate(config.auth, `Bearer ${accessToken}`);
      if (!actor) throw error ?? new DomainError('UNAUTHENTICATED', 'invalid token');
      const exp = (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
      log.info({ actor: actor.id, roles: actor.roles }, 'console sign-in through the identity provider');
      await startSession(req, res, actor, exp);
    } catch (err) {
      sendError(res, err, log);
    }
  });

  // What the console page needs: who, which roles, until when, and the CSRF token. Not cached.
  router.get(`${CONSOLE_PATH}/session`, async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    // The cookie only: a bearer token is not a console session.
    const { session, error } = await consoleSession(sessions, req, 'same-origin');
    if (!session) return sendError(res, error ?? new DomainError('UNAUTHENTICATED', 'not signed in'), log);
    res.json({ actor: session.actor.id, roles: session.actor.roles, expiresAt: new Date(session.expiresAt * 1000).toISOString(), csrfToken: session.csrfToken });
  });

  router.post(`${CONSOLE_PATH}/logout`, async (req, res) => {
    const { id, session, error } = await consoleSession(sessions, req, 'header');
    if (!session || !id) return sendError(res, error ?? new DomainError('UNAUTHENTICATED', 'not signed in'), log);
    try {
      await sessions.destroy(id);
    } catch (err) {
      return sendError(res, err, log);
    }
    res.append('set-cookie', sessions.clearedCookie());
    res.status(204).end();
  });

  router.get(`${CONSOLE_PATH}/sign-in-options`, (_req, res) => {
    res.json({ provider: Boolean(config.auth.oidc?.client) });
  });

  // The console's pages (React, built by `npm run build` into dist/console): static files, and
  // index.html for every page path, so a bookmark of /console/holds opens the holds.
  const built = consoleDir();
  const page: express.RequestHandler = (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-security-policy', CONSOLE_CSP);
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'same-origin');
    if (built) return res.sendFile(join(built, 'index.html'));
    res.status(503).type('text/plain').send('the console is not built: run npm run build\n');
  };
  if (built) router.use(`${CONSOLE_PATH}/assets`, express.static(join(built, 'assets'), { index: false, immutable: true, maxAge: '1y' }));
  router.get([CONSOLE_PATH, `${CONSOLE_PATH}/`, `${CONSOLE_PATH}/holds`, `${CONSOLE_PATH}/requests`, `${CONSOLE_PATH}/transfers`, `${CONSOLE_PATH}/reports`, `${CONSOLE_PATH}/audit`], page);
  return router;
}

/** Only the gateway's own scripts, styles and API; no framing (clickjacking), no inline script. */
const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** dist/console beside the compiled server, or from the sources' side when tests run them. */
function consoleDir(): string | null {
  for (const dir of [resolve(__dirname, '../../console'), resolve(__dirname, '../../dist/console')]) if (existsSync(join(dir, 'index.html'))) return dir;
  return null;
}
