import 'reflect-metadata';
import { loadConfig } from '../../src/config';
import { statementCount } from '../../src/database';
import { Gateway } from '../../src/gateway';
import { runChildServer } from '../child';

/**
 * Child-process entry of the notices benchmark: `node dist/bench/notices/worker.js`, with the
 * bench database in the environment. It does what `node dist/src/cli.js work --queues
 * california-notice` does (Gateway.open, then gateway.work on that queue), and also answers the
 * parent's stats requests over IPC, so the app's own statement count (TypeORM's
 * StatementCounter) of the compiling process can be read. It serves no HTTP (port 0).
 */
const config = loadConfig(process.env);

runChildServer(async () => {
  const log = (line: Record<string, unknown>) => {
    if (line.level === 'error' || line.msg === 'job failed' || line.msg === 'worker error') process.stderr.write(`worker: ${JSON.stringify(line)}\n`);
  };
  const gateway = await Gateway.open(config, {}, log);
  await gateway.work(['california-notice']);
  return { port: 0, statements: () => statementCount(gateway.dataSource), close: () => gateway.stop() };
});
