import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from '../config';
import { metricsRoutes } from '../http/metrics.routes';
import type { LogFn } from './logger';
import type { GatewayMetrics } from './metrics';

/** A `work` process's small listener: /healthz and /metrics (same protection as on `serve`). */
export async function startOpsServer(deps: { config: Config; metrics: GatewayMetrics; log: LogFn }, port: number): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(metricsRoutes(deps));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, deps.config.http.host, resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${actual}/metrics`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
