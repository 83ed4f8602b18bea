// The raw client: does the HTTP Upgrade itself, then runs a case's steps byte for byte and records
// every frame the server sends and when (and whether) the server closed the connection.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { ConformanceCase, Step } from '../cases/case.js';
import { certificates } from '../certificates.js';
import type { ServerUnderTest } from '../servers.js';
import { closePayload, encodeFrame, FrameDecoder, Op, type ReceivedFrame } from './frames.js';

export interface Transcript {
  /** Frames from the server, with the time (ms since the upgrade) each completed. */
  frames: Array<{ at: number; frame: ReceivedFrame }>;
  /** When the client reached its `mark` step, if the case has one. */
  markAt: number | undefined;
  /** When the server closed the TCP connection (FIN or reset), undefined if it never did. */
  serverClosedAt: number | undefined;
  /** Steps that were not executed because the connection was already closed. */
  skippedSteps: number;
  /** The handshake failed: the case cannot be judged. */
  handshakeError: string | undefined;
}

export interface RunOptions {
  /** How long to wait, after the last step, for the server to go quiet and close. */
  idleTimeoutMs?: number;
  /** Upper bound per case. */
  hardTimeoutMs?: number;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function connect(server: ServerUnderTest): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = server.secure
      ? tls.connect({
          host: server.host,
          port: server.port,
          ca: certificates().caPem,
          servername: 'localhost',
        })
      : net.connect({ host: server.host, port: server.port });
    socket.setNoDelay(true);
    socket.once(server.secure ? 'secureConnect' : 'connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes the Upgrade request and reads the 101; resolves with bytes that followed it. */
function upgrade(socket: net.Socket, server: ServerUnderTest): Promise<Buffer> {
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  socket.write(
    `GET ${server.path} HTTP/1.1\r\nHost: ${server.host}:${server.port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('end', onEnd);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      if (!/^HTTP\/1\.1 101 /.test(lines[0] ?? '')) {
        reject(new Error(`expected 101, got ${JSON.stringify(lines[0])}`));
        return;
      }
      const acceptLine = lines.find((line) => /^sec-websocket-accept:/i.test(line));
      if (acceptLine?.slice(acceptLine.indexOf(':') + 1).trim() !== accept) {
        reject(new Error(`bad Sec-WebSocket-Accept: ${String(acceptLine)}`));
        return;
      }
      resolve(head.subarray(end + 4));
    };
    const onEnd = () => reject(new Error('connection closed during the handshake'));
    socket.on('data', onData);
    socket.once('end', onEnd);
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one case against a server and returns what happened. */
export async function runCase(
  server: ServerUnderTest,
  testCase: ConformanceCase,
  options: RunOptions = {},
): Promise<Transcript> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 2000;
  const hardTimeoutMs = options.hardTimeoutMs ?? 20000;
  const transcript: Transcript = {
    frames: [],
    markAt: undefined,
    serverClosedAt: undefined,
    skippedSteps: 0,
    handshakeError: undefined,
  };
  let socket: net.Socket;
  let rest: Buffer;
  try {
    socket = await connect(server);
    rest = await upgrade(socket, server);
  } catch (error) {
    transcript.handshakeError = String(error);
    return transcript;
  }
  const started = performance.now();
  const now = () => Math.round(performance.now() - started);
  const decoder = new FrameDecoder();
  let closeSent = false;
  let answeredClose = false;
  let lastActivity = performance.now();
  let closed = false;
  let onClosed: () => void = () => {};
  const closedPromise = new Promise<void>((resolve) => {
    onClosed = resolve;
  });
  const write = (bytes: Buffer): boolean => {
    if (closed || socket.destroyed || socket.writableEnded) return false;
    socket.write(bytes);
    return true;
  };
  const onData = (chunk: Buffer) => {
    lastActivity = performance.now();
    for (const frame of decoder.push(chunk)) {
      transcript.frames.push({ at: now(), frame });
      // A client answers a server's close with its own (RFC 6455 5.5.1), as Autobahn's does;
      // without it a server waiting for our close would hold the connection until its timeout.
      if (frame.opcode === Op.Close && !closeSent) {
        closeSent = true;
        answeredClose = true;
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined;
        write(encodeFrame({ opcode: Op.Close, payload: closePayload(code) }));
      } else if (frame.opcode === Op.Ping && !closeSent) {
        write(encodeFrame({ opcode: Op.Pong, payload: frame.payload }));
      }
    }
  };
  const onServerClosed = () => {
    if (transcript.serverClosedAt === undefined && !closed) transcript.serverClosedAt = now();
    closed = true;
    onClosed();
  };
  socket.on('data', onData);
  socket.on('end', onServerClosed);
  socket.on('close', onServerClosed);
  // Writes after the server has gone fail with EPIPE or ECONNRESET: expected in "must fail" cases.
  socket.on('error', () => {});
  if (rest.length > 0) onData(rest);

  const runStep = async (step: Step) => {
    switch (step.kind) {
      case 'send':
        if (!write(step.bytes)) transcript.skippedSteps++;
        break;
      case 'chop':
        for (let offset = 0; offset < step.bytes.length; offset += step.size) {
          if (!write(step.bytes.subarray(offset, offset + step.size))) {
            transcript.skippedSteps++;
            break;
          }
          if (step.delayMs > 0) await delay(step.delayMs);
        }
        break;
      case 'sleep':
        await delay(step.ms);
        break;
      case 'close':
        // Skipped when the client already answered the server's close: one close each way.
        if (answeredClose) transcript.skippedSteps++;
        else {
          closeSent = true;
          write(encodeFrame({ opcode: Op.Close, payload: closePayload(step.code, step.reason) }));
        }
        break;
      case 'mark':
        transcript.markAt = now();
        break;
    }
  };

  const hardDeadline = performance.now() + hardTimeoutMs;
  for (const step of testCase.steps) {
    await runStep(step);
  }
  lastActivity = Math.max(lastActivity, performance.now());
  // Wait for the server to close TCP, or to stay silent for idleTimeoutMs after the last step.
  while (!closed) {
    const idleLeft = lastActivity + idleTimeoutMs - performance.now();
    const hardLeft = hardDeadline - performance.now();
    if (idleLeft <= 0 || hardLeft <= 0) break;
    await Promise.race([closedPromise, delay(Math.min(idleLeft, hardLeft, 100))]);
  }
  closed = true;
  socket.destroy();
  return transcript;
}
