// Soak: many connections sending a little, for minutes, watching the server's memory.
//
//   pnpm soak -- --minutes N [--connections 5000] [--rate 1]
//
// Starts the real server (startLapps), opens the connections, has each send a small message
// `rate` times a second, samples the server's RSS (/proc/<pid>/status) and this process's heap
// every 10 s, prints a table, and exits 1 if the server's RSS grew by more than 20% from the end of
// the warm-up (the first minute, or the first third of shorter runs) to the end, if it died, or if
// echoes went missing. Not run in CI.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { startLapps } from './servers.js';

const SAMPLE_MS = 10000;
const MAX_GROWTH = 0.2;
const FD_MARGIN = 256;

function option(name: string, fallback: number): number {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const at = args.indexOf(`--${name}`);
  const inline = args.find((arg) => arg.startsWith(`--${name}=`));
  const raw = inline !== undefined ? inline.split('=')[1] : at >= 0 ? args[at + 1] : undefined;
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`soak: --${name} wants a positive number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

function fdLimit(): { soft: number; hard: number } {
  const read = (flag: string) => {
    const out = execFileSync('sh', ['-c', `ulimit ${flag}`])
      .toString()
      .trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out);
  };
  return { soft: read('-Sn'), hard: read('-Hn') };
}

/**
 * Each side (this process and the server, which inherits our limit) needs a descriptor per
 * connection. Node cannot raise its own limit: when the soft limit is too low we re-run ourselves
 * under `ulimit -n`, once; if even the hard limit is too low, fewer connections, with a warning.
 */
function connectionsWithinLimits(wanted: number): number {
  const need = wanted + FD_MARGIN;
  const { soft, hard } = fdLimit();
  if (soft >= need) return wanted;
  if (process.env.LAPPS_SOAK_RAISED === undefined && hard > soft) {
    const target = Math.min(hard, need);
    console.log(`soak: ulimit -n is ${soft}, ${need} wanted: re-running under ulimit -n ${target}`);
    const result = spawnSync(
      'sh',
      [
        '-c',
        `ulimit -n ${target} && exec "$0" "$@"`,
        process.execPath,
        ...process.execArgv,
        ...process.argv.slice(1),
      ],
      { stdio: 'inherit', env: { ...process.env, LAPPS_SOAK_RAISED: '1' } },
    );
    process.exit(result.status ?? 1);
  }
  const fewer = Math.max(1, Math.floor(Math.min(soft, hard) - FD_MARGIN));
  console.warn(
    `soak: WARNING: ulimit -n is ${soft} (hard ${hard}); ${wanted} connections need about ${need}. ` +
      `Running with ${fewer}; raise it with \`ulimit -n ${need}\` (as root, or in /etc/security/limits.conf).`,
  );
  return fewer;
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

function fds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Sample {
  at: number;
  rss: number;
  heap: number;
  open: number;
  fds: number;
  sent: number;
  received: number;
}

