import { equal } from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PeerFrameType, PeerOpcode } from '../src/peer-frame.js';
import { type PeerLink, PeerServer } from '../src/peer-link.js';
import { peerSocketPath } from '../src/peer-socket-path.js';
import type { Row } from './row.js';

/**
 * Round trips of 1 KiB text messages to another process that echoes them: ours over a peer link
 * (a Unix socket), the baseline as JSON over the cluster IPC channel (`process.send`, which is
 * what a worker would use without this package). Both children run through tsx, so both pay the
 * same loader. `n` messages a call, all sent in one turn, then awaited: n = 1 is the latency of
 * one forwarded message, n = 64 a busy turn.
 */

const here = dirname(fileURLToPath(import.meta.url));
const TEXT = 'x'.repeat(1000) + 'é'.repeat(12);
const PAYLOAD = new TextEncoder().encode(TEXT);

interface Echo {
  /** Sends n messages and resolves when all n came back. */
  roundTrip(n: number): Promise<void>;
  received(): number;
  stop(): Promise<void>;
}

function forkTs(file: string, args: string[]): ChildProcess {
  return fork(join(here, file), args, {
    execArgv: ['--import', 'tsx'],
    cwd: join(here, '..'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

async function peerEcho(): Promise<Echo> {
  const dir = mkdtempSync(join(tmpdir(), 'peer-bench-'));
  const path = peerSocketPath(dir, 0);
  let link: PeerLink | undefined;
  let waiting = 0;
  let received = 0;
  let done: () => void = () => {};
  const server = await PeerServer.listen(path, (accepted) => {
    link = accepted;
    accepted.onFrame((_type, _opcode, _code, _id, payload) => {
      received += payload.length === PAYLOAD.length ? 1 : 0;
      if (--waiting === 0) done();
    });
  });
  const child = forkTs('peer-echo-child.ts', [path]);
  while (link === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
  const peer = link;
  return {
    roundTrip(n) {
      waiting = n;
      for (let i = 0; i < n; i++) peer.send(PeerFrameType.Message, PeerOpcode.Text, 0, i, PAYLOAD);
      return new Promise((resolve) => {
        done = resolve;
      });
    },
    received: () => received,
    async stop() {
      await server.close();
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function ipcEcho(): Promise<Echo> {
  const child = forkTs('ipc-echo-child.ts', []);
  let waiting = 0;
  let received = 0;
  let done: () => void = () => {};
  child.on('message', (message) => {
    received += (message as { payload: string }).payload === TEXT ? 1 : 0;
    if (--waiting === 0) done();
  });
  await new Promise((resolve) => child.once('spawn', resolve));
  return {
    roundTrip(n) {
      waiting = n;
      for (let i = 0; i < n; i++)
        child.send({ type: 'message', conn: i, opcode: 1, payload: TEXT });
      return new Promise((resolve) => {
        done = resolve;
      });
    },
    received: () => received,
    async stop() {
      child.disconnect();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

export async function loopbackRows(): Promise<Row[]> {
  const ours = await peerEcho();
  const ipc = await ipcEcho();
  const rows: Row[] = [];
  for (const n of [1, 64]) {
    // What is timed does the work: every message comes back whole.
    const before = [ours.received(), ipc.received()];
    await ours.roundTrip(n);
    await ipc.roundTrip(n);
    equal(ours.received() - before[0]!, n);
    equal(ipc.received() - before[1]!, n);
    rows.push({
      name: `round trip to another process, 1 KiB text, ${n} a turn`,
      opsPerCall: n,
      ours: () => ours.roundTrip(n),
      baseline: () => ipc.roundTrip(n),
      baselineName: 'JSON over process.send',
    });
  }
  rows.at(-1)!.teardown = async () => {
    await ours.stop();
    await ipc.stop();
  };
  return rows;
}
