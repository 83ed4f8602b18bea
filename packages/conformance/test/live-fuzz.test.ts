import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerUnderTest, startLapps } from '../src/servers.js';
import {
  alive,
  drained,
  echoWithin,
  frame,
  parseFrames,
  type RawSocket,
  rssMiB,
  sleep,
  upgradeRaw,
} from './peers/raw.js';

// A bounded live fuzz: 50 raw connections do a valid upgrade, then send random bytes, mutated valid
// frames and valid frames, cut at random places; when the server closes one it reconnects.
// Replay a failure with LAPPS_FUZZ_SEED=<seed printed below>; LAPPS_FUZZ_MS sets the duration.

const DURATION_MS = Number(process.env.LAPPS_FUZZ_MS ?? 10000);
const SEED = Number(process.env.LAPPS_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONNECTIONS = 50;

/** mulberry32: small, seeded, good enough to pick bytes and sizes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Stats {
  connections: number;
  upgradeFailures: number;
  bytesSent: number;
  messagesBack: number;
  closeCodes: Map<number, number>;
}

function generate(random: () => number): Buffer {
  const int = (n: number) => Math.floor(random() * n);
  const bytes = (n: number) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = int(256);
    return out;
  };
  const opcodes = [0, 1, 2, 8, 9, 10, 3, 11];
  const validFrame = () => {
    const opcode = opcodes[int(random() < 0.8 ? 6 : opcodes.length)]!;
    const size = random() < 0.7 ? int(126) : random() < 0.9 ? int(70000) : int(300000);
    const payload = opcode === 1 && random() < 0.7 ? Buffer.from('x'.repeat(size)) : bytes(size);
    return frame(opcode, payload, {
      fin: random() < 0.8,
      mask: random() < 0.97,
      rsv: random() < 0.05 ? int(8) : 0,
    });
  };
  switch (int(4)) {
    case 0:
      return bytes(int(2048));
    case 1: {
      const f = validFrame();
      for (let flips = 1 + int(4); flips > 0; flips--) f[int(Math.min(f.length, 16))] = int(256);
      return f;
    }
    case 2: {
      const f = validFrame();
      return f.subarray(0, int(f.length + 1));
    }
    default:
      return Buffer.concat(Array.from({ length: 1 + int(8) }, validFrame));
  }
}

async function fuzzer(server: ServerUnderTest, seed: number, deadline: number, stats: Stats) {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  while (Date.now() < deadline) {
    let socket: RawSocket;
    let pending: Buffer;
    try {
      ({ socket, rest: pending } = await upgradeRaw(server, 5000));
    } catch {
      stats.upgradeFailures++;
      await sleep(50);
      continue;
    }
    stats.connections++;
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const { frames, rest } = parseFrames(pending);
      pending = rest;
      for (const f of frames) {
        if (f.opcode === 8) {
          const code = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
          stats.closeCodes.set(code, (stats.closeCodes.get(code) ?? 0) + 1);
        } else if (f.fin && f.opcode !== 9 && f.opcode !== 10) stats.messagesBack++;
      }
    });
    socket.resume();
    while (Date.now() < deadline && !socket.destroyed && socket.writable) {
      const data = generate(random);
      for (let at = 0; at < data.length && !socket.destroyed && socket.writable; ) {
        const size = 1 + int(random() < 0.5 ? 16 : 65536);
        const chunk = data.subarray(at, at + size);
        at += size;
        stats.bytesSent += chunk.length;
        if (!socket.write(chunk)) await drained(socket, 1000);
        if (random() < 0.2) await sleep(int(5));
      }
      await sleep(int(3));
    }
    socket.destroy();
  }
}

describe('live fuzz', () => {
  let server: ServerUnderTest;
  beforeAll(async () => {
    server = await startLapps({
      ws: { connections: { max_per_ip: 100000, close_timeout_ms: 500 } },
    });
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it(
    `${CONNECTIONS} connections of random frames for LAPPS_FUZZ_MS (${DURATION_MS} ms): the server lives and echoes`,
    async () => {
      console.log(
        `live fuzz: seed ${SEED} (replay with LAPPS_FUZZ_SEED=${SEED}), ${DURATION_MS} ms`,
      );
      const stats: Stats = {
        connections: 0,
        upgradeFailures: 0,
        bytesSent: 0,
        messagesBack: 0,
        closeCodes: new Map(),
      };
      const deadline = Date.now() + DURATION_MS;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, (_, i) =>
          fuzzer(server, SEED + i * 7919, deadline, stats),
        ),
      );
      const pid = server.pid!;
      console.log(
        `live fuzz: seed ${SEED}: ${stats.connections} connections (${stats.upgradeFailures} failed upgrades), ` +
          `${(stats.bytesSent / 1048576).toFixed(1)} MiB sent, ${stats.messagesBack} messages back, ` +
          `close codes ${JSON.stringify(Object.fromEntries(stats.closeCodes))}, server RSS ${rssMiB(pid).toFixed(0)} MiB`,
      );
      expect(alive(pid), `server died; seed ${SEED}\n${server.output().slice(-3000)}`).toBe(true);
      expect(stats.connections).toBeGreaterThan(CONNECTIONS);
      expect(stats.upgradeFailures, `seed ${SEED}`).toBe(0);
      await echoWithin(server, 1000);
      const errors = server
        .output()
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line));
      expect(errors, `server logged errors; seed ${SEED}`).toEqual([]);
    },
    DURATION_MS + 60000,
  );
});
