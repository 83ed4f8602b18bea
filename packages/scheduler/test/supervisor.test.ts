import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppMessage } from '../src/control-messages.js';
import { SchedulerError } from '../src/scheduler-error.js';
import { Supervisor, type SupervisorOptions } from '../src/supervisor.js';

// Real worker processes through node:cluster. cluster.setupPrimary is global to the process, so
// every test here runs one Supervisor at a time (vitest runs a file's tests in order) and shuts it
// down afterwards. Deadlines are generous: the machine is small and shared.

const FIXTURE = fileURLToPath(new URL('./fixtures/supervised-worker.ts', import.meta.url));

interface Harness {
  supervisor: Supervisor;
  logs: { level: string; message: string; fields?: Record<string, unknown> }[];
  messages: { index: number; message: AppMessage }[];
  ready: { index: number; pid: number }[];
  exits: { index: number; code: number | null; signal: string | null }[];
  output: () => string;
}

let running: Harness | undefined;

function harness(options: Partial<SupervisorOptions> = {}): Harness {
  const h: Omit<Harness, 'supervisor'> = {
    logs: [],
    messages: [],
    ready: [],
    exits: [],
    output: () => out,
  };
  let out = '';
  const supervisor = new Supervisor({
    workers: 2,
    exec: FIXTURE,
    execArgv: ['--import', 'tsx'],
    restart: { initialDelayMs: 50 },
    log: (level, message, fields) => h.logs.push({ level, message, fields }),
    ...options,
  });
  supervisor.onMessage((index, message) => h.messages.push({ index, message }));
  supervisor.onWorkerReady((index, pid) => h.ready.push({ index, pid }));
  supervisor.onWorkerExit((index, code, signal) => h.exits.push({ index, code, signal }));
  supervisor.onWorkerOutput((_index, _stream, chunk) => {
    out += chunk;
  });
  running = { ...h, supervisor };
  return running;
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
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

async function startFailure(h: Harness): Promise<SchedulerError> {
  const started = h.supervisor.start();
  const pids = h.supervisor.workerPids();
  const error = await started.then(
    () => {
      throw new Error('start() resolved');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SchedulerError);
  for (const pid of pids) expect(alive(pid)).toBe(false);
  return error as SchedulerError;
}

afterEach(async () => {
  await running?.supervisor.shutdown(5000);
  running = undefined;
});

describe('Supervisor', () => {
  it('rejects bad options before forking anything', () => {
    const log = () => {};
    expect(() => new Supervisor({ workers: 0, exec: FIXTURE, log })).toThrow(SchedulerError);
    expect(() => new Supervisor({ workers: 1.5, exec: FIXTURE, log })).toThrow(/integer >= 1/);
    expect(() => new Supervisor({ workers: 1, exec: 'worker.js', log })).toThrow(/absolute/);
    expect(
      () => new Supervisor({ workers: 1, exec: FIXTURE, heartbeat: { timeoutMs: -1 }, log }),
    ).toThrow(/heartbeat.timeoutMs/);
  });

  it('starts every worker with a distinct index and pid', async () => {
    const h = harness();
    await h.supervisor.start();
    const pids = h.supervisor.workerPids();
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(2);
    expect(h.ready.map((r) => r.index).sort()).toEqual([0, 1]);
    for (const { index, pid } of h.ready) expect(pids[index]).toBe(pid);
    await until('hello from both', () => h.messages.length >= 2);
    for (const { index, message } of h.messages) {
      expect(message).toEqual({ type: 'hello', index, pid: pids[index] });
    }
    await expect(h.supervisor.start()).rejects.toThrow(/already/);
  });

  it('rejects start with the reason a worker failed, leaving no process behind', async () => {
    const h = harness({
      env: (i): Record<string, string> => (i === 1 ? { FIXTURE_MODE: 'fail' } : {}),
    });
    const error = await startFailure(h);
    expect(error.code).toBe('LAPPS_ERR_SCHED_START');
    expect(error.message).toBe('worker 1: worker 1 cannot open its config');
  });

  it('rejects start when a worker exits before it is ready', async () => {
    const h = harness({ workers: 1, env: () => ({ FIXTURE_MODE: 'exit' }) });
    const error = await startFailure(h);
    expect(error.code).toBe('LAPPS_ERR_SCHED_START');
    expect(error.message).toBe('worker 0 exited (code 3) before it was ready');
  });

  it('rejects start when a worker is not ready in time', async () => {
    const h = harness({
      workers: 1,
      readyTimeoutMs: 1500,
      env: () => ({ FIXTURE_MODE: 'never-ready' }),
    });
    const error = await startFailure(h);
    expect(error.code).toBe('LAPPS_ERR_SCHED_START');
    expect(error.message).toMatch(/ready within 1500 ms/);
  });

  it('restarts a killed worker under the same index, leaving the other alone', async () => {
    const h = harness();
    await h.supervisor.start();
    const [pid0, pid1] = h.supervisor.workerPids() as [number, number];
    process.kill(pid1, 'SIGKILL');
    await until('worker 1 back', () => h.ready.some((r) => r.index === 1 && r.pid !== pid1));
    const [again0, again1] = h.supervisor.workerPids();
    expect(again0).toBe(pid0);
    expect(again1).not.toBe(pid1);
    expect(alive(pid0)).toBe(true);
    expect(h.exits).toEqual([{ index: 1, code: null, signal: 'SIGKILL' }]);
    const warn = h.logs.find((l) => l.level === 'warn');
    expect(warn?.message).toBe('worker 1 exited (signal SIGKILL); restarting in 50 ms');
    expect(h.logs.filter((l) => l.message.startsWith('worker 1 ready'))).toHaveLength(2);
  });

  it('kills a restarted worker that is not ready in time, and tries again', {
    timeout: 90_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lapps-sched-'));
    try {
      // Long enough for the first start on a loaded CI machine (a fixture worker once took over
      // 4 s there); the restart hangs for good, so it is killed whatever the limit.
      const h = harness({
        workers: 1,
        readyTimeoutMs: 10_000,
        env: () => ({ FIXTURE_HANG_ON_RESTART_DIR: dir }),
      });
      await h.supervisor.start();
      const [pid] = h.supervisor.workerPids() as [number];
      process.kill(pid, 'SIGKILL');
      await until('the hung restart killed', () => h.exits.length >= 2, 40_000);
      expect(h.exits[1]).toEqual({ index: 0, code: null, signal: 'SIGKILL' });
      expect(h.logs.map((l) => l.message)).toContain(
        'worker 0 was not ready within 10000 ms; killing it',
      );
      // And it keeps trying, with a longer delay each time.
      expect(h.logs.filter((l) => l.level === 'warn').map((l) => l.fields?.delayMs)).toEqual([
        50, 100,
      ]);
      await until('a third process', () => h.supervisor.workerPids()[0] !== 0);
      // Before the directory goes: the third process writes there.
      await h.supervisor.shutdown(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kills and restarts a worker whose event loop stops answering heartbeats', async () => {
    const h = harness({ workers: 1, heartbeat: { intervalMs: 100, timeoutMs: 1000 } });
    await h.supervisor.start();
    const [pid] = h.supervisor.workerPids() as [number];
    h.supervisor.broadcast({ type: 'block' });
    await until('the restart', () => h.ready.some((r) => r.pid !== pid));
    expect(alive(pid)).toBe(false);
    const stalled = h.logs.find((l) => l.level === 'error');
    expect(stalled?.message).toMatch(/^worker 0 stalled: no heartbeat for \d+ ms; killing it$/);
    expect(h.exits[0]).toEqual({ index: 0, code: null, signal: 'SIGKILL' });
  });

  it('lets the stall watch name what was running, then restarts the worker', async () => {
    const h = harness({
      workers: 1,
      silent: true,
      // The primary's heartbeat would notice much later: the watch must act first.
      heartbeat: { intervalMs: 200, timeoutMs: 60_000 },
      env: () => ({ FIXTURE_STALL_MS: '500' }),
    });
    await h.supervisor.start();
    const [pid] = h.supervisor.workerPids() as [number];
    h.supervisor.broadcast({ type: 'block' });
    await until('the restart', () => h.ready.some((r) => r.pid !== pid));
    expect(h.exits[0]).toEqual({ index: 0, code: null, signal: 'SIGKILL' });
    const line = h
      .output()
      .split('\n')
      .find((l) => l.includes('stalled'));
    expect(line).toBeDefined();
    const entry = JSON.parse(line!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 50, pid, running: 'echo#1' });
    expect(entry.time).toEqual(expect.any(Number));
    expect(entry.msg).toMatch(
      /^event loop stalled for \d+ ms while running echo#1: killing this worker$/,
    );
    expect(h.logs.some((l) => l.message.includes('stalled'))).toBe(false);
  });

  it('shuts down gracefully: every shutdown handler runs and every worker exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lapps-sched-'));
    try {
      const h = harness({ env: () => ({ FIXTURE_MARKER_DIR: dir }) });
      await h.supervisor.start();
      const pids = h.supervisor.workerPids();
      await h.supervisor.shutdown(15_000);
      expect(readdirSync(dir).sort()).toEqual(['shutdown-0', 'shutdown-1']);
      expect(h.exits.sort((a, b) => a.index - b.index)).toEqual([
        { index: 0, code: 0, signal: null },
        { index: 1, code: 0, signal: null },
      ]);
      for (const pid of pids) expect(alive(pid)).toBe(false);
      expect(h.supervisor.workerPids()).toEqual([0, 0]);
      expect(h.logs.some((l) => l.level === 'warn')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kills a worker that ignores shutdown at the deadline', async () => {
    const h = harness({
      env: (i): Record<string, string> => (i === 0 ? { FIXTURE_MODE: 'ignore-shutdown' } : {}),
    });
    await h.supervisor.start();
    await h.supervisor.shutdown(1000);
    expect(h.exits.sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, code: null, signal: 'SIGKILL' },
      { index: 1, code: 0, signal: null },
    ]);
    expect(h.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'worker 0 did not stop in 1000 ms: killing it',
    ]);
  });

  it('broadcasts to every worker: reload reaches onReload, the rest onMessage', async () => {
    const h = harness();
    await h.supervisor.start();
    const of = (type: string) =>
      h.messages
        .filter((m) => m.message.type === type)
        .map((m) => m.index)
        .sort();
    h.supervisor.broadcast({ type: 'reload' });
    await until('reloaded x2', () => of('reloaded').length === 2);
    expect(of('reloaded')).toEqual([0, 1]);
    h.supervisor.reload();
    await until('reloaded x4', () => of('reloaded').length === 4);
    h.supervisor.broadcast({ type: 'echo' });
    await until('echoed x2', () => of('echoed').length === 2);
    expect(of('echoed')).toEqual([0, 1]);
  });

  it('sends to one worker; false for an index with no connected process', async () => {
    const h = harness();
    await h.supervisor.start();
    const echoed = () => h.messages.filter((m) => m.message.type === 'echoed').map((m) => m.index);
    expect(h.supervisor.send(1, { type: 'echo' })).toBe(true);
    await until('echoed by 1', () => echoed().length === 1);
    expect(h.supervisor.send(0, { type: 'echo' })).toBe(true);
    await until('echoed by 0', () => echoed().length === 2);
    expect(echoed()).toEqual([1, 0]);
    expect(h.supervisor.send(2, { type: 'echo' })).toBe(false);
    const [, pid1] = h.supervisor.workerPids() as [number, number];
    process.kill(pid1, 'SIGKILL');
    await until('worker 1 gone', () => h.exits.length === 1);
    expect(h.supervisor.send(1, { type: 'echo' })).toBe(false);
  });
});
