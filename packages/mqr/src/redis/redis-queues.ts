/**
 * Queues in Redis, shared by every server that uses the same Redis: each queue is a Redis list
 * (`RPUSH` to the tail, pop from the head). Posts run one Lua script (check the length, push), so
 * the capacity holds across servers. Receivers wait on one dedicated blocking connection per queue
 * and process (`BLPOP` with a short timeout, looped while there are local waiters); each popped
 * message goes to the first local waiter. While Redis is unreachable, posts fail at once with
 * UNAVAILABLE, receivers keep waiting, and the connections are retried with backoff forever.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { QueueBackend } from '../backend.js';
import { MqrError } from '../errors.js';
import { DEFAULT_CAPACITY, DEFAULT_MAX_MESSAGE_BYTES, type QueueLimits } from '../limits.js';
import { checkQueueName } from '../queue-name.js';
import {
  cancelled,
  checkMessageSize,
  closed,
  closedWhileWaiting,
  queueFull,
} from '../queue-failures.js';

/** Where the Redis backends log (the server's logger). */
export type RedisLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

export interface RedisQueuesOptions {
  /** `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefix of every key (default 'lapps:'): queue `q` is the list `<prefix>mqr:q:q`. */
  keyPrefix?: string;
  limits?: QueueLimits;
  log?: RedisLog;
  /** How long one connection attempt may take (default 2000 ms). */
  connectTimeoutMs?: number;
}

/** Seconds one `BLPOP` waits before the receive loop looks at its waiters again. */
const BLOCK_SECONDS = 1;
/** A queue's blocking connection is closed after this long without local waiters. */
const IDLE_CLOSE_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;

/** Backoff between reconnection attempts: 100 ms, 200 ms, 400 ms, ... at most 5 s; forever. */
export function redisRetryDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(Math.max(attempt - 1, 0), 16), 5000);
}

/** `url` with its password (if any) replaced, for logs and error messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * Options of every connection of the Redis backends: commands fail at once while disconnected
 * (no offline queue, commands in flight when the connection drops are rejected, not resent), and
 * the connection is retried with backoff forever.
 */
export function redisConnectionOptions(connectTimeoutMs?: number): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    retryStrategy: redisRetryDelay,
  };
}

/**
 * Watches one connection: logs when it comes up or goes down (once per change, not once per
 * retry), remembers why it is down, and lets code wait until it is up again.
 */
export class RedisLink {
  private up = false;
  private everUp = false;
  private downLogged = false;
  private closed = false;
  private lastError: string | undefined;
  private readyWaiters: (() => void)[] = [];

  constructor(
    readonly redis: Redis,
    private readonly what: string,
    private readonly url: string,
    private readonly log: RedisLog | undefined,
    private readonly quiet = false,
  ) {
    redis.on('ready', () => {
      this.lastError = undefined;
      if (!this.up) {
        this.up = true;
        this.downLogged = false;
        this.emit('info', `${this.what}: ${this.everUp ? 'reconnected to' : 'connected to'} redis`);
        this.everUp = true;
      }
      for (const wake of this.readyWaiters.splice(0)) wake();
    });
    redis.on('error', (error: Error) => {
      this.lastError = error.message;
      this.down();
    });
    redis.on('close', () => {
      this.lastError ??= 'connection closed';
      this.down();
    });
  }

  /** Ready for commands. */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** Why the connection is down, for error messages. */
  get reason(): string | undefined {
    return this.lastError;
  }

  /** Resolves when the connection is (or next becomes) ready, or the link closes; never rejects. */
  whenReady(): Promise<void> {
    if (this.closed || this.connected) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Wakes everything waiting in `whenReady`; then closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.readyWaiters.splice(0)) wake();
    await closeRedis(this.redis);
  }

  private down(): void {
    if (this.closed) return;
    const wasUp = this.up;
    this.up = false;
    if (this.downLogged) return;
    this.downLogged = true;
    const reason = this.lastError ?? 'unknown error';
    this.emit(
      'warn',
      wasUp
        ? `${this.what}: lost the connection to redis (${reason}); retrying`
        : `${this.what}: cannot connect to redis (${reason}); retrying`,
    );
  }

  private emit(level: 'info' | 'warn', message: string): void {
    this.log?.(this.quiet ? 'debug' : level, message, { url: redactRedisUrl(this.url) });
  }
}

/** Quits politely when connected, else drops the connection (and stops reconnecting). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through
    }
  }
  redis.disconnect();
}

interface Waiter {
  resolve(message: Uint8Array): void;
  reject(error: MqrError): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Appends a message unless the list holds its capacity: the new length, or -1 when full. */
