// The baseline load generator for benchmarks/cws/client.mjs: the `ws` library's client doing what
// `lapps bench` does (N connections, one message in flight each, every echo sent straight back).
// Prints one JSON line: {roundTrips, seconds, loadCpuUsPerRoundTrip, loadCpuPercent,
// serverCpuUsPerRoundTrip, serverCpuPercent}.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { treeCpuTicks } from '../echo/proc.mjs';

const { values: o } = parseArgs({
  options: {
    url: { type: 'string' },
    connections: { type: 'string', default: '100' },
    payload: { type: 'string', default: '1024' },
    warmup: { type: 'string', default: '1' },
    duration: { type: 'string', default: '5' },
    'server-pid': { type: 'string' },
    'clk-tck': { type: 'string', default: '100' },
  },
});
const n = Number(o.connections);
const payload = Buffer.alloc(Number(o.payload), 0x61);
const serverPid = o['server-pid'] === undefined ? undefined : Number(o['server-pid']);
const tickUs = 1e6 / Number(o['clk-tck']);
let roundTrips = 0;
let open = 0;

await new Promise((resolve, reject) => {
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(o.url, { perMessageDeflate: false });
    ws.on('open', () => {
      ws.send(payload);
      if (++open === n) resolve();
    });
    ws.on('message', (data) => {
      roundTrips++;
      ws.send(data);
    });
    ws.on('error', reject);
  }
});
await new Promise((r) => setTimeout(r, Number(o.warmup) * 1000));
const serverAt = serverPid === undefined ? undefined : treeCpuTicks(serverPid);
const cpuAt = process.cpuUsage();
const start = performance.now();
roundTrips = 0;
await new Promise((r) => setTimeout(r, Number(o.duration) * 1000));
const count = roundTrips;
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuAt);
const serverUs = serverAt === undefined ? undefined : (treeCpuTicks(serverPid) - serverAt) * tickUs;
console.log(
  JSON.stringify({
    roundTrips: count,
    seconds,
    roundTripsPerSecond: count / seconds,
    loadCpuUsPerRoundTrip: (cpu.user + cpu.system) / count,
    loadCpuPercent: (100 * (cpu.user + cpu.system)) / (seconds * 1e6),
    ...(serverUs !== undefined && {
      serverCpuUsPerRoundTrip: serverUs / count,
      serverCpuPercent: (100 * serverUs) / (seconds * 1e6),
    }),
  }),
);
process.exit(0);
