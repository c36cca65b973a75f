import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from '../config';
import type { Logger } from '../ops/logger';
import type { GatewayMetrics } from '../ops/metrics';
import { jsonErrors, noSniff, notFound } from './http-support';
import { metricsRoutes } from './metrics.routes';

/** A `work` process's small listener: /healthz and /metrics (same protection as on `serve`). */
export async function startOpsServer(deps: { config: Config; metrics: GatewayMetrics; log: Logger }, port: number): Promise<{ url: string; port: number; host: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(noSniff);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(metricsRoutes(deps));
  app.use(notFound, jsonErrors(deps.log));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, deps.config.http.host, resolve);
  });
  const bound = server.address() as AddressInfo;
  const actual = bound.port;
  return {
    url: `http://localhost:${actual}/metrics`,
    port: actual,
    host: bound.address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