async function main(): Promise<number> {
  const minutes = option('minutes', 2);
  const rate = option('rate', 1);
  const connections = connectionsWithinLimits(Math.floor(option('connections', 5000)));
  const durationMs = minutes * 60000;
  const warmupMs = minutes >= 3 ? 60000 : durationMs / 3;

  const server = await startLapps({
    ws: {
      workers: { workers: 1, max_connections: connections + 100 },
      connections: { max_per_ip: connections + 100, handshake_timeout_ms: 30000 },
    },
  });
  const pid = server.pid!;
  console.log(
    `soak: ${server.url}${server.path} (pid ${pid}), ${connections} connections, ${rate} msg/s each, ` +
      `${minutes} min, warm-up ${(warmupMs / 1000).toFixed(0)} s`,
  );

  const clients: WebSocket[] = [];
  let sent = 0;
  let received = 0;
  let unexpectedCloses = 0;
  let errors = 0;
  let stopping = false;
  const message = 'soak: a small message of some forty bytes';
  const openedAt = Date.now();
  for (let i = 0; i < connections; i += 250) {
    const batch = Array.from({ length: Math.min(250, connections - i) }, () => {
      const ws = new WebSocket(`${server.url}${server.path}`, { perMessageDeflate: false });
      ws.on('message', () => {
        received++;
      });
      ws.on('error', () => {
        errors++;
      });
      ws.on('close', () => {
        if (!stopping) unexpectedCloses++;
      });
      clients.push(ws);
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 30000);
        ws.once('open', () => {
          clearTimeout(timer);
          resolve();
        });
        ws.once('error', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    });
    await Promise.all(batch);
  }
  const open = () => clients.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  console.log(`soak: ${open()} of ${connections} open in ${Date.now() - openedAt} ms`);

  // A steady rate: each client sends every 1000/rate ms, their phases spread over the period.
  const periodMs = 1000 / rate;
  const tickMs = 50;
  const slices = Math.max(1, Math.round(periodMs / tickMs));
  let slice = 0;
  const ticker = setInterval(() => {
    for (let i = slice; i < clients.length; i += slices) {
      const ws = clients[i];
      if (ws !== undefined && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 65536) {
        ws.send(message);
        sent++;
      }
    }
    slice = (slice + 1) % slices;
  }, tickMs);

  const samples: Sample[] = [];
  const started = Date.now();
  const header =
    ' time s | server RSS MiB | client heap MiB | open | server fds | sent/10s | echoed/10s';
  console.log(header);
  console.log('-'.repeat(header.length));
  let lastSent = 0;
  let lastReceived = 0;
  let died = false;
  while (Date.now() - started < durationMs) {
    await sleep(Math.min(SAMPLE_MS, durationMs - (Date.now() - started)));
    if (!alive(pid)) {
      died = true;
      break;
    }
    const sample: Sample = {
      at: Date.now() - started,
      rss: rssMiB(pid),
      heap: process.memoryUsage().heapUsed / 1048576,
      open: open(),
      fds: fds(pid),
      sent: sent - lastSent,
      received: received - lastReceived,
    };
    lastSent = sent;
    lastReceived = received;
    samples.push(sample);
    console.log(
      `${(sample.at / 1000).toFixed(0).padStart(7)} | ${sample.rss.toFixed(1).padStart(14)} | ` +
        `${sample.heap.toFixed(1).padStart(15)} | ${String(sample.open).padStart(4)} | ` +
        `${String(sample.fds).padStart(10)} | ${String(sample.sent).padStart(8)} | ${String(sample.received).padStart(10)}`,
    );
  }
  clearInterval(ticker);
  await sleep(1000); // the last echoes
  stopping = true;
  const finalReceived = received;
  for (const ws of clients) ws.terminate();
  const exitCode = died ? null : await server.stop();

  const problems: string[] = [];
  if (died) problems.push(`the server died:\n${server.output().slice(-3000)}`);
  const baseline = samples.find((s) => s.at >= warmupMs - 1000) ?? samples[0];
  const last = samples[samples.length - 1];
  if (baseline !== undefined && last !== undefined && baseline !== last) {
    const growth = (last.rss - baseline.rss) / baseline.rss;
    console.log(
      `soak: server RSS after warm-up ${baseline.rss.toFixed(1)} MiB (t=${(baseline.at / 1000).toFixed(0)} s), ` +
        `at the end ${last.rss.toFixed(1)} MiB: ${(growth * 100).toFixed(1)}% (limit ${MAX_GROWTH * 100}%)`,
    );
    if (growth > MAX_GROWTH)
      problems.push(`server RSS grew ${(growth * 100).toFixed(1)}% after the warm-up`);
  } else problems.push('too few samples to compare (run for at least a minute)');
  const lost = sent - finalReceived;
  console.log(
    `soak: sent ${sent}, echoed ${finalReceived}, unexpected closes ${unexpectedCloses}, errors ${errors}, ` +
      `server exit code ${exitCode}`,
  );
  if (lost > sent * 0.001) problems.push(`${lost} of ${sent} messages were not echoed`);
  if (unexpectedCloses > 0) problems.push(`${unexpectedCloses} connections closed during the run`);
  if (!died && exitCode !== 0) problems.push(`the server exited with ${exitCode}`);
  for (const problem of problems) console.error(`soak: FAIL: ${problem}`);
  if (problems.length === 0) console.log('soak: OK');
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('soak: failed:', error);
    process.exit(1);
  },
);
