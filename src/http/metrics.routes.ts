import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import type { Config } from '../config';
import type { GatewayMetrics } from '../ops/metrics';
import { errorFields, type Logger } from '../ops/logger';

/**
 * GET /metrics in Prometheus text format. Answered only to allowed remote addresses
 * (METRICS_ALLOW, loopback by default; the socket's address, never X-Forwarded-For) and, when
 * METRICS_TOKEN is set, only with `Authorization: Bearer <METRICS_TOKEN>`.
 */
export function metricsRoutes(deps: { config: Config; metrics: GatewayMetrics; log: Logger }): Router {
  const router = Router();
  router.get('/metrics', metricsAccess(deps.config.metrics), async (_req, res) => {
    try {
      const { contentType, body } = await deps.metrics.scrape();
      res.set('content-type', contentType).set('cache-control', 'no-store').send(body);
    } catch (err) {
      deps.log.error(errorFields(err), 'metrics scrape failed');
      res.status(500).type('text/plain').send('metrics unavailable\n');
    }
  });
  return router;
}

export function metricsAccess(options: Config['metrics']): RequestHandler {
  const wanted = options.token ? digest(options.token) : null;
  return (req, res, next) => {
    if (!addressAllowed(options.allow, remoteAddress(req))) {
      res.status(403).type('text/plain').send('metrics are not served to this address\n');
      return;
    }
    if (wanted) {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!m || !timingSafeEqual(digest(m[1]!), wanted)) {
        res.status(401).set('www-authenticate', 'Bearer realm="metrics"').type('text/plain').send('a valid metrics token is required\n');
        return;
      }
    }
    next();
  };
}

// Hashing first makes both sides the same length for timingSafeEqual.
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function remoteAddress(req: Request): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** Does an address match one of: '*', 'loopback', an exact IP, or an IPv4 CIDR? */
export function addressAllowed(allow: string[], address: string): boolean {
  return allow.some((entry) => {
    if (entry === '*') return true;
    if (entry === 'loopback') return address === '::1' || address.startsWith('127.');
    const [ip, bits] = entry.split('/');
    if (bits === undefined) return (ip!.startsWith('::ffff:') ? ip!.slice(7) : ip) === address;
    const a = ipv4(address);
    const b = ipv4(ip!);
    if (a === null || b === null) return false;
    const n = Number(bits);
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
    return (a & mask) >>> 0 === (b & mask) >>> 0;
  });
}

function ipv4(s: string): number | null {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}
