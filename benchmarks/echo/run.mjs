// The end-to-end echo benchmark: for each payload x transport, start each server (ws, the bare
// node:net floor, our lapps server) pinned to core 0, drive it with load.mjs pinned to core 1, and
// report round trips/s, server CPU µs per message and the ratio to ws, as a Markdown table and as
// JSON in benchmarks/results/. See ../README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { canPin, killGroup, launch as launchChild, onExit, stop } from '../lib/children.mjs';
import { canConnect, freePort, makeCertificate } from '../lib/network.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
// lapps: the built-in TypeScript echo; lapps-lua: the example's Lua echo (apps/lapps-server/example/apps/echo);
// lapps-2w: the Lua echo with 2 worker processes and 2 instances (every connection served where it
// lands), not pinned; lapps-2w-fwd: the same with 1 instance (the other worker forwards its half).
const SERVERS = ['ws', 'floor', 'floor-onread', 'lapps', 'lapps-lua', 'lapps-2w', 'lapps-2w-fwd'];
const WORKERS = { 'lapps-2w': 2, 'lapps-2w-fwd': 2 };

const { values: o } = parseArgs({
  // pnpm passes a literal `--` through when called as `pnpm bench:echo -- --flag`.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    payloads: { type: 'string', default: '128,1024,8192' },
    tls: { type: 'string', default: 'both' },
    connections: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    servers: { type: 'string', default: SERVERS.join(',') },
    pin: { type: 'string', default: 'auto' }, // auto | off
    retries: { type: 'string', default: '2' }, // re-measure a window disturbed by other processes
    rounds: { type: 'string', default: '1' }, // windows per server (medians are reported)
    'lapps-cli': { type: 'string', default: join(repo, 'apps/lapps-server/dist/cli.js') },
    out: { type: 'string', default: join(here, '../results') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (o.help) {
  console.log(`pnpm bench:echo -- [--payloads 128,1024,8192] [--tls both|on|off] [--connections 100]
  [--seconds 5] [--warmup 1] [--servers ws,floor,lapps] [--pin auto|off] [--retries 2] [--rounds 1] [--lapps-cli PATH] [--out DIR]`);
  process.exit(0);
}
const payloads = o.payloads.split(',').map(Number);
const transports = { both: ['plain', 'tls'], on: ['tls'], off: ['plain'] }[o.tls];
const servers = o.servers.split(',').filter((s) => SERVERS.includes(s));
if (!transports || payloads.some((p) => !(p > 0)) || servers.length === 0) {
  console.error('bad flags: see --help');
  process.exit(2);
}
const connections = Number(o.connections);
const seconds = Number(o.seconds);
const warmup = Number(o.warmup);
const retries = Number(o.retries);
const rounds = Math.max(1, Number(o.rounds));
/** More than this much CPU used by other processes during a window marks it as noisy. */
const NOISE_PCT = 10;
const noisy = (r) => (r.otherCpuPct ?? 0) > NOISE_PCT;

const tmp = mkdtempSync(join(os.tmpdir(), 'lapps-echo-bench-'));
onExit(() => rmSync(tmp, { recursive: true, force: true }));
const launch = (argv, { core } = {}) => launchChild(argv, { core, pinned });

// ---- machine ----
const cores = os.availableParallelism();
const pinned = canPin(o.pin);
let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {}
let bufferutil = false;
try {
  createRequire(createRequire(import.meta.url).resolve('ws')).resolve('bufferutil');
  bufferutil = true;
} catch {}
const machine = {
  node: process.version,
  cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
  cores,
  kernel: `${os.type()} ${os.release()}`,
  pinned,
  clkTck,
  wsBufferutil: bufferutil,
};

// ---- TLS certificate ----
let cert;
let tlsProblem;
if (transports.includes('tls')) {
  const made = makeCertificate(tmp);
  if (made.problem) {
    tlsProblem = made.problem;
    console.error(tlsProblem);
  } else cert = made;
}

// ---- servers ----
let confCount = 0;
async function startServer(server, tls) {
  const tlsArgs = tls ? ['--tls', '--cert', cert.cert, '--key', cert.key] : [];
  let argv;
  let port;
  if (server.startsWith('lapps')) {
    if (!existsSync(o['lapps-cli'])) {
      throw new Error(
        `skipped: ${o['lapps-cli']} is missing (run \`pnpm --filter @lapps/server build\`)`,
      );
    }
    port = await freePort();
    const dir = join(tmp, `conf-${++confCount}`);
    mkdirSync(dir);
    const ws = {
      ip: '127.0.0.1',
      port,
      workers: { workers: WORKERS[server] ?? 1, max_connections: 100000 },
      tls,
      tls_certificates: cert ? { cert: cert.cert, key: cert.key } : undefined,
      connections: { max_per_ip: 100000 },
      log: { level: 'warn', pretty: false },
    };
    const lapps = {
      // With an applications folder holding echo/echo.lua the service is the Lua echo; without
      // one it is the server's built-in TypeScript echo.
      directories: {
        applications: server === 'lapps' ? dir : join(repo, 'apps/lapps-server/example/apps'),
      },
      services: {
        echo: {
          standalone: false,
          instances: server === 'lapps-2w' ? 2 : 1,
          auto_start: true,
          request_target: '/echo',
          protocol: 'raw',
          max_inbound_message_size: 16777216,
        },
      },
    };
    writeFileSync(join(dir, 'ws.json'), JSON.stringify(ws, null, 2));
    writeFileSync(join(dir, 'lapps.json'), JSON.stringify(lapps, null, 2));
    argv = [process.execPath, o['lapps-cli'], 'start', '--conf-dir', dir];
  } else {
    const script = join(here, server === 'ws' ? 'ws-server.mjs' : 'floor-server.mjs');
    const onread = server === 'floor-onread' && !tls ? ['--onread'] : [];
    argv = [process.execPath, script, '--port', '0', ...tlsArgs, ...onread];
  }
  // Several workers need both cores (shared with the load generator): not pinned.
  const child = launch(argv, WORKERS[server] ? {} : { core: 0 });
  // Ready when it logs `listening on ws://...:PORT` (or wss://); for lapps, whose log level is
  // `warn` here, also when its port accepts a connection.
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    const m = /listening on wss?:\/\/[^\s"]*:(\d+)/.exec(child.output.stdout);
    if (m) return { child, port: Number(m[1]) };
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (port !== undefined && (await canConnect(port))) return { child, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = child.exitCode ?? child.signalCode;
  await stop(child);
  throw new Error(
    `${server} did not start (${exited === null ? 'timeout after 15 s' : `exit ${exited}`}): ` +
      `${(child.output.stderr || child.output.stdout).trim().slice(-1500)}`,
  );
}

async function runLoad(port, tls, serverPid, payload) {
  const argv = [process.execPath, join(here, 'load.mjs'), '--port', String(port), '--path', '/echo']
    .concat(['--connections', String(connections), '--payload', String(payload)])
    .concat(['--warmup', String(warmup), '--seconds', String(seconds)])
    .concat(['--cpu-pid', String(serverPid), '--clk-tck', String(clkTck)], tls ? ['--tls'] : []);
  const child = launch(argv, { core: 1 });
  const limit = setTimeout(() => killGroup(child, 'SIGKILL'), (warmup + seconds + 40) * 1000);
  const code = await child.exited;
  clearTimeout(limit);
  const lines = child.output.stdout.trim().split('\n');
  if (code !== 0) throw new Error(`load generator failed (${code}): ${child.output.stderr.trim()}`);
  const info = lines.map((l) => JSON.parse(l));
  return { ...info.at(-1), tlsInfo: info.find((l) => l.event === 'connected')?.tls };
}

// ---- the matrix ----
const results = [];
console.error(
  `echo benchmark: ${connections} connections, ${warmup} s warmup + ${seconds} s window, ` +
    `servers ${servers.join(', ')}, ${pinned ? 'pinned (server core 0, load core 1)' : 'not pinned'}`,
);
/** One window: start the server, run the load generator, stop the server. A window disturbed by
 * other processes (other CPU %) is measured again, up to --retries times; the quietest is kept. */
async function measure(server, transport, payload) {
  let r;
  for (let attempt = 0; attempt <= retries && !(r && !noisy(r)); attempt++) {
    let started;
    let m;
    try {
      started = await startServer(server, transport === 'tls');
      m = await runLoad(started.port, transport === 'tls', started.child.pid, payload);
    } finally {
      if (started) await stop(started.child);
    }
    if (!r || (m.otherCpuPct ?? 0) < (r.otherCpuPct ?? 0)) r = m;
    if (noisy(m) && attempt < retries) {
      console.error(`  (other processes used ${m.otherCpuPct.toFixed(0)}% CPU: measuring again)`);
    }
  }
  return r;
}

function median(xs) {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

for (const transport of transports) {
  for (const payload of payloads) {
    const rows = servers.map((server) => ({
      transport,
      payload,
      server,
      connections,
      samples: [],
    }));
    results.push(...rows);
    if (transport === 'tls' && !cert) {
      for (const row of rows) row.error = tlsProblem;
      continue;
    }
    // Rounds rotate the servers' order, so a machine that drifts does not favour one of them.
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[(i + round) % rows.length];
        if (row.error) continue;
        try {
          row.samples.push(await measure(row.server, transport, payload));
        } catch (err) {
          row.error = err.message;
        }
        const m = row.samples.at(-1);
        console.error(
          `  ${transport} ${payload} B ${row.server}${rounds > 1 ? ` (round ${round + 1})` : ''}: ${
            row.error ?? `${m.rps.toFixed(0)} rt/s, ${m.serverCpuUsPerMsg?.toFixed(2)} µs/msg`
          }`,
        );
      }
    }
    for (const row of rows) {
      if (row.samples.length === 0) continue;
      const keys = ['rps', 'serverCpuUsPerMsg', 'serverCpuPct', 'loadCpuPct', 'otherCpuPct'];
      for (const key of keys) row[key] = median(row.samples.map((x) => x[key]));
      row.stealPct = Math.max(...row.samples.map((x) => x.stealPct ?? 0));
      row.tls = row.samples[0].tlsInfo || undefined;
      for (const x of row.samples) delete x.tlsInfo;
    }
    const base = results.find(
      (r) => r.transport === transport && r.payload === payload && r.server === 'ws',
    );
    for (const r of results) {
      if (r.transport === transport && r.payload === payload && base?.rps && r.rps) {
        r.ratioToWs = r.rps / base.rps;
        if (base.serverCpuUsPerMsg && r.serverCpuUsPerMsg) {
          // Messages per server CPU-second relative to ws (> 1: cheaper than ws).
          r.cpuRatioToWs = base.serverCpuUsPerMsg / r.serverCpuUsPerMsg;
        }
      }
    }
  }
}

// ---- report ----
const f = (x, d) => (x === undefined || x === null || Number.isNaN(x) ? '–' : x.toFixed(d));
/** The load generator had no CPU left while the server had some: round trips/s measure the client. */
const loadBound = (r) => r.loadCpuPct >= 95 && r.serverCpuPct < 95;
const size = (p) => (p >= 1024 && p % 1024 === 0 ? `${p / 1024} KiB` : `${p} B`);
const lines = [
  '| transport | payload | server | round trips/s | server CPU µs/msg | ratio to ws (rps) | ratio to ws (CPU) | server CPU % | load gen CPU % | other CPU % |',
  '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|',
];
for (const r of results) {
  const head = `| ${r.transport} | ${size(r.payload)} | ${r.server} |`;
  if (r.error) lines.push(`${head} ${r.error.split('\n')[0].slice(0, 160)} | | | | | | |`);
  else {
    lines.push(
      `${head} ${f(r.rps, 0)}${loadBound(r) ? ' *' : ''} | ${f(r.serverCpuUsPerMsg, 2)} | ` +
        `${f(r.ratioToWs, 2)} | ${f(r.cpuRatioToWs, 2)} | ${f(r.serverCpuPct, 0)} | ${f(r.loadCpuPct, 0)} | ${f(r.otherCpuPct, 0)}${noisy(r) ? ' (noisy)' : ''} |`,
    );
  }
}
const tlsInfo = results.find((r) => r.tls)?.tls;
lines.push(
  '',
  `node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, ${machine.kernel}, ` +
    `${pinned ? 'servers pinned to core 0 and the load generator to core 1 (taskset)' : 'not pinned'}; ` +
    `${connections} connections, one message in flight each, ${seconds} s window after ${warmup} s warmup` +
    `${rounds > 1 ? ` (median of ${rounds} rounds)` : ''}; ` +
    `ws ${bufferutil ? 'with' : 'WITHOUT'} bufferutil${tlsInfo ? `; TLS ${tlsInfo.protocol} ${tlsInfo.cipher}` : ''}.`,
);
if (results.some((r) => !r.error && loadBound(r))) {
  lines.push(
    '*: the load generator used its whole core while the server still had idle time: this round ' +
      'trips/s is the load generator’s limit; compare server CPU µs/msg (ratio to ws (CPU)) instead.',
  );
}
if (results.some((r) => !r.error && noisy(r))) {
  lines.push(
    `(noisy): other processes used more than ${NOISE_PCT}% of a core during that window, even after ` +
      `${retries} retries; its figures are unreliable.`,
  );
}
const steal = Math.max(0, ...results.map((r) => r.stealPct ?? 0));
if (steal >= 1)
  lines.push(`Hypervisor steal up to ${steal.toFixed(0)}% of one core during a window: noisy.`);
for (const [server, transport, target] of [
  ['lapps', 'plain', 1.3],
  ['lapps', 'tls', 1.2],
  ['lapps-lua', 'plain', 1.2],
  ['lapps-lua', 'tls', 1.2],
]) {
  const at = (name) =>
    results.find((x) => x.transport === transport && x.payload === 1024 && x.server === name);
  const r = at(server);
  if (r?.ratioToWs !== undefined && connections === 100) {
    // Within one round the servers ran back to back: on a machine whose speed drifts between
    // rounds, the ratio of each round is steadier than the ratio of the medians.
    const base = at('ws');
    const perRound = r.samples
      .map((x, k) => (base.samples[k]?.rps ? x.rps / base.samples[k].rps : undefined))
      .filter((x) => x !== undefined);
    const rounds =
      perRound.length > 1
        ? `; per round ${median(perRound).toFixed(2)}x median, ${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}x`
        : '';
    lines.push(
      `Target (not asserted): ${server} >= ${target}x ws round trips/s at 1 KiB ${transport}: ` +
        `measured ${r.ratioToWs.toFixed(2)}x (per server CPU: ${f(r.cpuRatioToWs, 2)}x${rounds}).`,
    );
  }
}
console.log(lines.join('\n'));

mkdirSync(o.out, { recursive: true });
const date = new Date().toISOString();
const file = join(o.out, `echo-${date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
const options = { payloads, transports, connections, seconds, warmup, servers, retries, rounds };
writeFileSync(file, `${JSON.stringify({ date, machine, options, results }, null, 2)}\n`);
console.error(`results: ${file}`);
const failed = results.some(
  (r) => r.error && !r.error.startsWith('skipped') && !r.error.startsWith('TLS skipped'),
);
process.exitCode = failed ? 1 : 0;
