// The end-to-end matrix (issue 8): LAppS (Lua echo, 1 worker pinned; 2 workers unpinned), the `ws`
// echo server, the Node stream floor, nginx + lua-resty-websocket and Bun, each loaded by
// `lapps bench` (the cws client, pinned to the other core) with 100 and 1000 connections, payloads
// 128 B to 8 KiB, plain and TLS, several repetitions (median, min, max), plus the memory of 10,000
// idle connections. Writes results/e2e-<date>.json, .md and .svg. See ../README.md.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { canPin, launch, onExit, stop, waitForOutput } from '../lib/children.mjs';
import { freePort, makeCertificate } from '../lib/network.mjs';
import { ensureBun } from './bun.mjs';
import { renderChart } from './chart.mjs';
import { ensureNginx, nginxCommand } from './nginx.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const ALL = ['lapps', 'lapps-2w', 'ws', 'floor', 'nginx', 'bun'];
const { values: o } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    reps: { type: 'string' },
    connections: { type: 'string', default: '100,1000' },
    payloads: { type: 'string' },
    tls: { type: 'string', default: 'both' },
    servers: { type: 'string', default: ALL.join(',') },
    memory: { type: 'string', default: '10000' }, // idle connections; 0 skips the memory test
    'lapps-cli': { type: 'string', default: join(repo, 'apps/lapps-server/dist/cli.js') },
    out: { type: 'string', default: join(here, '../results') },
  },
});
const cli = o['lapps-cli'];
if (!existsSync(cli)) {
  console.error(`${cli} is missing: run \`pnpm run build\` first`);
  process.exit(2);
}
// The default fits the 15-minute budget on a 2-core machine; --full is the 10 s cells of the issue.
const seconds = Number(o.seconds ?? (o.full ? 10 : 1));
const warmup = Number(o.warmup ?? (o.full ? 2 : 0.3));
const reps = Number(o.reps ?? (o.quick ? 1 : o.full ? 3 : 2));
const payloads = (o.payloads ?? (o.quick ? '1024' : '128,512,1024,8192')).split(',').map(Number);
const connectionCounts = o.connections.split(',').map(Number);
const transports = { both: ['plain', 'tls'], on: ['tls'], off: ['plain'] }[o.tls];
const pinned = canPin();
const tmp = mkdtempSync(join(os.tmpdir(), 'lapps-e2e-'));
onExit(() => rmSync(tmp, { recursive: true, force: true }));
const cert = transports.includes('tls') ? makeCertificate(tmp) : undefined;

// ---- which servers can run ----
const skipped = new Map();
const servers = o.servers.split(',').filter((s) => ALL.includes(s));
let bunBin;
if (servers.includes('nginx')) {
  const problem = ensureNginx();
  if (problem) skipped.set('nginx', problem);
}
if (servers.includes('bun')) {
  const bun = ensureBun(join(repo, 'benchmarks/.tools'));
  if (bun.problem) skipped.set('bun', bun.problem);
  else bunBin = bun.bin;
}
for (const why of skipped.values()) console.error(why);
const running = servers.filter((s) => !skipped.has(s));

// ---- processes ----
/** RSS (and peak RSS) of a process tree in bytes, from /proc. */
function treeMemory(pid) {
  const stat = (p) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'latin1');
      const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      return { rss: kb('VmRSS'), hwm: kb('VmHWM'), ppid };
    } catch {
      return undefined;
    }
  };
  const all = new Map();
  for (const name of readdirSync('/proc'))
    if (/^\d+$/.test(name)) all.set(Number(name), stat(name));
  let rss = 0;
  let hwm = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop();
    const s = all.get(p);
    if (!s) continue;
    rss += s.rss;
    hwm += s.hwm;
    for (const [child, cs] of all) if (cs?.ppid === p) stack.push(child);
  }
  return { rss, hwm };
}

