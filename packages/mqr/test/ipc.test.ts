// IpcQueueHost and IpcQueueClient wired in one process: each "worker" is a client whose send
// function hands a JSON copy of the message to the host on a later turn of the event loop (as the
// cluster IPC channel does), and the host's replies come back the same way.
import { describe, expect, it } from 'vitest';
import { MqrError } from '../src/errors.js';
import { IpcQueueClient, IpcQueueHost } from '../src/ipc/index.js';
import { MQR_IPC_TYPE } from '../src/ipc/ipc-protocol.js';
import { LocalQueues } from '../src/local-queues.js';
import type { QueueLimits } from '../src/limits.js';

const text = new TextEncoder();
const bytes = (s: string) => text.encode(s);
const str = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : Buffer.from(b).toString();

interface Wiring {
  store: LocalQueues;
  host: IpcQueueHost;
  clients: IpcQueueClient[];
  /** Whether the host can reach each worker (a reply to a disconnected one returns false). */
  connected: boolean[];
  /** Every message each worker sent, in order. */
  sent: Record<string, unknown>[][];
}

function wire(workers: number, limits: QueueLimits = {}): Wiring {
  const store = new LocalQueues(limits);
  const host = new IpcQueueHost(store);
  const clients: IpcQueueClient[] = [];
  const connected = Array.from({ length: workers }, () => true);
  const sent: Record<string, unknown>[][] = Array.from({ length: workers }, () => []);
  for (let w = 0; w < workers; w++) {
    const reply = (message: object): boolean => {
      if (!connected[w]) return false;
      const copy: unknown = JSON.parse(JSON.stringify(message));
      setImmediate(() => clients[w]!.handle(copy));
      return true;
    };
    clients.push(
      new IpcQueueClient(
        (message) => {
          const copy = JSON.parse(JSON.stringify(message)) as Record<string, unknown>;
          sent[w]!.push(copy);
          setImmediate(() => host.handle(w, copy, reply));
        },
        { timeoutMs: 2000 },
      ),
    );
  }
  return { store, host, clients, connected, sent };
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A few turns of the event loop: every message in flight has arrived. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error('resolved');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MqrError);
  return (error as MqrError).code;
}

