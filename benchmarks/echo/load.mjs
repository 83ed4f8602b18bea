// The load generator: N WebSocket connections over raw node:net / node:tls sockets, each with ONE
// message in flight (send a pre-built masked binary frame, wait for the whole echo, send again).
// Runs as its own process (pinned to its own core by run.mjs). Prints JSON lines on stdout:
// {"event":"connected"}, {"event":"window-start"}, {"event":"window-end"}, then the result
// {roundTrips, seconds, rps, serverCpuTicks, serverCpuUsPerMsg, loadCpuPct, verified, ...}.
import net from 'node:net';
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { machineTicks, treeCpuTicks } from './proc.mjs';

const { values: o } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    path: { type: 'string', default: '/' },
    tls: { type: 'boolean', default: false },
    connections: { type: 'string', default: '100' },
    payload: { type: 'string', default: '1024' },
    warmup: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '5' },
    'cpu-pid': { type: 'string' }, // the server's pid: its CPU time is read at the window's edges
    'clk-tck': { type: 'string', default: '100' },
    'connect-timeout': { type: 'string', default: '15' },
  },
});
const port = Number(o.port);
const N = Number(o.connections);
const size = Number(o.payload);
const cpuPid = o['cpu-pid'] === undefined ? undefined : Number(o['cpu-pid']);
const clkTck = Number(o['clk-tck']);

function out(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}
function fail(message) {
  process.stderr.write(`load: ${message}\n`);
  process.exit(1);
}

// The one request frame (binary, FIN, masked with a fixed key) and the exact echo it should get.
const payload = Buffer.allocUnsafe(size);
for (let i = 0; i < size; i++) payload[i] = (i * 31 + 7) & 0xff;
const mask = [0x37, 0xfa, 0x21, 0x3d];
const lenBytes = size < 126 ? 0 : size < 65536 ? 2 : 8;
const frame = Buffer.alloc(2 + lenBytes + 4 + size);
const reply = Buffer.alloc(2 + lenBytes + size);
for (const b of [frame, reply]) {
  b[0] = 0x82;
  b[1] = lenBytes === 0 ? size : lenBytes === 2 ? 126 : 127;
  if (lenBytes === 2) b.writeUInt16BE(size, 2);
  if (lenBytes === 8) b.writeBigUInt64BE(BigInt(size), 2);
}
frame[1] |= 0x80;
const maskAt = 2 + lenBytes;
for (let i = 0; i < 4; i++) frame[maskAt + i] = mask[i];
for (let i = 0; i < size; i++) frame[maskAt + 4 + i] = payload[i] ^ mask[i & 3];
payload.copy(reply, 2 + lenBytes);
const replyLen = reply.length;

const upgrade = Buffer.from(
  `GET ${o.path} HTTP/1.1\r\nHost: ${o.host}:${port}\r\nUpgrade: websocket\r\n` +
    'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
    'Sec-WebSocket-Version: 13\r\n\r\n',
  'latin1',
);

let roundTrips = 0;
let phase = 'connecting'; // connecting | running | verifying | done
let connected = 0;
let verifiedStart = 0;
let verifiedEnd = 0;
const conns = [];
const shared = Buffer.allocUnsafe(65536); // plain sockets read into this (the onread option)

class Conn {
  constructor() {
    this.head = ''; // the HTTP response, until upgraded
    this.upgraded = false;
    this.received = 0; // bytes of the current echo received so far
    this.verify = true; // copy and compare the next echo (the first one, and the last one)
    this.check = Buffer.allocUnsafe(replyLen);
    this.stopped = false;
    this.socket = undefined;
  }

  onBytes(buf, start, end) {
    if (!this.upgraded) {
      const text = buf.toString('latin1', start, end);
      this.head += text;
      const eoh = this.head.indexOf('\r\n\r\n');
      if (eoh < 0) return;
      if (!this.head.startsWith('HTTP/1.1 101'))
        fail(`upgrade refused: ${this.head.split('\r\n')[0]}`);
      const extra = this.head.length - (eoh + 4);
      this.upgraded = true;
      this.head = '';
      if (++connected === N) onAllConnected();
      if (extra > 0) this.onBytes(buf, end - extra, end);
      return;
    }
    const n = end - start;
    if (this.verify)
      buf.copy(this.check, this.received, start, Math.min(end, start + replyLen - this.received));
    this.received += n;
    if (this.received < replyLen) return;
    if (this.received > replyLen)
      fail(`unexpected bytes: ${this.received - replyLen} after an echo`);
    this.received = 0;
    if (this.verify) {
      if (!this.check.equals(reply))
        fail(`echo mismatch: got ${this.check.subarray(0, 16).toString('hex')}...`);
      this.verify = false;
      if (phase === 'verifying') {
        this.stopped = true;
        if (++verifiedEnd === N) finish();
        return;
      }
      verifiedStart++;
    }
    roundTrips++;
    if (phase === 'verifying') this.verify = true;
    this.socket.write(frame);
  }
}

