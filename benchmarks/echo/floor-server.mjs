// The Node stream floor: a bare node:net (or node:tls) WebSocket echo without any WebSocket library.
// 'data' events, whole single frames assumed (a partial one is carried over), one write per reply.
// Usage: node floor-server.mjs [--tls --cert FILE --key FILE] [--port P]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    tls: { type: 'boolean', default: false },
    cert: { type: 'string' },
    key: { type: 'string' },
    // Read through net.Socket's `onread` into one shared buffer (plain TCP only).
    onread: { type: 'boolean', default: false },
  },
});
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const EMPTY = Buffer.alloc(0);

function onConnection(socket, setHandler) {
  let carry = null; // null until the Upgrade has been answered
  let head = '';
  socket.on('error', () => socket.destroy());
  const onChunk = (chunk) => {
    if (carry === null) {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      carry = EMPTY;
      return;
    }
    const b = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let p = 0;
    for (;;) {
      if (b.length - p < 2) break;
      let len = b[p + 1] & 0x7f;
      let h = 2;
      if (len === 126) {
        h = 4;
        len = b.length - p >= 4 ? b.readUInt16BE(p + 2) : -1;
      } else if (len === 127) {
        h = 10;
        len = b.length - p >= 10 ? b.readUInt32BE(p + 6) : -1;
      }
      if (len < 0 || b.length - p < h + 4 + len) break;
      if ((b[p] & 0x0f) === 8) {
        socket.end(); // a close frame
        return;
      }
      // Unmask in place and write the reply header over the mask key: one buffer, no copy.
      const m = p + h; // the mask key; the payload follows it
      const [m0, m1, m2, m3] = [b[m], b[m + 1], b[m + 2], b[m + 3]];
      const end = m + 4 + len;
      let i = m + 4;
      for (; i + 4 <= end; i += 4) {
        b[i] ^= m0;
        b[i + 1] ^= m1;
        b[i + 2] ^= m2;
        b[i + 3] ^= m3;
      }
      for (let k = 0; i < end; i++, k++) b[i] ^= b[m + k];
      const at = m + 4 - h; // the reply's header has the request's length field, without a mask
      for (let k = h - 1; k >= 2; k--) b[at + k] = b[p + k]; // backwards: the ranges overlap
      b[at + 1] = b[p + 1] & 0x7f;
      b[at] = b[p];
      const out = b.subarray(at, end);
      socket.write(out);
      p = end;
    }
    carry = p < b.length ? Buffer.from(b.subarray(p)) : EMPTY;
  };
  if (setHandler) setHandler(onChunk);
  else socket.on('data', onChunk);
}

const shared = Buffer.allocUnsafe(65536);
// The issue's `onread` floor: libuv reads into one shared buffer and calls us directly; frames are
// unmasked and answered in place (a small reply is written synchronously by libuv, so reusing the
// buffer is safe in practice for this benchmark), only an incomplete frame is copied.
function onConnectionOnread(paused) {
  const handle = paused._handle;
  paused._handle = null;
  let handler;
  const socket = new net.Socket({
    handle,
    onread: {
      buffer: shared,
      callback: (n, buf) => {
        handler(buf.subarray(0, n));
        return true;
      },
    },
  });
  onConnection(socket, (h) => {
    handler = h;
  });
  socket.resume();
}

const server = o.tls
  ? tls.createServer({ cert: readFileSync(o.cert), key: readFileSync(o.key) }, (s) =>
      onConnection(s),
    )
  : o.onread
    ? net.createServer({ pauseOnConnect: true }, (s) => onConnectionOnread(s))
    : net.createServer((s) => onConnection(s));
server.listen(Number(o.port), '127.0.0.1', () => {
  console.log(`listening on ${o.tls ? 'wss' : 'ws'}://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
