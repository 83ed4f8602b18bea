// LAppS 0.9's headline run, reproduced: ONE server process with the Lua `echo` service and the
// standalone `benchmark` service (cws from Lua: 4 instances x 100 connections, 1 KiB), TLS off and
// on; its round trips/s are the sum of what the benchmark instances report each second. Beside it,
// in the same run, the same load from a separate process (`lapps bench`, 400 connections) against
// the `ws` echo server and against our Lua echo. See ../README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { canPin, launch, onExit, stop, waitForOutput } from '../lib/children.mjs';
import { freePort, makeCertificate } from '../lib/network.mjs';
import { treeCpuTicks } from '../echo/proc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const { values: o } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    tls: { type: 'string', default: 'both' },
    instances: { type: 'string', default: '4' },
    connections: { type: 'string', default: '100' },
    payload: { type: 'string', default: '1024' },
    // Worker processes of the combined (echo + benchmark) server: e.g. 1,2 runs it with each.
    workers: { type: 'string', default: '1' },
    // Only the combined rows (skip the separate-process comparison).
    'combined-only': { type: 'boolean', default: false },
    'lapps-cli': { type: 'string', default: join(repo, 'apps/lapps-server/dist/cli.js') },
    out: { type: 'string', default: join(here, '../results') },
  },
});
const cli = o['lapps-cli'];
if (!existsSync(cli)) {
  console.error(`${cli} is missing: run \`pnpm --filter @lapps/server build\` first`);
  process.exit(2);
}
const seconds = Number(o.seconds);
const warmup = Number(o.warmup);
const instances = Number(o.instances);
const perInstance = Number(o.connections);
const total = instances * perInstance;
const transports = { both: ['plain', 'tls'], on: ['tls'], off: ['plain'] }[o.tls];
const pinned = canPin();
let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {}
const tmp = mkdtempSync(join(os.tmpdir(), 'lapps-headline-'));
onExit(() => rmSync(tmp, { recursive: true, force: true }));
const cert = transports.includes('tls') ? makeCertificate(tmp) : undefined;
if (cert?.problem) console.error(cert.problem);
const apps = join(repo, 'apps/lapps-server/example/apps');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function writeConf(name, { port, tls, benchmark, workers = 1 }) {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const ws = {
    ip: '127.0.0.1',
    port,
    workers: { workers, max_connections: 100000 },
    tls,
    // `ca`: the cws module trusts it, so the benchmark service verifies the self-signed certificate.
    ...(tls && { tls_certificates: { cert: cert.cert, key: cert.key, ca: cert.cert } }),
    connections: { max_per_ip: 100000 },
    log: { level: 'info', pretty: false },
  };
  const services = {
    echo: {
      request_target: '/echo',
      protocol: 'raw',
      // One echo instance per worker: no connection is forwarded.
      instances: workers,
      max_inbound_message_size: 16777216,
    },
  };
  if (benchmark) {
    services.benchmark = {
      standalone: true,
      instances,
      preload: ['cws', 'time'],
      depends: ['echo'],
      settings: {
        url: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/echo`,
        connections: perInstance,
        payload: Number(o.payload),
      },
    };
  }
  writeFileSync(join(dir, 'ws.json'), JSON.stringify(ws));
  writeFileSync(
    join(dir, 'lapps.json'),
    JSON.stringify({ directories: { applications: apps }, services }),
  );
  return dir;
}

/** The in-process run: the benchmark service's per-second reports, summed over its instances. */
async function inProcess(tls, workers) {
  const port = await freePort();
  const reports = [];
  let buffered = '';
  const server = launch(
    [
      process.execPath,
      cli,
      'start',
      '--conf-dir',
      writeConf(`in-${tls}-${workers}`, { port, tls, benchmark: true, workers }),
    ],
    {
      onStdout: (text) => {
        buffered += text;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) {
          const m = /"instance":(\d+).*"msg":"(\d+) messages received per (\d+) ms"/.exec(line);
          // (with several workers each line also names its worker; instances are numbered per service)
          if (m)
            reports.push({
              at: performance.now(),
              instance: Number(m[1]),
              count: Number(m[2]),
              ms: Number(m[3]),
            });
        }
      },
    },
  );
  try {
    await waitForOutput(server, /listening on/, 20000, 'lapps');
    await sleep(warmup * 1000);
    const from = performance.now();
    const cpuFrom = treeCpuTicks(server.pid);
    await sleep(seconds * 1000);
    const cpuTo = treeCpuTicks(server.pid);
    const window = reports.filter((r) => r.at > from);
    const failures = (server.output.stdout.match(/benchmark: connection/g) ?? []).length;
    if (window.length === 0)
      throw new Error(
        `no reports from the benchmark service: ${server.output.stdout.slice(-1500)}`,
      );
    // Per instance: messages over the milliseconds they were counted in; then the sum.
    let rps = 0;
    for (let i = 0; i < instances; i++) {
      const mine = window.filter((r) => r.instance === i);
      const ms = mine.reduce((n, r) => n + r.ms, 0);
      if (ms > 0) rps += (mine.reduce((n, r) => n + r.count, 0) * 1000) / ms;
    }
    const cpuPct = (100 * (cpuTo - cpuFrom)) / clkTck / seconds;
    return { rps, serverCpuPercent: cpuPct, reports: window.length, failures };
  } finally {
    await stop(server);
  }
}

/** The same load from `lapps bench` in its own process, against `server`. */
async function separate(server, tls) {
  let child;
  let url;
  if (server === 'ws') {
    const args = tls ? ['--tls', '--cert', cert.cert, '--key', cert.key] : [];
    child = launch([process.execPath, join(repo, 'benchmarks/echo/ws-server.mjs'), ...args], {
      core: 0,
      pinned,
    });
    const [, scheme, port] = await waitForOutput(
      child,
      /listening on (wss?):\/\/[^\s]*:(\d+)/,
      15000,
      'ws',
    );
    url = `${scheme}://127.0.0.1:${port}/echo`;
  } else {
    const port = await freePort();
    child = launch(
      [
        process.execPath,
        cli,
        'start',
        '--conf-dir',
        writeConf(`sep-${tls}`, { port, tls, benchmark: false }),
      ],
      { core: 0, pinned },
    );
    await waitForOutput(child, /listening on/, 20000, 'lapps');
    url = `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/echo`;
  }
  try {
    const load = launch(
      [
        process.execPath,
        cli,
        'bench',
        '--url',
        url,
        '--connections',
        String(total),
        '--payload',
        o.payload,
      ]
        .concat([
          '--duration',
          String(seconds),
          '--warmup',
          String(warmup),
          '--server-pid',
          String(child.pid),
          '--json',
        ])
        .concat(tls ? ['--ca', cert.cert] : []),
      { core: 1, pinned },
    );
    const code = await load.exited;
    if (code !== 0)
      throw new Error(`lapps bench failed (${code}): ${load.output.stderr.trim().slice(-800)}`);
    const r = JSON.parse(load.output.stdout.trim().split('\n').at(-1));
    return {
      rps: r.roundTripsPerSecond,
      serverCpuPercent: r.serverCpuPercent,
      loadCpuPercent: r.loadCpuPercent,
      p99Ms: r.latencyMs.p99,
    };
  } finally {
    await stop(child);
  }
}

const rows = [];
console.error(
  `headline: ${instances} x ${perInstance} connections, ${o.payload} B, ${warmup} s warmup + ${seconds} s, ` +
    `${pinned ? 'separate-process runs pinned (server core 0, lapps bench core 1)' : 'not pinned'}`,
);
for (const transport of transports) {
  const tls = transport === 'tls';
  if (tls && cert?.problem) continue;
  const runs = o.workers
    .split(',')
    .map(Number)
    .map((w) => [
      w === 1
        ? 'lapps + benchmark service (one process)'
        : `lapps + benchmark service (${w} workers)`,
      () => inProcess(tls, w),
    ]);
  if (!o['combined-only']) {
    runs.push(
      ['ws, loaded by lapps bench', () => separate('ws', tls)],
      ['lapps Lua echo, loaded by lapps bench', () => separate('lapps', tls)],
    );
  }
  for (const [name, run] of runs) {
    try {
      const r = await run();
      rows.push({ transport, name, ...r });
      console.error(`  ${transport} ${name}: ${r.rps.toFixed(0)} rt/s`);
    } catch (error) {
      rows.push({ transport, name, error: error.message });
      console.error(`  ${transport} ${name}: ${error.message}`);
    }
  }
}
const lines = [
  '| transport | setup | round trips/s | ratio to ws | server CPU % |',
  '|---|---|---:|---:|---:|',
];
for (const r of rows) {
  const base = rows.find((x) => x.transport === r.transport && x.name.startsWith('ws'))?.rps;
  lines.push(
    r.error
      ? `| ${r.transport} | ${r.name} | ${r.error.split('\n')[0].slice(0, 120)} | | |`
      : `| ${r.transport} | ${r.name} | ${r.rps.toFixed(0)} | ${base ? (r.rps / base).toFixed(2) : '–'} | ${r.serverCpuPercent?.toFixed(0) ?? '–'} |`,
  );
}
lines.push(
  '',
  `${instances} x ${perInstance} = ${total} connections, ${o.payload} B binary, one message in flight each; ` +
    `node ${process.version}, ${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} cores. The one-process ` +
    'row runs server and client in one event loop (as LAppS 0.9 ran them in one process); the others put the ' +
    `client in its own process${pinned ? ' on its own core' : ''}.`,
);
console.log(lines.join('\n'));
mkdirSync(o.out, { recursive: true });
const date = new Date().toISOString();
const file = join(o.out, `headline-${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
writeFileSync(file, `${JSON.stringify({ date, options: o, pinned, rows }, null, 2)}\n`);
console.error(`results: ${file}`);
