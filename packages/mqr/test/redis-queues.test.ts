import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { MqrError } from '../src/errors.js';
import { RedisBroadcastRelay } from '../src/redis/redis-broadcast-relay.js';
import { type RedisLog, RedisQueues, type RedisQueuesOptions } from '../src/redis/redis-queues.js';
import { type RedisServer, redisAvailable, redisCase, startRedisServer } from './redis-server.js';

// The Redis backend against a real redis-server (scripts/setup.sh installs Debian's). Each test
// uses its own key prefix; two RedisQueues instances on one Redis stand for two servers.

let server: RedisServer | undefined;
const closers: (() => Promise<unknown>)[] = [];
const processFaults: unknown[] = [];
const onFault = (error: unknown) => {
  processFaults.push(error);
};

interface LogLine {
  level: string;
  message: string;
}

function logInto(lines: LogLine[]): RedisLog {
  return (level, message) => {
    lines.push({ level, message });
  };
}

function redisUrl(): string {
  if (server === undefined) throw new Error('redis-server did not start');
  return server.url;
}

function queues(options: Partial<RedisQueuesOptions> = {}): RedisQueues {
  const q = new RedisQueues({ url: redisUrl(), ...options });
  closers.push(() => q.close());
  return q;
}

function prefix(): string {
  return `test-${randomBytes(6).toString('hex')}:`;
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

function u32(n: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return new Uint8Array(b);
}

function readU32(message: Uint8Array): number {
  return Buffer.from(message.buffer, message.byteOffset, message.byteLength).readUInt32BE(0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MqrError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('RedisQueues and RedisBroadcastRelay against redis-server', () => {
  beforeAll(async () => {
    process.on('unhandledRejection', onFault);
    process.on('uncaughtException', onFault);
    if (redisAvailable) server = await startRedisServer();
  }, 15_000);

  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch(() => undefined);
    }
    await server?.stop();
    process.off('unhandledRejection', onFault);
    process.off('uncaughtException', onFault);
    expect(processFaults).toEqual([]);
  }, 15_000);

  redisCase('is FIFO and binary-safe', async () => {
    const q = queues({ keyPrefix: prefix() });
    await q.ready();
    expect(q.connected).toBe(true);
    expect(q.kind).toBe('redis');
    const messages = [bytes(0), bytes(0, 255, 13, 10), bytes(), bytes(1, 2, 3), u32(0xdeadbeef)];
    for (const m of messages) await q.post('fifo', m);
    for (const m of messages) expect(new Uint8Array(await q.receive('fifo'))).toEqual(m);
    expect(await q.tryReceive('fifo')).toBeUndefined();
  });

  redisCase('delivers a message posted on one server to a receiver on the other', async () => {
    const keyPrefix = prefix();
    const a = queues({ keyPrefix });
    const b = queues({ keyPrefix });
    await Promise.all([a.ready(), b.ready()]);
    const waiting = b.receive('cross');
    await sleep(50);
    await a.post('cross', bytes(42));
    expect(new Uint8Array(await waiting)).toEqual(bytes(42));
    await b.post('cross', bytes(43));
    expect(new Uint8Array(await a.receive('cross'))).toEqual(bytes(43));
  });

  redisCase('gives each message to exactly one of competing receivers on two servers', async () => {
    const keyPrefix = prefix();
    const servers = [queues({ keyPrefix }), queues({ keyPrefix })];
    await Promise.all(servers.map((s) => s.ready()));
    const total = 200;
    const stop = new AbortController();
    const received: number[][] = [[], [], [], []];
    let count = 0;
    const receivers = received.map(async (mine, i) => {
      const s = servers[i % 2] as RedisQueues;
      for (;;) {
        let message: Uint8Array;
        try {
          message = await s.receive('compete', stop.signal);
        } catch (error) {
          if (error instanceof MqrError && error.code === 'LAPPS_ERR_MQR_CANCELLED') return;
          throw error;
        }
        mine.push(readU32(message));
        count++;
      }
    });
    await sleep(50);
    for (let n = 0; n < total; n++) await (servers[n % 2] as RedisQueues).post('compete', u32(n));
    await until(() => count >= total, 10_000, `${total} messages`);
    await sleep(100);
    stop.abort();
    await Promise.all(receivers);
    const all = received.flat().sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: total }, (_, n) => n));
    for (const mine of received) {
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    // Every receiver took part.
    expect(received.filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
    for (const s of servers) expect(await s.tryReceive('compete')).toBeUndefined();
  });

  redisCase('enforces the capacity (across servers) and the message size', async () => {
    const keyPrefix = prefix();
    const limits = { capacity: 3, maxMessageBytes: 10 };
    const a = queues({ keyPrefix, limits });
    const b = queues({ keyPrefix, limits });
    await Promise.all([a.ready(), b.ready()]);
    await a.post('full', bytes(1));
    await b.post('full', bytes(2));
    await a.post('full', bytes(3));
    await expect(b.post('full', bytes(4))).rejects.toMatchObject({
      code: 'LAPPS_ERR_MQR_QUEUE_FULL',
      message: 'queue full: full holds its capacity of 3 messages',
    });
    await expect(a.post('full', bytes(4))).rejects.toMatchObject({
      code: 'LAPPS_ERR_MQR_QUEUE_FULL',
    });
    expect(new Uint8Array((await b.tryReceive('full')) as Uint8Array)).toEqual(bytes(1));
    await a.post('full', bytes(4));
    await expect(a.post('big', new Uint8Array(11))).rejects.toMatchObject({
      code: 'LAPPS_ERR_MQR_TOO_BIG',
    });
    await a.post('big', new Uint8Array(10));
    await expect(a.post('', bytes(1))).rejects.toMatchObject({
      code: 'LAPPS_ERR_MQR_INVALID_ARGUMENT',
    });
  });

  redisCase('tryReceive takes the head or gives undefined', async () => {
    const q = queues({ keyPrefix: prefix() });
    await q.ready();
    expect(await q.tryReceive('try')).toBeUndefined();
    await q.post('try', bytes(7, 0, 7));
    await q.post('try', bytes(8));
    expect(new Uint8Array((await q.tryReceive('try')) as Uint8Array)).toEqual(bytes(7, 0, 7));
    expect(new Uint8Array((await q.tryReceive('try')) as Uint8Array)).toEqual(bytes(8));
    expect(await q.tryReceive('try')).toBeUndefined();
  });

  redisCase('an aborted receive takes nothing: the next receiver gets the message', async () => {
    const keyPrefix = prefix();
    const a = queues({ keyPrefix });
    const b = queues({ keyPrefix });
    await Promise.all([a.ready(), b.ready()]);

    // Aborted before it starts.
    const early = new AbortController();
    early.abort();
    expect(await codeOf(a.receive('cancel', early.signal))).toBe('LAPPS_ERR_MQR_CANCELLED');

    // Aborted while waiting, then a post: the next receiver gets it.
    const first = new AbortController();
    const aborted = a.receive('cancel', first.signal);
    await sleep(100);
    first.abort();
    expect(await codeOf(aborted)).toBe('LAPPS_ERR_MQR_CANCELLED');
    await a.post('cancel', bytes(1));
    expect(new Uint8Array(await a.receive('cancel'))).toEqual(bytes(1));

    // Aborted in the same tick as the post: the blocking pop may already hold the message, which
    // then goes back to the head of the queue, here for a receiver on the other server.
    const second = new AbortController();
    const racing = a.receive('cancel', second.signal);
    await sleep(100);
    const posting = a.post('cancel', bytes(2));
    second.abort();
    expect(await codeOf(racing)).toBe('LAPPS_ERR_MQR_CANCELLED');
    await posting;
    await a.post('cancel', bytes(3));
    expect(new Uint8Array(await b.receive('cancel'))).toEqual(bytes(2));
    expect(new Uint8Array(await b.receive('cancel'))).toEqual(bytes(3));
    await sleep(1200); // a's blocking pop has ended: it took nothing more
    expect(await a.tryReceive('cancel')).toBeUndefined();
  });

  redisCase('close rejects waiting receivers with CLOSED, and later calls too', async () => {
    const q = new RedisQueues({ url: redisUrl(), keyPrefix: prefix() });
    await q.ready();
    const waiting = codeOf(q.receive('closing'));
    await sleep(50);
    const started = Date.now();
    await q.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await waiting).toBe('LAPPS_ERR_MQR_CLOSED');
    expect(await codeOf(q.post('closing', bytes(1)))).toBe('LAPPS_ERR_MQR_CLOSED');
    expect(await codeOf(q.receive('closing'))).toBe('LAPPS_ERR_MQR_CLOSED');
  });

  redisCase('relays a broadcast to the other servers only, once', async () => {
    const keyPrefix = prefix();
    const got: { id: number; data: Uint8Array; opcode: number }[][] = [[], []];
    const relays = got.map((mine) => {
      const relay = new RedisBroadcastRelay({
        url: redisUrl(),
        keyPrefix,
        deliver: (id, opcode, data) => mine.push({ id, opcode, data }),
      });
      closers.push(() => relay.close());
      return relay;
    });
    await Promise.all(relays.map((r) => r.ready()));
    const [one, two] = relays as [RedisBroadcastRelay, RedisBroadcastRelay];
    const data = bytes(0, 1, 255, 10);
    one.publish(7, 2, data);
    two.publish(0xffffffff, 1, Buffer.from('hi'));
    await until(() => got[0]?.length === 1 && got[1]?.length === 1, 5000, 'the broadcasts');
    await sleep(200);
    expect(got[1]).toEqual([{ id: 7, opcode: 2, data }]);
    expect(got[0]).toEqual([{ id: 0xffffffff, opcode: 1, data: bytes(104, 105) }]);
    // Another prefix is another set of servers.
    const other: number[] = [];
    const stranger = new RedisBroadcastRelay({
      url: redisUrl(),
      keyPrefix: prefix(),
      deliver: (id) => other.push(id),
    });
    closers.push(() => stranger.close());
    await stranger.ready();
    one.publish(8, 1, bytes(1));
    await until(() => got[1]?.length === 2, 5000, 'the broadcast');
    expect(other).toEqual([]);
  });

  redisCase(
    'survives redis being killed and restarted: posts fail cleanly, then resume',
    async () => {
      const keyPrefix = prefix();
      const logA: LogLine[] = [];
      const a = queues({ keyPrefix, log: logInto(logA) });
      const b = queues({ keyPrefix });
      const relayed: number[] = [];
      const sender = new RedisBroadcastRelay({ url: redisUrl(), keyPrefix, deliver: () => {} });
      const listener = new RedisBroadcastRelay({
        url: redisUrl(),
        keyPrefix,
        deliver: (id) => relayed.push(id),
      });
      closers.push(
        () => sender.close(),
        () => listener.close(),
      );
      await Promise.all([a.ready(), b.ready(), sender.ready(), listener.ready()]);
      await a.post('outage', bytes(1));
      expect(new Uint8Array(await b.receive('outage'))).toEqual(bytes(1));

      // A receiver waits across the outage.
      const across = b.receive('outage');
      await sleep(100);
      await server?.kill();

      // At once (the connection may not have noticed yet) and a little later.
      for (const wait of [0, 300]) {
        await sleep(wait);
        const started = Date.now();
        const error = await a.post('outage', bytes(2)).catch((e: unknown) => e);
        expect(Date.now() - started).toBeLessThan(500);
        expect(error).toBeInstanceOf(MqrError);
        expect((error as MqrError).code).toBe('LAPPS_ERR_MQR_UNAVAILABLE');
        expect((error as MqrError).message).toMatch(
          new RegExp(`^mqr: redis at ${redisUrl()} unavailable: .+`),
        );
      }
      expect(a.connected).toBe(false);
      expect(await codeOf(a.tryReceive('outage'))).toBe('LAPPS_ERR_MQR_UNAVAILABLE');
      sender.publish(1, 1, bytes(1)); // lost, logged, never thrown
      await sleep(700); // several reconnection attempts
      expect(logA.filter((l) => l.level === 'warn')).toHaveLength(1);

      await server?.restart();
      await a.ready();
      expect(a.connected).toBe(true);
      await a.post('outage', bytes(3));
      expect(new Uint8Array(await across)).toEqual(bytes(3));
      await a.post('outage', bytes(4));
      expect(new Uint8Array(await b.receive('outage'))).toEqual(bytes(4));
      expect(logA.map((l) => l.message)).toContain('mqr: reconnected to redis');

      // The relay subscribes again by itself.
      const deadline = Date.now() + 10_000;
      while (!relayed.includes(2) && Date.now() < deadline) {
        sender.publish(2, 1, bytes(2));
        await sleep(100);
      }
      expect(relayed).toContain(2);
      expect(relayed).not.toContain(1);
      expect(processFaults).toEqual([]);
    },
    20_000,
  );
});
