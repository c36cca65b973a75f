import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type RequestHandler } from 'express';
import type { Config } from '../config';
import { Role } from '../entities/enums';
import type { QueueRegistry } from '../jobs/queue-registry';
import { authenticate } from '../schema/auth';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'drg_admin_token';

/**
 * Bull Board at /admin/queues over every queue the registry knows (the core's and the
 * plugins'), for ADMIN tokens only. The token comes as `Authorization: Bearer`, or, for a
 * browser, once as `?token=` which is moved into an HttpOnly, SameSite=Strict cookie limited
 * to this path (and the URL is redirected without it, so it stays out of history).
 */
export function queueDashboardRoutes(deps: { config: Config; queues: QueueRegistry }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: deps.queues.queueNames().map((q) => new BullMQAdapter(deps.queues.queue(q))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'data-rights-gateway queues' } },
  });
  const router = Router();
  router.use(QUEUE_DASHBOARD_PATH, adminOnly(deps.config), serverAdapter.getRouter());
  return router;
}

function adminOnly(config: Config): RequestHandler {
  return async (req, res, next) => {
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
    const fromCookie = cookie(req.headers.cookie, COOKIE);
    const header = req.headers.authorization ?? (fromQuery ? `Bearer ${fromQuery}` : fromCookie ? `Bearer ${fromCookie}` : undefined);
    const { actor } = await authenticate(config.auth, header);
    if (!actor) {
      res.status(401).set('www-authenticate', 'Bearer realm="queues"').json({ code: 'UNAUTHENTICATED', message: 'an ADMIN bearer token is required' });
      return;
    }
    if (!actor.roles.includes(Role.ADMIN)) {
      res.status(403).json({ code: 'FORBIDDEN', message: 'the queue dashboard needs the role ADMIN' });
      return;
    }
    if (fromQuery && !req.headers.authorization) {
      const secure = config.env === 'production' ? '; Secure' : '';
      res.set('set-cookie', `${COOKIE}=${encodeURIComponent(fromQuery)}; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict${secure}`);
      res.redirect(303, dashboardRedirect(req.originalUrl));
      return;
    }
    next();
  };
}

/**
 * Where to send the browser once the token is in the cookie: the same dashboard page without
 * `?token=`, and never anywhere else. `/admin/queues/..//evil.example/x` resolves to the path
 * `//evil.example/x`, which a browser reads as another host: anything that does not resolve
 * inside the dashboard goes to the dashboard's root.
 */
export function dashboardRedirect(originalUrl: string): string {
  let url: URL;
  try {
    url = new URL(originalUrl, 'http://gateway.invalid');
  } catch {
    return QUEUE_DASHBOARD_PATH;
  }
  url.searchParams.delete('token');
  const inside = url.origin === 'http://gateway.invalid' && (url.pathname === QUEUE_DASHBOARD_PATH || url.pathname.startsWith(`${QUEUE_DASHBOARD_PATH}/`));
  if (!inside || url.pathname.includes('//') || url.pathname.includes('\\')) return QUEUE_DASHBOARD_PATH;
  return `${url.pathname}${url.search}`;
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}
