import { deepStrictEqual } from 'node:assert/strict';
import { Bench } from 'tinybench';
import WebSocket from 'ws';
import { WebSocketClient } from '../src/index.js';
import { startEchoServer } from './echo-server.js';

/**
 * Send and receive over loopback against the same `ws` echo server: `burst` messages sent in one
 * turn, then every echo awaited. burst 1 is latency-bound (one message in flight); larger bursts
 * show what batching the writes of a turn buys. The server runs in this process, so its cost is in
 * both columns alike.
 */

export interface Row {
  name: string;
  ours: number;
  ws: number;
}

interface Echoing {
  /** Sends `burst` messages and resolves when all echoes are in. */
  roundTrip(): Promise<void>;
  /** Echoes seen, to check nothing went missing. */
  received(): number;
  close(): void;
}

async function ours(url: string, payload: Buffer, burst: number): Promise<Echoing> {
  const ws = new WebSocketClient(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = (event) => reject(event.error);
  });
  let received = 0;
  let pending = 0;
  let done: () => void = () => {};
  ws.onmessage = (event) => {
    received++;
    if ((event.data as Buffer).length !== payload.length) throw new Error('wrong echo');
    if (--pending === 0) done();
  };
  return {
    roundTrip: () =>
      new Promise<void>((resolve) => {
        done = resolve;
        pending = burst;
        for (let i = 0; i < burst; i++) ws.send(payload);
      }),
    received: () => received,
    close: () => ws.close(),
  };
}

async function theirs(url: string, payload: Buffer, burst: number): Promise<Echoing> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let received = 0;
  let pending = 0;
  let done: () => void = () => {};
  ws.on('message', (data: Buffer) => {
    received++;
    if (data.length !== payload.length) throw new Error('wrong echo');
    if (--pending === 0) done();
  });
  return {
    roundTrip: () =>
      new Promise<void>((resolve) => {
        done = resolve;
        pending = burst;
        for (let i = 0; i < burst; i++) ws.send(payload);
      }),
    received: () => received,
    close: () => ws.close(),
  };
}

export async function roundTripRows(time: number): Promise<Row[]> {
  const server = await startEchoServer();
  const rows: Row[] = [];
  try {
    for (const [size, burst] of [
      [64, 1],
      [64, 100],
      [16 * 1024, 10],
    ] as const) {
      const payload = Buffer.alloc(size, 7);
      const a = await ours(server.url, payload, burst);
      const b = await theirs(server.url, payload, burst);
      // What is timed must work: one round trip each, every echo back.
      await a.roundTrip();
      await b.roundTrip();
      deepStrictEqual([a.received(), b.received()], [burst, burst]);

      const bench = new Bench({ time, warmupTime: Math.min(250, time) });
      bench.add('ours', () => a.roundTrip()).add('ws', () => b.roundTrip());
      await bench.run();
      const rate = (name: string): number => {
        const result = bench.tasks.find((t) => t.name === name)!.result;
        if (result.state !== 'completed') throw new Error(`${name}: ${result.state}`);
        return (1000 / result.period) * burst; // messages per second
      };
      rows.push({ name: `echo ${size} B x ${burst} per turn`, ours: rate('ours'), ws: rate('ws') });
      a.close();
      b.close();
    }
  } finally {
    await server.close();
  }
  return rows;
}
