// The baseline: the `ws` library's echo server (bufferutil is installed, so ws uses it).
// Usage: node ws-server.mjs [--tls --cert FILE --key FILE] [--port P] [--max-payload BYTES]
// Prints `listening on ws://127.0.0.1:PORT` (or wss://) on stdout once it accepts connections.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    tls: { type: 'boolean', default: false },
    cert: { type: 'string' },
    key: { type: 'string' },
    'max-payload': { type: 'string', default: String(16 * 1024 * 1024) },
  },
});
const port = Number(values.port);
const maxPayload = Number(values['max-payload']);

function echo(wss) {
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => {});
  });
}

if (values.tls) {
  const server = https.createServer({
    cert: readFileSync(values.cert),
    key: readFileSync(values.key),
  });
  echo(new WebSocketServer({ server, perMessageDeflate: false, maxPayload }));
  server.listen(port, '127.0.0.1', () => {
    console.log(`listening on wss://127.0.0.1:${server.address().port}`);
  });
} else {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port,
    perMessageDeflate: false,
    maxPayload,
  });
  echo(wss);
  wss.on('listening', () => console.log(`listening on ws://127.0.0.1:${wss.address().port}`));
}
process.on('SIGTERM', () => process.exit(0));
