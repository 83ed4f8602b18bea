/**
 * The mqr backend of this process's services. Network and standalone services of one server must
 * share it, so it is kept per configuration: one in-process store by default; a worker process sets
 * its IPC client to the primary, and `backend: "redis"` sets a Redis one (see `startServer`).
 */
import { deliverBroadcast, setBroadcastRelay } from '@lapps/lua-bridge';
import {
  LocalQueues,
  type QueueBackend,
  type QueueLimits,
  RedisBroadcastRelay,
  RedisQueues,
  redactRedisUrl,
} from '@lapps/mqr';
import type { EffectiveConfig } from '../config/index.js';
import type { Logger } from './logger.js';

const backends = new WeakMap<EffectiveConfig, QueueBackend>();

export function queueLimits(config: EffectiveConfig): QueueLimits {
  return { capacity: config.ws.mqr.capacity, maxMessageBytes: config.ws.mqr.max_message_size };
}

/** The backend of `config`'s services; queues in this process unless one was set. */
export function queueBackendFor(config: EffectiveConfig): QueueBackend {
  let backend = backends.get(config);
  if (backend === undefined) {
    backend = new LocalQueues(queueLimits(config));
    backends.set(config, backend);
  }
  return backend;
}

/** Makes `backend` the one of `config`'s services (before their factories are created). */
export function setQueueBackendFor(config: EffectiveConfig, backend: QueueBackend): void {
  backends.set(config, backend);
}

/**
 * Sets up the mqr backend of a process that runs services (one-process server, or a worker with
 * `backend: "redis"`) and logs which it is. With Redis, queues live there and `bcast` reaches the
 * subscribers of every server through Redis pub/sub (instead of the peer relay between workers).
 * Returns what stops it.
 */
export function startQueueBackend(config: EffectiveConfig, log: Logger): () => Promise<void> {
  const { mqr } = config.ws;
  if (mqr.backend === 'redis') {
    const where = redactRedisUrl(mqr.redis.url);
    const redisLog = (
      level: 'debug' | 'info' | 'warn' | 'error',
      message: string,
      fields?: object,
    ) => log[level]({ mqr: 'redis', ...fields }, message);
    const options = { url: mqr.redis.url, keyPrefix: mqr.redis.key_prefix, log: redisLog };
    const queues = new RedisQueues({ ...options, limits: queueLimits(config) });
    const relay = new RedisBroadcastRelay({ ...options, deliver: deliverBroadcast });
    setQueueBackendFor(config, queues);
    setBroadcastRelay(relay);
    log.info({ url: where }, `mqr backend: redis at ${where} (queues and bcast shared through it)`);
    return async () => {
      setBroadcastRelay(undefined);
      await Promise.all([queues.close(), relay.close()]);
    };
  }
  const queues = queueBackendFor(config);
  log.info('mqr backend: in-server (queues in this process)');
  return () => queues.close();
}
