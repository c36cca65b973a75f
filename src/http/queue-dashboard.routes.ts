import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type RequestHandler } from 'express';
import type { Config } from '../config';
import { Role } from '../entities/enums';
import type { QueueRegistry } from '../jobs/queue-registry';
import { requestActor, type ConsoleSessions } from './console-session';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues over every queue the registry knows (the core's and the
 * plugins'), for ADMIN only: an `Authorization: Bearer` token (scripts), or, in a browser, the
 * console session (sign in at /console first). Bull Board's own pages cannot send a CSRF header,
 * so a session may change jobs only from our own origin (and its cookie is SameSite=Strict).
 * The old `?token=` in the URL is gone: a credential in a URL ends up in history and logs.
 */
export function queueDashboardRoutes(deps: { config: Config; queues: QueueRegistry; sessions: ConsoleSessions }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: deps.queues.queueNames().map((q) => new BullMQAdapter(deps.queues.queue(q))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'data-rights-gateway queues' } },
  });
  const router = Router();
  router.use(QUEUE_DASHBOARD_PATH, adminOnly(deps.config, deps.sessions), serverAdapter.getRouter());
  return router;
}

function adminOnly(config: Config, sessions: ConsoleSessions): RequestHandler {
  return async (req, res, next) => {
    const { actor, error } = await requestActor(config.auth, sessions, req, 'same-origin');
    if (!actor) {
      if (error?.code === 'FORBIDDEN') {
        res.status(403).json({ code: 'FORBIDDEN', message: error.message });
        return;
      }
      // A browser without a session is sent to sign in; a script gets the 401 it can act on.
      if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html') && !req.headers.authorization) {
        res.redirect(303, '/console/');
        return;
      }
      res.status(error?.code === 'SERVICE_UNAVAILABLE' ? 503 : 401).set('www-authenticate', 'Bearer realm="queues"').json({ code: error?.code ?? 'UNAUTHENTICATED', message: error?.message ?? 'an ADMIN bearer token or console session is required' });
      return;
    }
    if (!actor.roles.includes(Role.ADMIN)) {
      res.status(403).json({ code: 'FORBIDDEN', message: 'the queue dashboard needs the role ADMIN' });
      return;
    }
    next();
  };
}