const POST_SCRIPT = `
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
return redis.call('RPUSH', KEYS[1], ARGV[1])
`;

interface WithPostCommand {
  mqrPost(key: string, message: Buffer, capacity: number): Promise<number>;
}

export class RedisQueues implements QueueBackend {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private readonly link: RedisLink;
  private readonly url: string;
  private readonly keyPrefix: string;
  private readonly capacity: number;
  private readonly maxMessageBytes: number;
  private readonly log: RedisLog | undefined;
  private readonly receivers = new Map<string, QueueReceiver>();
  private closed = false;

  constructor(options: RedisQueuesOptions) {
    this.url = options.url;
    this.keyPrefix = options.keyPrefix ?? 'lapps:';
    this.capacity = options.limits?.capacity ?? DEFAULT_CAPACITY;
    this.maxMessageBytes = options.limits?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.log = options.log;
    this.redis = new Redis(options.url, redisConnectionOptions(options.connectTimeoutMs));
    this.redis.defineCommand('mqrPost', { numberOfKeys: 1, lua: POST_SCRIPT });
    this.link = new RedisLink(this.redis, 'mqr', options.url, options.log);
  }

  /** Resolves once connected to Redis (at once when closed); never rejects. */
  ready(): Promise<void> {
    return this.link.whenReady();
  }

  get connected(): boolean {
    return this.link.connected;
  }

  async post(queue: string, message: Uint8Array): Promise<void> {
    this.checkOpen();
    checkQueueName(queue);
    checkMessageSize(message, this.maxMessageBytes);
    let length: number;
    try {
      length = await (this.redis as unknown as WithPostCommand).mqrPost(
        this.keyOf(queue),
        asBuffer(message),
        this.capacity,
      );
    } catch (error) {
      throw this.failure(error);
    }
    if (length < 0) {
      throw queueFull(queue, this.capacity);
    }
  }

  receive(queue: string, signal?: AbortSignal): Promise<Uint8Array> {
    try {
      this.checkOpen();
      checkQueueName(queue);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(cancelled(queue));
    let receiver = this.receivers.get(queue);
    if (receiver === undefined) {
      receiver = new QueueReceiver(this, queue);
      this.receivers.set(queue, receiver);
    }
    const r = receiver;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const at = r.waiters.indexOf(waiter);
          if (at >= 0) r.waiters.splice(at, 1);
          if (r.waiters.length === 0) r.unblock();
          reject(cancelled(queue));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      r.waiters.push(waiter);
      r.start();
    });
  }

  async tryReceive(queue: string): Promise<Uint8Array | undefined> {
    this.checkOpen();
    checkQueueName(queue);
    let message: Buffer | null;
    try {
      message = await this.redis.lpopBuffer(this.keyOf(queue));
    } catch (error) {
      throw this.failure(error);
    }
    return message === null ? undefined : ownBytes(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const receivers = [...this.receivers.values()];
    this.receivers.clear();
    for (const r of receivers) {
      for (const waiter of r.waiters.splice(0)) {
        release(waiter);
        waiter.reject(closedWhileWaiting(r.queue));
      }
      r.unblock();
    }
    await Promise.all(receivers.map((r) => r.close()));
    await this.link.close();
  }

  // For QueueReceiver.

  /** @internal An idle receiver goes (the next receive makes a new one). */
  forget(receiver: QueueReceiver): void {
    if (this.receivers.get(receiver.queue) === receiver) this.receivers.delete(receiver.queue);
  }

  /** @internal */
  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  keyOf(queue: string): string {
    return `${this.keyPrefix}mqr:q:${queue}`;
  }

  /** @internal A new connection for blocking commands (same options). */
  blockingConnection(): Redis {
    return this.redis.duplicate();
  }

  /** @internal */
  get mainConnection(): Redis {
    return this.redis;
  }

  /** @internal */
  get logger(): RedisLog | undefined {
    return this.log;
  }

  /** @internal */
  get redisUrl(): string {
    return this.url;
  }

  private failure(error: unknown): MqrError {
    if (error instanceof MqrError) return error;
    if (this.closed) return new MqrError('LAPPS_ERR_MQR_CLOSED', 'mqr is closed', { cause: error });
    const own = error instanceof Error ? error.message : String(error);
    // A connection-level failure says little ("Stream isn't writeable ..."): name the last
    // connection error instead. A reply error (Redis answered) is its own reason.
    const reason = !this.link.connected && this.link.reason !== undefined ? this.link.reason : own;
    return new MqrError(
      'LAPPS_ERR_MQR_UNAVAILABLE',
      `mqr: redis at ${redactRedisUrl(this.url)} unavailable: ${reason}`,
      { cause: error },
    );
  }

  private checkOpen(): void {
    if (this.closed) throw closed();
  }
}