describe('IpcQueueClient and IpcQueueHost', () => {
  it('keeps a queue FIFO across workers; try_recv gives undefined when empty', async () => {
    const { clients, store } = wire(2);
    const [a, b] = clients as [IpcQueueClient, IpcQueueClient];
    expect(a.kind).toBe('in-server');
    await Promise.all(Array.from({ length: 100 }, (_, i) => a.post('q', bytes(String(i)))));
    expect(store.size('q')).toBe(100);
    const got: string[] = [];
    for (let i = 0; i < 100; i++) got.push(str(await b.tryReceive('q'))!);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
    expect(await b.tryReceive('q')).toBeUndefined();
    expect(await a.tryReceive('other')).toBeUndefined();
  });

  it('serves waiting receivers in the order they started waiting, whatever their worker', async () => {
    const { clients, host } = wire(3);
    const [a, b, c] = clients as [IpcQueueClient, IpcQueueClient, IpcQueueClient];
    const first = b.receive('q');
    await until('b waits', () => host.waitingReceives(1) === 1);
    const second = a.receive('q');
    await until('a waits', () => host.waitingReceives(0) === 1);
    await c.post('q', bytes('x'));
    await c.post('q', bytes('y'));
    expect(str(await first)).toBe('x');
    expect(str(await second)).toBe('y');
    expect(host.waitingReceives(0) + host.waitingReceives(1)).toBe(0);
  });

  it('delivers each message exactly once to competing receivers in different workers', async () => {
    const { clients, store } = wire(3);
    const N = 600;
    const STOP = '.';
    const loops = clients.flatMap((client, w) =>
      [0, 1].map(async (r) => {
        const got: number[] = [];
        for (;;) {
          const m = str(await client.receive('jobs'))!;
          if (m === STOP) return { w, r, got };
          got.push(Number(m));
        }
      }),
    );
    const producer = clients[0]!;
    for (let i = 1; i <= N; i++) await producer.post('jobs', bytes(String(i)));
    for (let i = 0; i < loops.length; i++) await producer.post('jobs', bytes(STOP));
    const results = await Promise.all(loops);
    const all = results.flatMap((r) => r.got).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    for (const { got } of results) {
      // Each receiver asks for the next message only after the previous one: in queue order.
      for (let i = 1; i < got.length; i++) expect(got[i]!).toBeGreaterThan(got[i - 1]!);
    }
    // Every worker took part.
    for (let w = 0; w < 3; w++) {
      expect(results.filter((r) => r.w === w).some((r) => r.got.length > 0)).toBe(true);
    }
    expect(store.size('jobs')).toBe(0);
  });

  it('cancels a waiting receive: CANCELLED at once, and the host stops waiting', async () => {
    const { clients, host, sent } = wire(2);
    const [a, b] = clients as [IpcQueueClient, IpcQueueClient];
    const stop = new AbortController();
    const waiting = a.receive('q', stop.signal);
    await until('a waits', () => host.waitingReceives(0) === 1);
    stop.abort();
    expect(await codeOf(waiting)).toBe('LAPPS_ERR_MQR_CANCELLED');
    expect(a.pendingRequests).toBe(0);
    await until('the host forgets it', () => host.waitingReceives(0) === 0);
    expect(sent[0]!.map((m) => m.op)).toEqual(['recv', 'cancel']);
    await b.post('q', bytes('kept'));
    expect(str(await b.receive('q'))).toBe('kept');
    // An already aborted signal sends nothing.
    expect(await codeOf(a.receive('q', stop.signal))).toBe('LAPPS_ERR_MQR_CANCELLED');
    expect(sent[0]).toHaveLength(2);
  });

  it('returns to the head a message handed to a receive the worker cancelled meanwhile', async () => {
    const { clients, host, store, sent } = wire(2);
    const [a, b] = clients as [IpcQueueClient, IpcQueueClient];
    const stop = new AbortController();
    const waiting = a.receive('q', stop.signal);
    await until('a waits', () => host.waitingReceives(0) === 1);
    // The host hands `first` to a's receive; the reply is on its way when a cancels.
    store.post('q', bytes('first'));
    store.post('q', bytes('second'));
    stop.abort();
    expect(await codeOf(waiting)).toBe('LAPPS_ERR_MQR_CANCELLED');
    await until('first back', () => store.size('q') === 2);
    expect(sent[0]!.map((m) => m.op)).toEqual(['recv', 'cancel', 'return']);
    expect(str(await b.tryReceive('q'))).toBe('first');
    expect(str(await b.tryReceive('q'))).toBe('second');
  });

  it('the host puts back a message taken for a receive cancelled before its reply left', async () => {
    const store = new LocalQueues();
    const host = new IpcQueueHost(store);
    const replies: object[] = [];
    const reply = (m: object) => {
      replies.push(m);
    };
    store.post('q', bytes('late'));
    host.handle(0, { type: MQR_IPC_TYPE, op: 'recv', id: 1, queue: 'q' }, reply);
    // The store has handed `late` over; the reply is one microtask away when the cancel comes.
    host.handle(0, { type: MQR_IPC_TYPE, op: 'cancel', id: 1 }, reply);
    await settle();
    expect(replies).toEqual([]);
    expect(str(store.tryReceive('q'))).toBe('late');
  });

  it('returns to the head a message answering a try_recv that timed out', async () => {
    const store = new LocalQueues();
    const host = new IpcQueueHost(store);
    let deliver: (() => void) | undefined;
    const client = new IpcQueueClient(
      (message) => {
        const copy: unknown = JSON.parse(JSON.stringify(message));
        host.handle(0, copy, (r) => {
          const back: unknown = JSON.parse(JSON.stringify(r));
          deliver = () => client.handle(back);
        });
      },
      { timeoutMs: 20 },
    );
    store.post('q', bytes('slow'));
    expect(await codeOf(client.tryReceive('q'))).toBe('LAPPS_ERR_MQR_UNAVAILABLE');
    expect(store.size('q')).toBe(0);
    deliver!();
    expect(str(store.tryReceive('q'))).toBe('slow');
  });

  it('limits fail across the channel as MqrError with the same code', async () => {
    const { clients, store } = wire(1, { capacity: 2, maxMessageBytes: 8 });
    const [a] = clients as [IpcQueueClient];
    await a.post('q', bytes('1'));
    await a.post('q', bytes('2'));
    const full = a.post('q', bytes('3'));
    expect(await codeOf(full)).toBe('LAPPS_ERR_MQR_QUEUE_FULL');
    await full.catch((e: MqrError) => expect(e.message).toMatch(/queue full: q holds/));
    expect(await codeOf(a.post('r', bytes('123456789')))).toBe('LAPPS_ERR_MQR_TOO_BIG');
    expect(await codeOf(a.post('', bytes('x')))).toBe('LAPPS_ERR_MQR_INVALID_ARGUMENT');
    expect(await codeOf(a.receive('x'.repeat(300)))).toBe('LAPPS_ERR_MQR_INVALID_ARGUMENT');
    // A returned message was admitted once: it goes back even into a full queue.
    expect(store.size('q')).toBe(2);
    store.returnToHead('q', bytes('0'));
    expect(str(await a.tryReceive('q'))).toBe('0');
    const waiting = a.receive('closing');
    await settle();
    await store.close();
    expect(await codeOf(waiting)).toBe('LAPPS_ERR_MQR_CLOSED');
    expect(await codeOf(a.tryReceive('q'))).toBe('LAPPS_ERR_MQR_CLOSED');
  });

  it('answers a malformed request with INVALID_ARGUMENT and ignores other messages', () => {
    const host = new IpcQueueHost(new LocalQueues());
    const replies: Record<string, unknown>[] = [];
    const reply = (m: object) => {
      replies.push(m as Record<string, unknown>);
    };
    expect(host.handle(0, { type: 'listening', url: 'ws://x' }, reply)).toBe(false);
    expect(host.handle(0, 'text', reply)).toBe(false);
    expect(host.handle(0, { type: MQR_IPC_TYPE, op: 'post', id: 7, queue: 'q' }, reply)).toBe(true);
    expect(host.handle(0, { type: MQR_IPC_TYPE, op: 'nope' }, reply)).toBe(true);
    expect(replies).toEqual([
      {
        type: MQR_IPC_TYPE,
        op: 'error',
        id: 7,
        code: 'LAPPS_ERR_MQR_INVALID_ARGUMENT',
        message: 'malformed mqr request over IPC',
      },
    ]);
    const client = new IpcQueueClient(() => {});
    expect(client.handle({ type: 'reload' })).toBe(false);
    expect(client.handle({ type: MQR_IPC_TYPE, op: 'done', id: 99 })).toBe(true);
  });

  it('times out with UNAVAILABLE when the primary does not answer, or cannot be reached', async () => {
    const silent = new IpcQueueClient(() => {}, { timeoutMs: 30 });
    expect(await codeOf(silent.post('q', bytes('x')))).toBe('LAPPS_ERR_MQR_UNAVAILABLE');
    expect(await codeOf(silent.tryReceive('q'))).toBe('LAPPS_ERR_MQR_UNAVAILABLE');
    expect(silent.pendingRequests).toBe(0);
    const gone = new IpcQueueClient(() => {
      throw new Error('channel closed');
    });
    expect(await codeOf(gone.post('q', bytes('x')))).toBe('LAPPS_ERR_MQR_UNAVAILABLE');
    expect(await codeOf(gone.receive('q'))).toBe('LAPPS_ERR_MQR_UNAVAILABLE');
  });

  it('forgetWorker cancels the receives of a worker that exited: no message goes to them', async () => {
    const { clients, host, store, connected } = wire(2);
    const [a, b] = clients as [IpcQueueClient, IpcQueueClient];
    void a.receive('q');
    void a.receive('q');
    await until('a waits twice', () => host.waitingReceives(0) === 2);
    connected[0] = false;
    host.forgetWorker(0);
    expect(host.waitingReceives(0)).toBe(0);
    await b.post('q', bytes('m1'));
    expect(store.size('q')).toBe(1);
    expect(str(await b.receive('q'))).toBe('m1');
    host.forgetWorker(5); // unknown: nothing happens
  });

  it('a message whose reply cannot be sent (worker disconnected) goes back to the head', async () => {
    const { clients, host, store, connected } = wire(2);
    const [a, b] = clients as [IpcQueueClient, IpcQueueClient];
    void a.receive('q');
    await until('a waits', () => host.waitingReceives(0) === 1);
    connected[0] = false;
    await b.post('q', bytes('one'));
    await b.post('q', bytes('two'));
    await settle();
    expect(store.size('q')).toBe(2);
    expect(str(await b.tryReceive('q'))).toBe('one');
  });

  it('close rejects waiting receives with CLOSED and tells the host', async () => {
    const { clients, host } = wire(1);
    const [a] = clients as [IpcQueueClient];
    const waiting = a.receive('q');
    await until('a waits', () => host.waitingReceives(0) === 1);
    await a.close();
    expect(await codeOf(waiting)).toBe('LAPPS_ERR_MQR_CLOSED');
    await until('the host forgets it', () => host.waitingReceives(0) === 0);
    expect(await codeOf(a.post('q', bytes('x')))).toBe('LAPPS_ERR_MQR_CLOSED');
  });
});

describe('LocalQueues.returnToHead', () => {
  it('puts a message at the head, or hands it to the receiver waiting longest', async () => {
    const store = new LocalQueues({ capacity: 2 });
    store.post('q', bytes('b'));
    store.post('q', bytes('c'));
    store.returnToHead('q', bytes('a'));
    expect(store.size('q')).toBe(3);
    expect([1, 2, 3].map(() => str(store.tryReceive('q')))).toEqual(['a', 'b', 'c']);
    const waiting = store.receive('q');
    store.returnToHead('q', bytes('z'));
    expect(str(await waiting)).toBe('z');
    expect(store.size('q')).toBe(0);
    // After many takes (head moved on) the slot before the head is reused.
    for (let i = 0; i < 2; i++) store.post('r', bytes(String(i)));
    store.tryReceive('r');
    store.returnToHead('r', bytes('back'));
    expect(str(store.tryReceive('r'))).toBe('back');
    expect(str(store.tryReceive('r'))).toBe('1');
    await store.close();
    expect(() => store.returnToHead('q', bytes('x'))).toThrow(MqrError);
  });
});