async function startServer(server, transport) {
  const tls = transport === 'tls';
  const tlsArgs = tls ? ['--tls', '--cert', cert.cert, '--key', cert.key] : [];
  if (server === 'lapps' || server === 'lapps-2w') {
    const workers = server === 'lapps' ? 1 : 2;
    const port = await freePort();
    const dir = mkdtempSync(join(tmp, 'conf-'));
    writeFileSync(
      join(dir, 'ws.json'),
      JSON.stringify({
        ip: '127.0.0.1',
        port,
        workers: { workers, max_connections: 100000 },
        tls,
        ...(tls && { tls_certificates: { cert: cert.cert, key: cert.key } }),
        connections: { max_per_ip: 100000 },
        log: { level: 'warn', pretty: false },
      }),
    );
    writeFileSync(
      join(dir, 'lapps.json'),
      JSON.stringify({
        directories: { applications: join(repo, 'apps/lapps-server/example/apps') },
        services: {
          echo: { request_target: '/echo', instances: workers, max_inbound_message_size: 16777216 },
        },
      }),
    );
    const child = launch([process.execPath, cli, 'start', '--conf-dir', dir], {
      core: workers === 1 ? 0 : undefined,
      pinned,
    });
    await waitForOutput(child, /listening on/, 30000, server);
    return { child, port };
  }
  let argv;
  if (server === 'ws')
    argv = [process.execPath, join(repo, 'benchmarks/echo/ws-server.mjs'), ...tlsArgs];
  else if (server === 'floor')
    argv = [process.execPath, join(repo, 'benchmarks/echo/floor-server.mjs'), ...tlsArgs];
  else if (server === 'bun') argv = [bunBin, join(here, 'bun-server.mjs'), ...tlsArgs];
  else if (server === 'nginx') {
    const port = await freePort();
    const child = launch(
      nginxCommand(mkdtempSync(join(tmp, 'nginx-')), port, tls ? cert : undefined),
      {
        core: 0,
        pinned,
      },
    );
    // nginx prints nothing when it is up: wait until it accepts.
    const { canConnect } = await import('../lib/network.mjs');
    const deadline = Date.now() + 10000;
    while (!(await canConnect(port))) {
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop(child);
        throw new Error(`nginx did not start: ${child.output.stderr.slice(-800)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return { child, port };
  }
  const child = launch(argv, { core: 0, pinned });
  const [, port] = await waitForOutput(child, /listening on wss?:\/\/[^\s]*:(\d+)/, 15000, server);
  return { child, port: Number(port) };
}

async function runCell(started, transport, connections, payload) {
  const url = `${transport === 'tls' ? 'wss' : 'ws'}://127.0.0.1:${started.port}/echo`;
  const load = launch(
    [process.execPath, cli, 'bench', '--url', url, '--connections', String(connections)]
      .concat([
        '--payload',
        String(payload),
        '--duration',
        String(seconds),
        '--warmup',
        String(warmup),
      ])
      .concat(['--server-pid', String(started.child.pid), '--json', '--connect-timeout', '30'])
      .concat(transport === 'tls' ? ['--ca', cert.cert] : []),
    { core: 1, pinned },
  );
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, treeMemory(started.child.pid).rss);
  }, 250);
  const code = await load.exited;
  clearInterval(sampler);
  if (code !== 0)
    throw new Error(`lapps bench failed (${code}): ${load.output.stderr.trim().split('\n').pop()}`);
  const r = JSON.parse(load.output.stdout.trim().split('\n').at(-1));
  return {
    rps: r.roundTripsPerSecond,
    serverCpuUsPerMsg: r.serverCpuUsPerRoundTrip,
    serverUserUsPerMsg: r.serverUserUsPerRoundTrip,
    serverKernelUsPerMsg: r.serverKernelUsPerRoundTrip,
    serverCpuPct: r.serverCpuPercent,
    loadCpuPct: r.loadCpuPercent,
    p99Ms: r.latencyMs.p99,
    peakRssMiB: peak / 2 ** 20,
    errors: r.lostConnections + r.mismatchedEchoes + r.failedConnections,
  };
}

