import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ServerUnderTest, startLapps } from '../src/servers.js';
import {
  alive,
  connectRaw,
  drained,
  echoWithin,
  eventually,
  frame,
  openFds,
  type RawSocket,
  readOutcome,
  rssMiB,
  sleep,
  upgradeRaw,
  upgradeRequest,
} from './peers/raw.js';

// Clients that misbehave on purpose. After each one a fresh `ws` client must get its echo within
// a second. What the server answered is collected and printed at the end.

const observed: Record<string, string> = {};

const connections = {
  max_per_ip: 100000,
  handshake_timeout_ms: 500,
  idle_timeout_ms: 2000,
  close_timeout_ms: 500,
  max_outbound_buffer: 262144,
};

let plain: ServerUnderTest;
let secure: ServerUnderTest;
let small: ServerUnderTest;

beforeAll(async () => {
  [plain, secure, small] = await Promise.all([
    startLapps({ ws: { connections } }),
    startLapps({ tls: true, ws: { connections } }),
    startLapps({ echo: { max_inbound_message_size: 1000 } }),
  ]);
});

afterAll(async () => {
  const codes = await Promise.all([plain, secure, small].map((server) => server?.stop()));
  console.log(
    `bad clients, what the server did:\n${Object.entries(observed)
      .map(([name, what]) => `  ${name}: ${what}`)
      .join('\n')}`,
  );
  expect(codes).toEqual([0, 0, 0]);
});

/** Everything the server sends until it hangs up (or `timeoutMs`). */
function collect(
  socket: RawSocket,
  timeoutMs: number,
): Promise<{ data: Buffer; hungUp: boolean; ms: number }> {
  const started = Date.now();
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    const finish = (hungUp: boolean) => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), hungUp, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.once('close', () => finish(true));
    socket.resume();
  });
}

const statusLine = (data: Buffer) => data.toString('latin1').split('\r\n')[0] ?? '';

async function stillServes(server: ServerUnderTest): Promise<void> {
  expect(alive(server.pid!)).toBe(true);
  await echoWithin(server, 1000);
}

describe.each([
  ['plain', () => plain],
  ['TLS', () => secure],
])('handshake abuse (%s)', (kind, server) => {
  it('10,000 headers: 431 and close', async () => {
    const socket = await connectRaw(server());
    socket.on('error', () => {});
    const headers = Array.from({ length: 10000 }, (_, i) => `X-Flood-${i}: ${i}\r\n`).join('');
    socket.write(upgradeRequest(server(), headers));
    const { data, hungUp } = await collect(socket, 5000);
    observed[`10,000 headers (${kind})`] = `${statusLine(data)}, hung up: ${hungUp}`;
    expect(statusLine(data)).toMatch(/^HTTP\/1\.1 431 /);
    expect(hungUp).toBe(true);
    await stillServes(server());
  });

  it('1 MiB of header: 431 and close', async () => {
    const socket = await connectRaw(server());
    socket.on('error', () => {});
    socket.write(upgradeRequest(server(), `X-Big: ${'a'.repeat(1024 * 1024)}\r\n`));
    const { data, hungUp } = await collect(socket, 5000);
    observed[`1 MiB header (${kind})`] = `${statusLine(data)}, hung up: ${hungUp}`;
    expect(statusLine(data)).toMatch(/^HTTP\/1\.1 431 /);
    expect(hungUp).toBe(true);
    await stillServes(server());
  });

  it('slowloris: half a request is dropped after handshake_timeout_ms (500)', async () => {
    const socket = await connectRaw(server());
    socket.on('error', () => {});
    socket.write(`GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n`);
    const { data, hungUp, ms } = await collect(socket, 5000);
    observed[`slowloris handshake (${kind})`] =
      `dropped after ${ms} ms, answered ${JSON.stringify(statusLine(data))}`;
    expect(hungUp).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThan(3000);
    await stillServes(server());
  });
});

