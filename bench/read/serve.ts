import 'reflect-metadata';
import { loadConfig } from '../../src/config';
import { runChildServer, type ChildServer } from '../child';

/**
 * Child-process entry of the read benchmark: `node dist/bench/read/serve.js <variant>`, with
 * the bench database in the environment. Each variant loads only its own modules, so its
 * memory figure is its own.
 */
const variant = process.argv[2];
const config = loadConfig(process.env);

async function start(): Promise<ChildServer> {
  switch (variant) {
    case 'floor': {
      const { startFloorServer } = await import('./floor');
      return startFloorServer(config);
    }
    // The same gateway; the parent sends an APP token with X-Purpose to purpose-bound, and starts
    // naive with GRAPHQL_BATCH_LOADS=false (every relation loaded per parent row), interpreted with
    // GRAPHQL_EXECUTOR=interpreted (graphql-js executes).
    case 'naive':
    case 'interpreted':
    case 'purpose-bound':
    case 'gateway': {
      // The real gateway, as `serve` runs it; only unexpected errors are printed.
      const { Gateway } = await import('../../src/gateway');
      const { statementCount } = await import('../../src/database');
      const log = (line: Record<string, unknown>) => {
        if (line.level === 'error') process.stderr.write(`gateway: ${JSON.stringify(line)}\n`);
      };
      const gateway = await Gateway.open(config, {}, log);
      const http = await gateway.serve(0);
      return { port: http.port, statements: () => statementCount(gateway.dataSource), close: () => gateway.stop() };
    }
    default:
      throw new Error(`unknown variant "${variant}" (floor, gateway, purpose-bound, interpreted or naive)`);
  }
}

runChildServer(start);
