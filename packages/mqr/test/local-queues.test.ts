import { describe, expect, it } from 'vitest';
import { LocalQueues, MessageQueues, MqrError } from '../src/index.js';

const bytes = (n: number) => Uint8Array.of(n & 0xff, n >> 8);
const num = (b: Uint8Array) => (b[0] as number) | ((b[1] as number) << 8);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as MqrError).code;
  }
  return undefined;
}

describe('LocalQueues', () => {
  it('is FIFO and hands the posted buffer over as it is', async () => {
    const q = new LocalQueues();
    const first = bytes(1);
    q.post('a', first);
    q.post('a', bytes(2));
    expect(await q.receive('a')).toBe(first);
    expect(num(q.tryReceive('a') as Uint8Array)).toBe(2);
    expect(q.tryReceive('a')).toBeUndefined();
  });

  it('gives each message to exactly one of the competing receivers, waiters in order', async () => {
    const q = new LocalQueues();
    const got: Array<[number, number]> = [];
    const receivers = [0, 1, 2].map(async (r) => {
      for (;;) {
        const m = num(await q.receive('jobs'));
        if (m === 0xffff) return;
        got.push([r, m]);
      }
    });
    for (let i = 1; i <= 300; i++) {
      q.post('jobs', bytes(i));
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    for (let r = 0; r < 3; r++) q.post('jobs', bytes(0xffff));
    await Promise.all(receivers);
    expect(got.map(([, m]) => m).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
    for (const r of [0, 1, 2]) {
      const mine = got.filter(([who]) => who === r).map(([, m]) => m);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
      expect(mine.length).toBeGreaterThan(0);
    }
  });

  it('keeps queues apart by name', () => {
    const q = new LocalQueues();
    q.post('a', bytes(1));
    expect(q.tryReceive('b')).toBeUndefined();
    expect(q.size('a')).toBe(1);
  });

  it('refuses a post over the capacity and a message over the size limit', () => {
    const q = new LocalQueues({ capacity: 2, maxMessageBytes: 4 });
    q.post('a', bytes(1));
    q.post('a', bytes(2));
    expect(codeOf(() => q.post('a', bytes(3)))).toBe('LAPPS_ERR_MQR_QUEUE_FULL');
    expect(() => q.post('a', bytes(3))).toThrow('queue full: a holds its capacity of 2 messages');
    expect(codeOf(() => q.post('b', new Uint8Array(5)))).toBe('LAPPS_ERR_MQR_TOO_BIG');
    q.tryReceive('a');
    q.post('a', bytes(3));
    expect(q.size('a')).toBe(2);
  });

  it('lets a cancelled receive take nothing: the next receiver gets the message', async () => {
    const q = new LocalQueues();
    const stop = new AbortController();
    const cancelled = q.receive('a', stop.signal);
    const next = q.receive('a');
    stop.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'LAPPS_ERR_MQR_CANCELLED' });
    q.post('a', bytes(9));
    expect(num(await next)).toBe(9);
    await expect(q.receive('a', stop.signal)).rejects.toMatchObject({
      code: 'LAPPS_ERR_MQR_CANCELLED',
    });
  });

  it('rejects waiting receives when closed, and every call after', async () => {
    const q = new LocalQueues();
    const waiting = q.receive('a');
    await q.close();
    await expect(waiting).rejects.toMatchObject({ code: 'LAPPS_ERR_MQR_CLOSED' });
    expect(codeOf(() => q.post('a', bytes(1)))).toBe('LAPPS_ERR_MQR_CLOSED');
  });

  it('refuses bad queue names', async () => {
    const q = new LocalQueues();
    expect(codeOf(() => q.post('', bytes(1)))).toBe('LAPPS_ERR_MQR_INVALID_ARGUMENT');
    expect(codeOf(() => q.post('x'.repeat(257), bytes(1)))).toBe('LAPPS_ERR_MQR_INVALID_ARGUMENT');
    await expect(q.receive('')).rejects.toBeInstanceOf(MqrError);
  });
});

describe('MessageQueues (the TypeScript API)', () => {
  it('carries values as CBOR and bytes as they are', async () => {
    const queues = new MessageQueues(new LocalQueues());
    const jobs = queues.queue('jobs');
    await jobs.post({ id: 1, tags: ['a', 'b'], when: 1.5 });
    expect(await jobs.receive()).toEqual({ id: 1, tags: ['a', 'b'], when: 1.5 });
    expect(await jobs.tryReceive()).toBeUndefined();
    await jobs.postBytes(Uint8Array.of(1, 2));
    expect([...(await jobs.receiveBytes())]).toEqual([1, 2]);
    await queues.close();
  });
});