describe('frame abuse (plain)', () => {
  it('half a frame then silence: others are served, idle_timeout_ms closes it', async () => {
    const { socket, rest } = await upgradeRaw(plain);
    socket.write(frame(2, randomBytes(100)).subarray(0, 10));
    await stillServes(plain);
    await stillServes(plain);
    const outcome = await readOutcome(socket, rest, 8000);
    observed['half a frame, silence'] =
      `close ${outcome.closeCode} after ${outcome.ms} ms, hung up: ${outcome.hungUp}`;
    expect(outcome.hungUp).toBe(true);
    expect(outcome.closeCode).toBe(1001);
    await stillServes(plain);
  });

  it.each([
    ['2^63-byte frame', 1n << 63n, 1002],
    ['2^62-byte frame', 1n << 62n, 1009],
  ])('a declared %s: close %i', async (name, length, code) => {
    const { socket, rest } = await upgradeRaw(plain);
    socket.write(frame(2, new Uint8Array(0), { length }));
    const outcome = await readOutcome(socket, rest, 5000, (o) => o.closeCode !== undefined);
    observed[`declared ${name}`] = `close ${outcome.closeCode}`;
    expect(outcome.closeCode).toBe(code);
    socket.destroy();
    await stillServes(plain);
  });

  it('100,000 one-byte fragments: echoed or closed with 1008/1009, and the server survives', async () => {
    const { socket, rest } = await upgradeRaw(plain);
    const count = 100000;
    const frames: Buffer[] = [];
    for (let i = 0; i < count; i++)
      frames.push(frame(i === 0 ? 2 : 0, Buffer.of(i & 0xff), { fin: i === count - 1 }));
    socket.write(Buffer.concat(frames));
    const outcome = await readOutcome(
      socket,
      rest,
      15000,
      (o) => o.messages.length > 0 || o.closeCode !== undefined,
    );
    const echoed = outcome.messages[0];
    observed['100,000 one-byte fragments'] =
      echoed !== undefined ? `echoed (${echoed.length} bytes)` : `close ${outcome.closeCode}`;
    if (echoed !== undefined) {
      expect(echoed.length).toBe(count);
      expect(echoed[count - 1]).toBe((count - 1) & 0xff);
    } else expect([1008, 1009]).toContain(outcome.closeCode);
    socket.destroy();
    await stillServes(plain);
  });

  it('one byte over max_inbound_message_size (1000): 1009', async () => {
    const { socket, rest } = await upgradeRaw(small);
    socket.write(frame(2, randomBytes(1000)));
    const first = await readOutcome(
      socket,
      rest,
      5000,
      (o) => o.messages.length > 0 || o.closeCode !== undefined,
    );
    expect(first.messages[0]?.length).toBe(1000);
    socket.write(frame(2, randomBytes(1001)));
    const outcome = await readOutcome(
      socket,
      Buffer.alloc(0),
      5000,
      (o) => o.closeCode !== undefined,
    );
    observed['1001 bytes over a 1000 limit'] = `close ${outcome.closeCode}`;
    expect(outcome.closeCode).toBe(1009);
    socket.destroy();
    await stillServes(small);
  });

  it('a client that never reads: closed at max_outbound_buffer (262144), RSS bounded', async () => {
    const pid = plain.pid!;
    const { socket, rest } = await upgradeRaw(plain); // paused: it reads nothing
    const message = frame(2, randomBytes(64 * 1024));
    let peak = rssMiB(pid);
    let sent = 0;
    for (; sent < 400 && !socket.destroyed && socket.writable; sent++) {
      if (!socket.write(message)) await drained(socket, 2000);
      if (sent % 16 === 0) peak = Math.max(peak, rssMiB(pid));
    }
    peak = Math.max(peak, rssMiB(pid));
    const outcome = await readOutcome(socket, rest, 10000);
    peak = Math.max(peak, rssMiB(pid));
    observed['never reads'] =
      `close ${outcome.closeCode ?? 'frame not received (reset)'} after ${sent} x 64 KiB sent, ` +
      `${outcome.messages.length} echoes read, hung up: ${outcome.hungUp}, server RSS peak ${peak.toFixed(0)} MiB`;
    expect(outcome.hungUp).toBe(true);
    expect([1008, undefined]).toContain(outcome.closeCode);
    expect(plain.output()).toMatch(/outbound buffer over the limit/);
    expect(peak).toBeLessThan(300);
    await stillServes(plain);
  });

  it('1,000 connections dropped without a close frame: fds come back, still serves', async () => {
    const pid = plain.pid!;
    await sleep(200);
    const before = openFds(pid);
    const sockets: RawSocket[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const opened = await Promise.all(Array.from({ length: 100 }, () => upgradeRaw(plain)));
      for (const { socket } of opened) sockets.push(socket);
    }
    const during = openFds(pid);
    expect(during).toBeGreaterThanOrEqual(before + 1000);
    for (const socket of sockets) socket.destroy();
    const back = await eventually(() => openFds(pid) <= before + 5, 5000);
    const after = openFds(pid);
    observed['1,000 dropped connections'] =
      `server fds ${before} -> ${during} -> ${after}, RSS ${rssMiB(pid).toFixed(0)} MiB`;
    expect(back).toBe(true);
    expect(rssMiB(pid)).toBeLessThan(300);
    await stillServes(plain);
  });
});

