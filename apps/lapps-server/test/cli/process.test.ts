import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function confDir(ws: object, lapps: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'lapps-conf-'));
  writeFileSync(join(dir, 'ws.json'), JSON.stringify(ws));
  writeFileSync(join(dir, 'lapps.json'), JSON.stringify(lapps));
  return dir;
}

const echoOnly = {
  services: {
    echo: {
      standalone: false,
      instances: 1,
      auto_start: true,
      request_target: '/echo',
      protocol: 'raw',
      max_inbound_message_size: 1048576,
    },
  },
};

/** Runs `lapps <args>` (from source, through tsx) and collects its output. */
function lapps(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line; stdout: ${stdout}; stderr: ${stderr}`)),
      15000,
    );
    child.stdout!.on('data', () => {
      const match = /listening on (wss?:\/\/[^\s"]+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}

describe('lapps start (a real process)', () => {
  it('serves, and on SIGTERM closes every client with 1001 and exits 0', async () => {
    const dir = confDir(
      { ip: '127.0.0.1', port: 0, log: { level: 'info', pretty: false } },
      echoOnly,
    );
    const run = lapps(['start', '--conf-dir', dir]);
    const url = await run.listening;
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const ws = new WebSocket(`${url}/echo`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const echoed = new Promise<string>((resolve) =>
      ws.once('message', (data) => resolve(String(data))),
    );
    ws.send('hello');
    expect(await echoed).toBe('hello');
    const code = new Promise<number>((resolve) => ws.once('close', resolve));
    run.child.kill('SIGTERM');
    expect(await code).toBe(1001);
    expect(await run.exited).toBe(0);
    // Structured log lines: every stdout line is JSON with a level.
    for (const line of run.output().stdout.trim().split('\n'))
      expect(JSON.parse(line)).toHaveProperty('level');
  });

  it('exits 1 with a one-line reason naming the key when the configuration is wrong', async () => {
    const dir = confDir({ port: 'eighty', workers: { max_conections: 5 } }, echoOnly);
    const run = lapps(['start', '--conf-dir', dir]);
    expect(await run.exited).toBe(1);
    const { stderr } = run.output();
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^lapps: cannot start: .*(port|max_conections)/);
  });

  it('exits 1 with a one-line reason when the port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const dir = confDir(
        { ip: '127.0.0.1', port, log: { level: 'warn', pretty: false } },
        echoOnly,
      );
      const run = lapps(['start', '--conf-dir', dir]);
      expect(await run.exited).toBe(1);
      const { stderr } = run.output();
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`lapps: cannot start:`);
      expect(stderr).toContain(String(port));
    } finally {
      blocker.close();
    }
  });
});
