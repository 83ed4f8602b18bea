import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SchedulerError } from '../src/scheduler-error.js';
import { StallWatch } from '../src/stall-watch.js';

// The watch kills its own process, so every case runs in a child process of its own.

const CHILD = fileURLToPath(new URL('./fixtures/stall-child.ts', import.meta.url));

interface Outcome {
  code: number | null;
  signal: string | null;
  lines: Record<string, unknown>[];
}

function run(mode: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    // Far beyond any expected run: a watch that failed to act must not hang the suite.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, signal, lines });
    });
  });
}

describe('StallWatch', () => {
  it('rejects a timeout that is not a positive number', () => {
    expect(() => new StallWatch({ timeoutMs: 0, names: [] })).toThrow(SchedulerError);
  });

  it('logs what was running, pino-style, and kills the process', async () => {
    const { signal, lines } = await run('block');
    expect(signal).toBe('SIGKILL');
    expect(lines).toHaveLength(1);
    const [line] = lines as [Record<string, unknown>];
    expect(line).toMatchObject({ level: 50, worker: 7, running: 'echo#1' });
    expect(line.time).toEqual(expect.any(Number));
    expect(line.pid).toEqual(expect.any(Number));
    expect(line.msg).toMatch(
      /^event loop stalled for \d+ ms while running echo#1: killing this worker$/,
    );
  });

  it('says so when no entry was running', async () => {
    const { signal, lines } = await run('block-outside');
    expect(signal).toBe('SIGKILL');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, running: null });
    expect(lines[0]!.msg).toMatch(/^event loop stalled for \d+ ms: killing this worker$/);
  });

  it("only logs, once per stall, with onStall: 'log'", async () => {
    const { code, signal, lines } = await run('log');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, running: 'echo#0' });
    expect(lines[0]!.msg).toMatch(/^event loop stalled for \d+ ms while running echo#0$/);
  });

  it('never keeps the process alive, stopped or not', async () => {
    expect(await run('idle')).toEqual({ code: 0, signal: null, lines: [] });
    expect(await run('stop')).toEqual({ code: 0, signal: null, lines: [] });
  });
});