describe('TLS and ACL', () => {
  it('random bytes instead of a TLS ClientHello: dropped, TLS clients still served', async () => {
    const socket = net.connect({ host: secure.host, port: secure.port });
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(randomBytes(4096));
    const { data, hungUp, ms } = await collect(socket, 5000);
    observed['TLS garbage'] = `hung up after ${ms} ms, ${data.length} bytes sent back`;
    expect(hungUp).toBe(true);
    await stillServes(secure);
  });

  it('an address excluded by ws.json acl: closed without a byte', async () => {
    const denied = await startLapps({ ws: { acl: { policy: 'allow', exclude: ['127.0.0.1'] } } });
    try {
      const socket = net.connect({ host: '127.0.0.1', port: denied.port });
      socket.on('error', () => {});
      socket.write(upgradeRequest(denied));
      const { data, hungUp } = await collect(socket, 5000);
      observed['ACL-denied 127.0.0.1'] = `hung up: ${hungUp}, ${data.length} bytes`;
      expect(hungUp).toBe(true);
      expect(data.length).toBe(0);
      expect(alive(denied.pid!)).toBe(true);
    } finally {
      expect(await denied.stop()).toBe(0);
    }
  });

  it("on '::', excluding 127.0.0.1 denies IPv4-mapped 127.0.0.1 and lets ::1 in", async () => {
    const dual = await startLapps({
      ws: { ip: '::', acl: { policy: 'allow', exclude: ['127.0.0.1'] } },
    });
    try {
      const socket = net.connect({ host: '127.0.0.1', port: dual.port });
      socket.on('error', () => {});
      socket.write(upgradeRequest(dual));
      const { data, hungUp } = await collect(socket, 5000);
      observed["ACL-denied 127.0.0.1 on '::'"] = `hung up: ${hungUp}, ${data.length} bytes`;
      expect(data.length).toBe(0);
      expect(hungUp).toBe(true);
      const ws = new WebSocket(`ws://[::1]:${dual.port}/echo`);
      const reply = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no echo from [::1] within 2 s')), 2000);
        ws.once('open', () => ws.send('v6'));
        ws.once('message', (m) => {
          clearTimeout(timer);
          resolve(String(m));
        });
        ws.once('error', reject);
      });
      ws.terminate();
      expect(reply).toBe('v6');
    } finally {
      expect(await dual.stop()).toBe(0);
    }
  });
});
