// Raw-socket helpers for the bad-client and fuzz tests: a hand-made upgrade, hand-made frames, and
// a reader of what the server sends back (frames, close code, whether it hung up).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';
import { certificates } from '../../src/certificates.js';
import type { ServerUnderTest } from '../../src/servers.js';

export type RawSocket = net.Socket | tls.TLSSocket;

export function connectRaw(server: ServerUnderTest, timeoutMs = 5000): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket: RawSocket = server.secure
      ? tls.connect({
          host: server.host,
          port: server.port,
          ca: certificates().caPem,
          servername: 'localhost',
        })
      : net.connect({ host: server.host, port: server.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect: no connection in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(server.secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export function upgradeRequest(server: ServerUnderTest, extraHeaders = ''): string {
  return (
    `GET ${server.path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
    `Sec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`
  );
}

/** Connects and upgrades; resolves with the socket and whatever came after the 101 head. */
export async function upgradeRaw(
  server: ServerUnderTest,
  timeoutMs = 5000,
): Promise<{ socket: RawSocket; rest: Buffer }> {
  const socket = await connectRaw(server, timeoutMs);
  socket.on('error', () => {});
  socket.write(upgradeRequest(server));
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`upgrade: no 101 in ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.pause();
      const status = head.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
      if (!status.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(`upgrade answered: ${status}`));
      } else resolve({ socket, rest: head.subarray(end + 4) });
    };
    const onClose = () => {
      clearTimeout(timer);
      reject(new Error('upgrade: closed before the 101'));
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** A client frame (masked unless told otherwise). `length` overrides the declared length. */
export function frame(
  opcode: number,
  payload: Uint8Array,
  options: { fin?: boolean; mask?: boolean; rsv?: number; length?: bigint } = {},
): Buffer {
  const fin = options.fin ?? true;
  const mask = options.mask ?? true;
  const length = options.length ?? BigInt(payload.length);
  const head: number[] = [(fin ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (opcode & 0x0f)];
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push((mask ? 0x80 : 0) | Number(length));
  else if (length < 65536n) {
    head.push((mask ? 0x80 : 0) | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push((mask ? 0x80 : 0) | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  const key = mask ? randomBytes(4) : Buffer.alloc(0);
  const body = Buffer.from(payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i]! ^= key[i & 3]!;
  return Buffer.concat([Buffer.from(head), extended, key, body]);
}

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Splits unmasked server frames off the front of `bytes`; returns the frames and the remainder. */
export function parseFrames(bytes: Buffer): { frames: ServerFrame[]; rest: Buffer } {
  const frames: ServerFrame[] = [];
  let offset = 0;
  for (;;) {
    if (bytes.length - offset < 2) break;
    const b0 = bytes[offset]!;
    const b1 = bytes[offset + 1]!;
    let length = b1 & 0x7f;
    let at = offset + 2;
    if (length === 126) {
      if (bytes.length < at + 2) break;
      length = bytes.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      if (bytes.length < at + 8) break;
      length = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    if (b1 & 0x80) at += 4; // a server must not mask, but skip the key if it did
    if (bytes.length < at + length) break;
    frames.push({
      fin: (b0 & 0x80) !== 0,
      opcode: b0 & 0x0f,
      payload: bytes.subarray(at, at + length),
    });
    offset = at + length;
  }
  return { frames, rest: bytes.subarray(offset) };
}

export interface Outcome {
  /** The close code of the server's close frame, if one came. */
  closeCode: number | undefined;
  /** The server's data messages (fragments joined). */
  messages: Buffer[];
  /** The server closed (or reset) the TCP connection within the time. */
  hungUp: boolean;
  /** Bytes received in all. */
  bytes: number;
  ms: number;
}

/**
 * Reads what the server sends until it hangs up, or until `until` says enough, or `timeoutMs`.
 * Answers nothing (no pongs, no close echo) so the server has to end the connection on its own.
 */
export function readOutcome(
  socket: RawSocket,
  initial: Buffer,
  timeoutMs: number,
  until: (outcome: Outcome) => boolean = () => false,
): Promise<Outcome> {
  const started = Date.now();
  const outcome: Outcome = {
    closeCode: undefined,
    messages: [],
    hungUp: false,
    bytes: initial.length,
    ms: 0,
  };
  let pending = initial;
  let message: Buffer[] = [];
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      outcome.ms = Date.now() - started;
      resolve(outcome);
    };
    const consume = () => {
      const { frames, rest } = parseFrames(pending);
      pending = rest;
      for (const f of frames) {
        if (f.opcode === 8)
          outcome.closeCode = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1005;
        else if (f.opcode < 8) {
          message.push(f.payload);
          if (f.fin) {
            outcome.messages.push(Buffer.concat(message));
            message = [];
          }
        }
      }
      if (until(outcome)) finish();
    };
    const onData = (chunk: Buffer) => {
      outcome.bytes += chunk.length;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      consume();
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', onData);
    socket.on('error', () => {});
    socket.once('close', () => {
      outcome.hungUp = true;
      finish();
    });
    if (socket.destroyed) {
      outcome.hungUp = true;
      finish();
    }
    consume();
    socket.resume();
  });
}

/** A fresh `ws` client gets its echo within `timeoutMs` (default 1 s). */
export async function echoWithin(server: ServerUnderTest, timeoutMs = 1000): Promise<string> {
  const ws = new WebSocket(`${server.url}${server.path}`, {
    ca: server.secure ? certificates().caPem : undefined,
    perMessageDeflate: false,
  });
  const text = `still there? ${Math.random()}`;
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no echo within ${timeoutMs} ms`)),
        timeoutMs,
      );
      ws.once('open', () => ws.send(text));
      ws.once('message', (data) => {
        clearTimeout(timer);
        const reply = String(data);
        if (reply === text) resolve(reply);
        else reject(new Error(`wrong echo: ${reply}`));
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } finally {
    ws.terminate();
  }
}

/** The server process's resident set size in MiB (/proc/<pid>/status VmRSS). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** How many file descriptors the process holds (its sockets among them). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Whether the process is still alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until true or `timeoutMs`; resolves with the last answer. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

/** Waits for 'drain' (or close, or `timeoutMs`), leaving no listener behind. */
export function drained(socket: RawSocket, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.removeListener('drain', done);
      socket.removeListener('close', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    socket.once('drain', done);
    socket.once('close', done);
  });
}
