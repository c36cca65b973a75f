import IORedis, { type Redis } from 'ioredis';
import type { Config } from '../config';

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null`; BullMQ never
 * closes a connection it was handed, so whoever creates one closes it.
 */
export function createRedisConnection(config: Config, name: string): Redis {
  return new IORedis({
    host: config.redis.host,
    port: config.redis.port,
    password: config.redis.password,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: `drg:${name}`,
    // Keep reconnecting quietly; readiness checks and job calls report the outage.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
