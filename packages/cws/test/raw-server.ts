// A raw TCP server a test scripts byte by byte: it reads the client's upgrade request, then writes
// whatever the test says (a 101 of its own making, frames, nothing at all), and decodes what the
// client sends without trusting any WebSocket library.
import net, { type AddressInfo } from 'node:net';
import { acceptKey, type RequestHead, RequestHeadParser } from '@lapps/handshake';

export interface ClientFrame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  /** The masking key as sent (4 bytes; empty when unmasked). */
  key: Buffer;
  /** The payload, unmasked. */
  payload: Buffer;
}

export interface RawConnection {
  socket: net.Socket;
  request: RequestHead;
  /** The client's Sec-WebSocket-Key. */
  key: string;
  /** The 101 head for this request, with `extraLines` (e.g. 'Sec-WebSocket-Protocol: x'). */
  response(extraLines?: string[], accept?: string): string;
  /** Writes that 101. */
  accept(extraLines?: string[]): void;
  /** Resolves with the first `count` frames the client sent after its request. */
  frames(count: number): Promise<ClientFrame[]>;
}

export interface RawServer {
  port: number;
  url(path?: string): string;
  nextConnection(): Promise<RawConnection>;
  close(): void;
}

const servers = new Set<RawServer>();

/** For afterEach. */
export function closeRawServers(): void {
  for (const server of servers) server.close();
  servers.clear();
}

export async function startRawServer(host = '127.0.0.1'): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  let waiting: ((c: RawConnection) => void)[] = [];
  const ready: RawConnection[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const parser = new RequestHeadParser();
    let received = Buffer.alloc(0);
    let frameWaiters: (() => void)[] = [];
    let head: RequestHead | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (head === undefined) {
        head = parser.push(chunk);
        if (head === undefined) return;
        received = Buffer.from(head.rest);
        const connection = rawConnection(
          socket,
          head,
          () => received,
          (wake) => {
            frameWaiters.push(wake);
          },
        );
        const w = waiting;
        waiting = [];
        if (w.length === 0) ready.push(connection);
        for (const resolve of w) resolve(connection);
      } else {
        received = Buffer.concat([received, chunk]);
      }
      const wake = frameWaiters;
      frameWaiters = [];
      for (const f of wake) f();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const raw: RawServer = {
    port,
    url: (path = '/') => `ws://${host.includes(':') ? `[${host}]` : host}:${port}${path}`,
    nextConnection: () => {
      const first = ready.shift();
      return first !== undefined
        ? Promise.resolve(first)
        : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
  servers.add(raw);
  return raw;
}

function rawConnection(
  socket: net.Socket,
  request: RequestHead,
  received: () => Buffer,
  onMoreData: (wake: () => void) => void,
): RawConnection {
  const key = request.headers.get('sec-websocket-key')?.[0] ?? '';
  const response = (extraLines: string[] = [], accept = acceptKey(key)): string =>
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      ...extraLines,
      '',
      '',
    ].join('\r\n');
  return {
    socket,
    request,
    key,
    response,
    accept: (extraLines) => {
      socket.write(response(extraLines));
    },
    frames: (count) =>
      new Promise((resolve) => {
        const check = (): void => {
          const frames = decodeFrames(received());
          if (frames.length >= count) resolve(frames.slice(0, count));
          else onMoreData(check);
        };
        check();
      }),
  };
}

/** Decodes every complete frame in `bytes` (RFC 6455 5.2), unmasking payloads. */
export function decodeFrames(bytes: Buffer): ClientFrame[] {
  const frames: ClientFrame[] = [];
  let pos = 0;
  while (bytes.length - pos >= 2) {
    const b0 = bytes[pos]!;
    const b1 = bytes[pos + 1]!;
    let length = b1 & 0x7f;
    let p = pos + 2;
    if (length === 126) {
      if (bytes.length < p + 2) break;
      length = bytes.readUInt16BE(p);
      p += 2;
    } else if (length === 127) {
      if (bytes.length < p + 8) break;
      length = Number(bytes.readBigUInt64BE(p));
      p += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const key = masked ? bytes.subarray(p, p + 4) : Buffer.alloc(0);
    if (masked) p += 4;
    if (bytes.length < p + length) break;
    const payload = Buffer.from(bytes.subarray(p, p + length));
    if (masked) for (let i = 0; i < length; i++) payload[i]! ^= key[i & 3]!;
    frames.push({
      fin: (b0 & 0x80) !== 0,
      opcode: b0 & 0x0f,
      masked,
      key: Buffer.from(key),
      payload,
    });
    pos = p + length;
  }
  return frames;
}

/** An unmasked server frame (what a server sends), or a masked one when `mask` is given. */
export function serverFrame(
  opcode: number,
  payload: Uint8Array | string,
  mask?: Uint8Array,
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const length = data.length;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const out = Buffer.alloc(header + (mask ? 4 : 0) + length);
  out[0] = 0x80 | opcode;
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) out[1] = maskBit | length;
  else if (length < 0x10000) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = maskBit | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  let p = header;
  if (mask) {
    out.set(mask, p);
    p += 4;
    for (let i = 0; i < length; i++) data[i]! ^= mask[i & 3]!;
  }
  out.set(data, p);
  return out;
}

/** A close frame's payload read back: code and reason. */
export function closeOf(frame: ClientFrame): { code: number; reason: string } {
  return {
    code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005,
    reason: frame.payload.subarray(2).toString(),
  };
}