async function measureMemory(server) {
  const started = await startServer(server, 'plain');
  try {
    await new Promise((r) => setTimeout(r, 500));
    const before = treeMemory(started.child.pid).rss;
    const idle = launch(
      [
        process.execPath,
        join(here, 'idle-connections.mjs'),
        '--port',
        String(started.port),
        '--count',
        o.memory,
      ],
      { core: 1, pinned },
    );
    const [, opened] = await waitForOutput(idle, /"opened":(\d+)/, 120000, 'idle connections');
    await new Promise((r) => setTimeout(r, 2000));
    const after = treeMemory(started.child.pid).rss;
    await stop(idle);
    return {
      opened: Number(opened),
      kibPerConnection: (after - before) / 1024 / Number(opened),
      rssMiB: after / 2 ** 20,
    };
  } finally {
    await stop(started.child);
  }
}

// ---- the matrix ----
const started = Date.now();
const samples = new Map(); // key → [sample]
const key = (server, transport, connections, payload) =>
  `${server}|${transport}|${connections}|${payload}`;
const errors = new Map();
console.error(
  `e2e: ${running.join(', ')}; ${connectionCounts.join(' and ')} connections; payloads ${payloads.join(', ')}; ` +
    `${transports.join(' and ')}; ${reps} x (${warmup} s warmup + ${seconds} s); ${pinned ? 'pinned' : 'not pinned'}`,
);
for (let rep = 0; rep < reps; rep++) {
  for (const transport of transports) {
    if (transport === 'tls' && cert?.problem) continue;
    for (let i = 0; i < running.length; i++) {
      const server = running[(i + rep) % running.length]; // rotate: no server always goes first
      let s;
      try {
        s = await startServer(server, transport);
        for (const connections of connectionCounts) {
          for (const payload of payloads) {
            const k = key(server, transport, connections, payload);
            try {
              const m = await runCell(s, transport, connections, payload);
              if (!samples.has(k)) samples.set(k, []);
              samples.get(k).push(m);
              console.error(
                `  [${rep + 1}/${reps}] ${transport} ${server} ${connections}c ${payload} B: ${m.rps.toFixed(0)} rt/s`,
              );
            } catch (error) {
              errors.set(k, error.message);
              console.error(
                `  [${rep + 1}/${reps}] ${transport} ${server} ${connections}c ${payload} B: ${error.message}`,
              );
            }
          }
        }
      } catch (error) {
        for (const c of connectionCounts)
          for (const p of payloads) errors.set(key(server, transport, c, p), error.message);
        console.error(`  ${transport} ${server}: ${error.message}`);
      } finally {
        if (s) await stop(s.child);
      }
    }
  }
}
const memory = new Map();
if (Number(o.memory) > 0) {
  for (const server of running) {
    try {
      memory.set(server, await measureMemory(server));
      console.error(
        `  memory ${server}: ${memory.get(server).kibPerConnection.toFixed(1)} KiB per idle connection`,
      );
    } catch (error) {
      memory.set(server, { error: error.message });
    }
  }
}

// ---- report ----
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const cells = [];
for (const transport of transports) {
  for (const connections of connectionCounts) {
    for (const payload of payloads) {
      for (const server of servers) {
        const k = key(server, transport, connections, payload);
        const xs = samples.get(k) ?? [];
        const cell = { server, transport, connections, payload, reps: xs.length };
        if (skipped.has(server)) cell.skipped = skipped.get(server);
        else if (xs.length === 0) cell.error = errors.get(k) ?? 'no sample';
        else {
          const rps = xs.map((x) => x.rps);
          Object.assign(cell, {
            rps: median(rps),
            min: Math.min(...rps),
            max: Math.max(...rps),
            serverCpuUsPerMsg: median(xs.map((x) => x.serverCpuUsPerMsg ?? Number.NaN)),
            serverUserUsPerMsg: median(xs.map((x) => x.serverUserUsPerMsg ?? Number.NaN)),
            serverKernelUsPerMsg: median(xs.map((x) => x.serverKernelUsPerMsg ?? Number.NaN)),
            peakRssMiB: Math.max(...xs.map((x) => x.peakRssMiB)),
            p99Ms: median(xs.map((x) => x.p99Ms ?? Number.NaN)),
            clientBound:
              median(xs.map((x) => x.loadCpuPct)) >= 95 &&
              median(xs.map((x) => x.serverCpuPct)) < 95,
            errors: xs.reduce((n, x) => n + x.errors, 0),
          });
        }
        cells.push(cell);
      }
    }
  }
}
const f0 = (x) =>
  x === undefined || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US');