function open() {
  const c = new Conn();
  const onError = (err) => fail(`connection error: ${err.message}`);
  const onClose = () => {
    if (phase !== 'done') fail('a connection was closed by the server');
  };
  if (o.tls) {
    c.socket = tls.connect({ host: o.host, port, rejectUnauthorized: false });
    c.socket.on('secureConnect', () => c.socket.write(upgrade));
    c.socket.on('data', (chunk) => c.onBytes(chunk, 0, chunk.length));
  } else {
    c.socket = net.connect({
      host: o.host,
      port,
      onread: { buffer: shared, callback: (n, buf) => c.onBytes(buf, 0, n) },
    });
    c.socket.on('connect', () => c.socket.write(upgrade));
  }
  c.socket.setNoDelay(true);
  c.socket.on('error', onError);
  c.socket.on('close', onClose);
  conns.push(c);
}

const connectTimer = setTimeout(
  () => fail(`only ${connected} of ${N} connections upgraded in time`),
  Number(o['connect-timeout']) * 1000,
);
for (let i = 0; i < N; i++) open();

let start;
function sample() {
  return {
    t: process.hrtime.bigint(),
    roundTrips,
    server: cpuPid === undefined ? undefined : treeCpuTicks(cpuPid),
    load: process.cpuUsage(),
    machine: machineTicks(),
  };
}

function onAllConnected() {
  clearTimeout(connectTimer);
  const first = conns[0].socket;
  out({
    event: 'connected',
    connections: N,
    tls: o.tls ? { protocol: first.getProtocol(), cipher: first.getCipher()?.name } : false,
  });
  phase = 'running';
  for (const c of conns) c.socket.write(frame);
  setTimeout(() => {
    start = sample();
    out({ event: 'window-start' });
    setTimeout(endWindow, Number(o.seconds) * 1000);
  }, Number(o.warmup) * 1000);
}

let result;
function endWindow() {
  const end = sample();
  out({ event: 'window-end' });
  const seconds = Number(end.t - start.t) / 1e9;
  const trips = end.roundTrips - start.roundTrips;
  const ticks =
    start.server === undefined || end.server === undefined ? undefined : end.server - start.server;
  const cpu = process.cpuUsage(start.load);
  const loadCpuUs = cpu.user + cpu.system;
  // CPU used on the machine by anything else than the server and this process (noise), and steal.
  const busy = end.machine && start.machine ? end.machine.busy - start.machine.busy : undefined;
  const otherCpuPct =
    busy === undefined || ticks === undefined
      ? undefined
      : Math.max(0, (100 * (busy - ticks)) / clkTck / seconds - loadCpuUs / 1e4 / seconds);
  const stealPct =
    busy === undefined
      ? undefined
      : (100 * (end.machine.steal - start.machine.steal)) / clkTck / seconds;
  result = {
    roundTrips: trips,
    seconds,
    rps: trips / seconds,
    serverCpuTicks: ticks,
    serverCpuUsPerMsg: ticks === undefined ? undefined : ((ticks / clkTck) * 1e6) / trips,
    serverCpuPct: ticks === undefined ? undefined : (100 * ticks) / clkTck / seconds,
    loadCpuUsPerMsg: loadCpuUs / trips,
    loadCpuPct: loadCpuUs / 1e4 / seconds,
    otherCpuPct,
    stealPct,
    connections: N,
    payload: size,
  };
  // Compare one more echo per connection, then stop.
  // (A connection halfway through an echo starts verifying with its next one.)
  phase = 'verifying';
  for (const c of conns) if (c.received === 0) c.verify = true;
  setTimeout(() => fail(`only ${verifiedEnd} of ${N} final echoes arrived`), 10_000).unref();
}

function finish() {
  phase = 'done';
  result.verified = { start: verifiedStart, end: verifiedEnd };
  out(result);
  for (const c of conns) c.socket.destroy();
  process.exit(0);
}
