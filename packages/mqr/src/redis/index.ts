export { RedisBroadcastRelay } from './redis-broadcast-relay.js';
export type { RedisBroadcastRelayOptions } from './redis-broadcast-relay.js';
export { RedisQueues, redactRedisUrl } from './redis-queues.js';
export type { RedisLog, RedisQueuesOptions } from './redis-queues.js';
