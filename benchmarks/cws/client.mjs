// Is `lapps bench` fast enough to measure Node servers? The `ws` echo server pinned to core 0, the
// load generator pinned to core 1: `lapps bench` (the @lapps/cws client), then the `ws` library's
// client doing the same (the baseline), each for the same window. Reports round trips/s, the load
// generator's CPU per round trip and the server's CPU per message and use of its core.
// Targets (issue 6): lapps bench keeps the ws server >= 95% busy and spends no more CPU per round
// trip than the ws server does per message. See ../README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { canPin, launch, stop, waitForOutput } from '../lib/children.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const { values: o } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    seconds: { type: 'string', default: '5' },
    payload: { type: 'string', default: '1024' },
    connections: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    pin: { type: 'string', default: 'auto' },
    'lapps-cli': { type: 'string', default: join(repo, 'apps/lapps-server/dist/cli.js') },
    out: { type: 'string', default: join(here, '../results') },
  },
});
if (!existsSync(o['lapps-cli'])) {
  console.error(`${o['lapps-cli']} is missing: run \`pnpm --filter @lapps/server build\` first`);
  process.exit(2);
}
const pinned = canPin(o.pin);
let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {}

const LOADS = {
  'lapps bench': (url, pid) => [
    process.execPath,
    o['lapps-cli'],
    'bench',
    ...['--url', url, '--connections', o.connections, '--payload', o.payload],
    ...['--duration', o.seconds, '--warmup', '1', '--server-pid', String(pid), '--json'],
  ],
  'ws client': (url, pid) => [
    process.execPath,
    join(here, 'ws-client-load.mjs'),
    ...['--url', url, '--connections', o.connections, '--payload', o.payload],
    ...['--duration', o.seconds, '--warmup', '1', '--server-pid', String(pid)],
    ...['--clk-tck', String(clkTck)],
  ],
};

async function measure(load) {
  const server = launch([process.execPath, join(repo, 'benchmarks/echo/ws-server.mjs')], {
    core: 0,
    pinned,
  });
  try {
    const [, port] = await waitForOutput(server, /listening on ws:\/\/[^\s]*:(\d+)/);
    const url = `ws://127.0.0.1:${port}/echo`;
    const client = launch(LOADS[load](url, server.pid), { core: 1, pinned });
    const code = await client.exited;
    if (code !== 0) throw new Error(`${load} failed (${code}): ${client.output.stderr.trim()}`);
    return JSON.parse(client.output.stdout.trim().split('\n').at(-1));
  } finally {
    await stop(server);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const samples = { 'lapps bench': [], 'ws client': [] };
console.error(
  `cws client benchmark: ${o.connections} connections, ${o.payload} B, ${o.seconds} s windows, ` +
    `${o.rounds} rounds, ${pinned ? 'ws server on core 0, load on core 1' : 'not pinned'}`,
);
for (let round = 0; round < Number(o.rounds); round++) {
  for (const load of round % 2 === 0
    ? ['lapps bench', 'ws client']
    : ['ws client', 'lapps bench']) {
    const r = await measure(load);
    samples[load].push(r);
    console.error(
      `  ${load}: ${r.roundTripsPerSecond.toFixed(0)} rt/s, load ${r.loadCpuUsPerRoundTrip.toFixed(2)} µs/rt, ` +
        `server ${r.serverCpuUsPerRoundTrip?.toFixed(2)} µs/msg at ${r.serverCpuPercent?.toFixed(0)}%`,
    );
  }
}
const rows = Object.entries(samples).map(([load, xs]) => {
  const pick = (key) => median(xs.map((x) => x[key]));
  return {
    load,
    rps: pick('roundTripsPerSecond'),
    loadUs: pick('loadCpuUsPerRoundTrip'),
    loadPct: pick('loadCpuPercent'),
    serverUs: pick('serverCpuUsPerRoundTrip'),
    serverPct: pick('serverCpuPercent'),
  };
});
const base = rows.find((r) => r.load === 'ws client');
const lines = [
  '| load generator | round trips/s | ratio to ws client | load CPU µs/round trip | load CPU % | ws server CPU µs/msg | ws server CPU % | load / server CPU per message |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.load} | ${r.rps.toFixed(0)} | ${(r.rps / base.rps).toFixed(2)} | ${r.loadUs.toFixed(2)} | ` +
      `${r.loadPct.toFixed(0)} | ${r.serverUs.toFixed(2)} | ${r.serverPct.toFixed(0)} | ${(r.loadUs / r.serverUs).toFixed(2)} |`,
  ),
];
const ours = rows.find((r) => r.load === 'lapps bench');
lines.push(
  '',
  `Medians of ${o.rounds} rounds; node ${process.version}; ${pinned ? 'pinned with taskset' : 'not pinned'}.`,
  `Target: lapps bench keeps the ws server >= 95% busy: ${ours.serverPct.toFixed(0)}%; ` +
    `its CPU per round trip <= the ws server's per message: ${(ours.loadUs / ours.serverUs).toFixed(2)}x.`,
);
console.log(lines.join('\n'));
mkdirSync(o.out, { recursive: true });
const date = new Date().toISOString();
const file = join(o.out, `cws-client-${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
writeFileSync(file, `${JSON.stringify({ date, options: o, pinned, samples, rows }, null, 2)}\n`);
console.error(`results: ${file}`);
