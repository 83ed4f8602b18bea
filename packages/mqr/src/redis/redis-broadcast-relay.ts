/**
 * Broadcasts across servers over Redis pub/sub: every `bcast:send` of this process is published on
 * one Redis channel, and what other processes publish there is delivered to this process's
 * subscribers. Structurally a lua-bridge `BroadcastRelay` (set it with `setBroadcastRelay`, deliver
 * with `deliverBroadcast`). Pub/sub is at most once: broadcasts sent while Redis is unreachable
 * are lost (and logged), never queued.
 *
 * A message on the Redis channel: the 16-byte random origin id of the publishing relay, the
 * broadcast channel id (uint32, big-endian), the opcode (1 byte: 1 text, 2 binary), the data.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  type RedisLog,
  RedisLink,
  redactRedisUrl,
  redisConnectionOptions,
} from './redis-queues.js';

export interface RedisBroadcastRelayOptions {
  /** `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefix of the Redis channel (default 'lapps:'): the channel is `<prefix>bcast`. */
  keyPrefix?: string;
  /** Hands a broadcast from another process to this process's subscribers. */
  deliver: (channel: number, opcode: 1 | 2, data: Uint8Array) => void;
  log?: RedisLog;
  /** How long one connection attempt may take (default 2000 ms). */
  connectTimeoutMs?: number;
}

const ORIGIN_BYTES = 16;
const HEADER_BYTES = ORIGIN_BYTES + 4 + 1;

export class RedisBroadcastRelay {
  private readonly origin = randomBytes(ORIGIN_BYTES);
  private readonly channelName: string;
  private readonly url: string;
  private readonly deliver: RedisBroadcastRelayOptions['deliver'];
  private readonly log: RedisLog | undefined;
  private readonly publisher: RedisLink;
  private readonly subscriber: RedisLink;
  private readonly subscribed: Promise<void>;
  /** A failed publish was logged; the next is logged again once the connection is back. */
  private failureLogged = false;
  private closed = false;
  private readonly closing: Promise<void>;
  private markClosed: () => void = () => undefined;

  constructor(options: RedisBroadcastRelayOptions) {
    this.url = options.url;
    this.channelName = `${options.keyPrefix ?? 'lapps:'}bcast`;
    this.deliver = options.deliver;
    this.log = options.log;
    this.closing = new Promise((resolve) => {
      this.markClosed = resolve;
    });
    const pub = new Redis(options.url, redisConnectionOptions(options.connectTimeoutMs));
    this.publisher = new RedisLink(pub, 'bcast relay', options.url, options.log);
    pub.on('ready', () => {
      this.failureLogged = false;
    });
    // The subscriber queues its SUBSCRIBE until connected (and sends it again should the
    // connection drop before the reply); ioredis subscribes again after every reconnection.
    const sub = pub.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      autoResendUnfulfilledCommands: true,
    });
    this.subscriber = new RedisLink(sub, 'bcast relay (subscriber)', options.url, options.log);
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.received(channel, message));
    this.subscribed = sub.subscribe(this.channelName).then(
      () => undefined,
      (error: unknown) => {
        if (!this.closed) {
          this.log?.('error', 'bcast relay: cannot subscribe', { error: String(error) });
        }
      },
    );
  }

  /** Resolves once connected and subscribed (at once when closed); never rejects. */
  async ready(): Promise<void> {
    await Promise.race([Promise.all([this.publisher.whenReady(), this.subscribed]), this.closing]);
  }

  /** Publishes to the other processes; fire-and-forget (failures are logged, never thrown). */
  publish(channel: number, opcode: 1 | 2, data: Uint8Array): void {
    if (this.closed) return;
    if (!Number.isInteger(channel) || channel < 0 || channel > 0xffffffff) {
      this.log?.('warn', `bcast relay: channel ${channel} is not a uint32; not relayed`);
      return;
    }
    const frame = Buffer.allocUnsafe(HEADER_BYTES + data.length);
    this.origin.copy(frame, 0);
    frame.writeUInt32BE(channel, ORIGIN_BYTES);
    frame[ORIGIN_BYTES + 4] = opcode;
    frame.set(data, HEADER_BYTES);
    this.publisher.redis.publish(this.channelName, frame).catch((error: unknown) => {
      if (this.closed || this.failureLogged) return;
      this.failureLogged = true;
      const reason = this.publisher.connected
        ? error instanceof Error
          ? error.message
          : String(error)
        : (this.publisher.reason ?? 'not connected');
      this.log?.(
        'warn',
        `bcast relay: broadcasts are not relayed while redis at ${redactRedisUrl(this.url)} is unavailable: ${reason}`,
      );
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.markClosed();
    await Promise.all([this.subscriber.close(), this.publisher.close()]);
  }

  private received(channel: Buffer, message: Buffer): void {
    if (this.closed || channel.toString() !== this.channelName) return;
    if (message.length < HEADER_BYTES) return;
    if (message.compare(this.origin, 0, ORIGIN_BYTES, 0, ORIGIN_BYTES) === 0) return;
    const id = message.readUInt32BE(ORIGIN_BYTES);
    const opcode = message[ORIGIN_BYTES + 4];
    if (opcode !== 1 && opcode !== 2) return;
    // Copied out: the message is a view into ioredis's read buffer.
    const data = new Uint8Array(message.subarray(HEADER_BYTES));
    try {
      this.deliver(id, opcode, data);
    } catch (error) {
      this.log?.('error', `bcast relay: delivering a broadcast on channel ${id} failed`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
