// Opens N idle WebSocket connections to a server (raw sockets, one upgrade each, never a message),
// spread over 127.0.0.x source addresses when one address's ports would run short; prints
// {"opened":N} once all are open (or failed), then waits to be killed.
// Usage: node idle-connections.mjs --port P --path /echo --count N [--tls]
import net from 'node:net';
import tls from 'node:tls';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    port: { type: 'string' },
    path: { type: 'string', default: '/echo' },
    count: { type: 'string', default: '10000' },
    tls: { type: 'boolean', default: false },
  },
});
const count = Number(o.count);
const request = Buffer.from(
  `GET ${o.path} HTTP/1.1\r\nHost: 127.0.0.1:${o.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
);
const PER_ADDRESS = 20000;
let opened = 0;
let failed = 0;
const sockets = [];
function openOne(i) {
  return new Promise((resolve) => {
    const localAddress = `127.0.0.${1 + Math.floor(i / PER_ADDRESS)}`;
    const options = { host: '127.0.0.1', port: Number(o.port), localAddress };
    const socket = o.tls
      ? tls.connect({ ...options, rejectUnauthorized: false })
      : net.connect(options);
    socket.once(o.tls ? 'secureConnect' : 'connect', () => socket.write(request));
    let head = '';
    const onData = (chunk) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) opened++;
      else failed++;
      resolve();
    };
    socket.on('data', onData);
    socket.on('error', () => {
      failed++;
      resolve();
    });
    sockets.push(socket);
  });
}
// 200 handshakes at a time: a burst of 10,000 SYNs overflows any accept backlog.
let next = 0;
await Promise.all(
  Array.from({ length: 200 }, async () => {
    while (next < count) await openOne(next++);
  }),
);
console.log(JSON.stringify({ opened, failed }));
setInterval(() => {}, 1 << 30);
