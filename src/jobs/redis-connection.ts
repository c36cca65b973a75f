import IORedis, { Cluster, type Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config';

/** One Redis server or a Redis Cluster: BullMQ, the rate limiter and the console sessions take either. */
export type RedisClient = Redis | Cluster;

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null`; BullMQ never
 * closes a connection it was handed, so whoever creates one closes it. With REDIS_CLUSTER_NODES
 * it is a Cluster client: it learns the slot map from any seed node, follows MOVED/ASK, and
 * retries while a failed primary's replica takes over (CLUSTERDOWN, TRYAGAIN).
 */
export function createRedisConnection(config: Config, name: string): RedisClient {
  const options: RedisOptions = {
    password: config.redis.password,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: `drg:${name}`,
    // Keep reconnecting quietly; readiness checks and job calls report the outage.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  if (config.redis.clusterNodes.length === 0) return new IORedis({ ...options, host: config.redis.host, port: config.redis.port });
  return new Cluster(config.redis.clusterNodes, {
    redisOptions: options,
    clusterRetryStrategy: (times) => Math.min(times * 200, 2000),
    // While a replica is promoted the slot has no primary: retry instead of failing the command.
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    retryDelayOnFailover: 200,
    // Ask for the slot map again soon after a node goes away, not only on the next MOVED.
    slotsRefreshInterval: 2000,
    enableReadyCheck: true,
  });
}