const f1 = (x) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
const size = (p) => (p >= 1024 ? `${p / 1024} KiB` : `${p} B`);
const md = [`# End-to-end echo benchmark, ${new Date().toISOString().slice(0, 16)}Z`, ''];
for (const transport of transports) {
  for (const connections of connectionCounts) {
    md.push(`## ${transport}, ${connections} connections`, '');
    md.push(
      `| server | ${payloads.map((p) => `${size(p)} rt/s (min–max)`).join(' | ')} | ratio to ws (1 KiB) | server CPU µs/msg (1 KiB) | user + kernel | peak RSS MiB |`,
    );
    md.push(`|---|${payloads.map(() => '---:').join('|')}|---:|---:|---:|---:|`);
    for (const server of servers) {
      const row = payloads.map((payload) => {
        const c = cells.find(
          (x) =>
            x.server === server &&
            x.transport === transport &&
            x.connections === connections &&
            x.payload === payload,
        );
        if (c.skipped) return 'skipped';
        if (c.error) return `error`;
        return `${f0(c.rps)}${c.clientBound ? ' *' : ''} (${f0(c.min)}–${f0(c.max)})`;
      });
      const at = (s) =>
        cells.find(
          (x) =>
            x.server === s &&
            x.transport === transport &&
            x.connections === connections &&
            x.payload === 1024,
        );
      const mine = at(server);
      const base = at('ws');
      md.push(
        `| ${server} | ${row.join(' | ')} | ${mine?.rps && base?.rps ? (mine.rps / base.rps).toFixed(2) : '–'} | ${f1(mine?.serverCpuUsPerMsg)} | ${f1(mine?.serverUserUsPerMsg)} + ${f1(mine?.serverKernelUsPerMsg)} | ${f1(mine?.peakRssMiB)} |`,
      );
    }
    md.push('');
  }
}
if (memory.size > 0) {
  md.push(
    `## Memory: ${o.memory} idle connections (plain)`,
    '',
    '| server | KiB per connection | RSS MiB with them | ratio to ws |',
    '|---|---:|---:|---:|',
  );
  const wsMem = memory.get('ws')?.kibPerConnection;
  for (const [server, m] of memory) {
    md.push(
      m.error
        ? `| ${server} | ${m.error.slice(0, 100)} | | |`
        : `| ${server} | ${f1(m.kibPerConnection)} | ${f1(m.rssMiB)} | ${wsMem ? (m.kibPerConnection / wsMem).toFixed(2) : '–'} |`,
    );
  }
  md.push('');
}
md.push(
  `Medians of ${reps} repetitions of ${seconds} s after ${warmup} s warmup; load: \`lapps bench\` ${pinned ? 'pinned to core 1, servers to core 0 (lapps-2w unpinned: 2 workers)' : 'not pinned'}; ` +
    `node ${process.version}, ${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} cores. ` +
    '`*`: the load generator used its whole core while the server had idle time (client-bound).',
);
for (const [server, why] of skipped) md.push(`- ${server}: ${why}`);
md.push(`- run time: ${((Date.now() - started) / 60000).toFixed(1)} min`);
const markdown = `${md.join('\n')}\n`;
console.log(markdown);
mkdirSync(o.out, { recursive: true });
const stamp = new Date()
  .toISOString()
  .replace(/:/g, '-')
  .replace(/\.\d+Z$/, 'Z');
const base = join(o.out, `e2e-${stamp}`);
writeFileSync(
  `${base}.json`,
  `${JSON.stringify({ options: { seconds, warmup, reps, payloads, connectionCounts, transports, servers, pinned }, cells, memory: Object.fromEntries(memory) }, null, 2)}\n`,
);
writeFileSync(`${base}.md`, markdown);
writeFileSync(
  `${base}.svg`,
  renderChart(cells, {
    servers: running,
    payloads,
    panels: transports.flatMap((transport) =>
      connectionCounts.map((connections) => ({ transport, connections })),
    ),
  }),
);
console.error(`results: ${base}.json, .md, .svg`);
