// Child processes of a benchmark: each leads its own process group, is optionally pinned to a core
// with taskset, keeps the tail of its output, and is killed when the benchmark ends (also on an
// error or Ctrl-C).
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';

const children = new Set();
const cleanups = [];
process.on('exit', () => {
  for (const child of children) killGroup(child, 'SIGKILL');
  for (const cleanup of cleanups) cleanup();
});
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

/** Runs `fn` when the process exits (temporary folders). */
export function onExit(fn) {
  cleanups.push(fn);
}

/** Whether servers and load generators can get a core each (taskset and at least 2 cores). */
export function canPin(option = 'auto') {
  return (
    option !== 'off' &&
    os.availableParallelism() >= 2 &&
    spawnSync('taskset', ['-c', '0', 'true']).status === 0
  );
}

export function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal); // detached: the child leads its own process group
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}

/** Starts `argv` (pinned to `core` when `pinned`); `child.output` keeps the last 64 KiB. */
export function launch(argv, { core, pinned = false, onStdout } = {}) {
  const cmd = pinned && core !== undefined ? ['taskset', '-c', String(core), ...argv] : argv;
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  child.output = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr']) {
    child[stream].setEncoding('utf8');
    child[stream].on('data', (s) => {
      child.output[stream] = (child.output[stream] + s).slice(-65536);
      if (stream === 'stdout') onStdout?.(s);
    });
  }
  child.exited = new Promise((res) => child.on('exit', (code, sig) => res(code ?? sig)));
  child.exited.then(() => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child is gone. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
  await child.exited;
  clearTimeout(timer);
}

/** Resolves with the first match of `pattern` in the child's stdout, or rejects after `ms`. */
export async function waitForOutput(child, pattern, ms = 15000, what = 'the server') {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const m = pattern.exec(child.output.stdout);
    if (m) return m;
    if (child.exitCode !== null || child.signalCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = child.exitCode ?? child.signalCode;
  await stop(child);
  throw new Error(
    `${what} did not start (${exited === null ? `timeout after ${ms / 1000} s` : `exit ${exited}`}): ` +
      `${(child.output.stderr || child.output.stdout).trim().slice(-1500)}`,
  );
}