/** The local waiters of one queue and the blocking connection that serves them. */
class QueueReceiver {
  readonly waiters: Waiter[] = [];
  private readonly key: string;
  private link: RedisLink | undefined;
  /** The blocking connection's CLIENT ID (to unblock its BLPOP), while it is connected. */
  private clientId: number | undefined;
  private running: Promise<void> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly owner: RedisQueues,
    readonly queue: string,
  ) {
    this.key = owner.keyOf(queue);
  }

  /** Runs the receive loop unless it runs. */
  start(): void {
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (this.running !== undefined) return;
    this.running = this.loop()
      .catch((error: unknown) => {
        this.owner.logger?.('error', `mqr: receive loop of ${this.queue} failed`, {
          error: String(error),
        });
      })
      .finally(() => {
        this.running = undefined;
        if (this.owner.isClosed) return;
        if (this.waiters.length > 0) this.start();
        else this.idle();
      });
  }

  /** Ends a BLPOP in progress at once (as if it timed out); the loop then looks at its waiters. */
  unblock(): void {
    const main = this.owner.mainConnection;
    if (this.clientId === undefined || main.status !== 'ready') return;
    main.client('UNBLOCK', this.clientId).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const link = this.link;
    // Wake a loop waiting for a reconnection; a BLPOP in flight ends by `unblock` or its timeout.
    if (link !== undefined && !link.connected) await link.close();
    if (this.running !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.running,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, (BLOCK_SECONDS + 1) * 1000);
        }),
      ]);
      clearTimeout(timer);
    }
    await link?.close();
  }

  private connection(): RedisLink {
    if (this.link === undefined) {
      const redis = this.owner.blockingConnection();
      redis.on('close', () => {
        this.clientId = undefined;
      });
      this.link = new RedisLink(
        redis,
        `mqr (receiving on ${this.queue})`,
        this.owner.redisUrl,
        this.owner.logger,
        true,
      );
    }
    return this.link;
  }

  private async loop(): Promise<void> {
    while (this.waiters.length > 0 && !this.owner.isClosed) {
      const link = this.connection();
      if (!link.connected) {
        await link.whenReady();
        continue;
      }
      let popped: [Buffer, Buffer] | null;
      try {
        if (this.clientId === undefined) this.clientId = await link.redis.client('ID');
        popped = await link.redis.blpopBuffer(this.key, BLOCK_SECONDS);
      } catch (error) {
        if (!link.connected || this.owner.isClosed) continue;
        // Redis answered with an error (say, the key holds no list): do not spin.
        this.owner.logger?.('error', `mqr: receiving on ${this.queue} failed; retrying`, {
          error: error instanceof Error ? error.message : String(error),
        });
        await sleep(1000);
        continue;
      }
      if (popped === null) continue;
      const message = ownBytes(popped[1]);
      const waiter = this.waiters.shift();
      if (waiter !== undefined) {
        release(waiter);
        waiter.resolve(message);
        continue;
      }
      // Its receiver went away meanwhile: back to the head, for the next receiver anywhere.
      try {
        await link.redis.lpush(this.key, asBuffer(message));
      } catch (error) {
        this.owner.logger?.('error', `mqr: a message of ${this.queue} was lost`, {
          error: error instanceof Error ? error.message : String(error),
          bytes: message.length,
        });
      }
    }
  }

  /** No waiters: the connection goes after a while unless a receiver comes. */
  private idle(): void {
    if (this.link === undefined || this.idleTimer !== undefined) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.waiters.length > 0 || this.running !== undefined) return;
      const link = this.link;
      this.link = undefined;
      this.clientId = undefined;
      this.owner.forget(this);
      void link?.close();
    }, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }
}

function release(waiter: Waiter): void {
  if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
}

/** A Buffer over the same bytes (no copy). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The reply's bytes as a Uint8Array of their own: a reply is often a view into a larger read
 * buffer, which would otherwise stay alive as long as the message.
 */
function ownBytes(reply: Buffer): Uint8Array {
  return reply.byteOffset === 0 && reply.byteLength === reply.buffer.byteLength
    ? reply
    : new Uint8Array(reply);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
