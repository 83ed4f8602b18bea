// Bun's WebSocket echo server (uWebSockets inside), for the e2e matrix. Run with the `bun` binary:
// bun bun-server.mjs [--port P] [--tls --cert FILE --key FILE]
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const tls = args.includes('--tls')
  ? { cert: Bun.file(flag('--cert')), key: Bun.file(flag('--key')) }
  : undefined;
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(flag('--port') ?? 0),
  ...(tls && { tls }),
  fetch(req, srv) {
    if (srv.upgrade(req)) return undefined;
    return new Response('WebSocket only', { status: 426 });
  },
  websocket: {
    maxPayloadLength: 16 * 1024 * 1024,
    idleTimeout: 0,
    perMessageDeflate: false,
    message(ws, message) {
      ws.send(message);
    },
  },
});
console.log(`listening on ${tls ? 'wss' : 'ws'}://127.0.0.1:${server.port}`);
