import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodePeerFrame, PeerFrameType } from '../src/peer-frame.js';
import { PeerLink, PeerServer } from '../src/peer-link.js';
import { peerSocketPath } from '../src/peer-socket-path.js';
import {
  expectSameFrames,
  type Frame,
  patterned,
  recordingDecoder,
} from './fixtures/peer-frames.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
let path: string;
const cleanups: (() => unknown)[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'peer-'));
  path = peerSocketPath(dir, 0);
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A server and one connected pair of links; everything is destroyed after the test. */
async function pair(): Promise<{ server: PeerServer; client: PeerLink; accepted: PeerLink }> {
  let accepted: PeerLink | undefined;
  const server = await PeerServer.listen(path, (link) => {
    accepted = link;
  });
  cleanups.push(() => server.close());
  const client = await PeerLink.connect(path);
  cleanups.push(() => client.destroy());
  await vi.waitFor(() => expect(accepted).toBeDefined());
  return { server, client, accepted: accepted! };
}

/** Records the frames a link receives, with copies of their payloads. */
function record(link: PeerLink): Frame[] {
  const frames: Frame[] = [];
  link.onFrame((type, opcode, code, id, payload) => {
    frames.push({ type, opcode, code, id, payload: new Uint8Array(payload) });
  });
  return frames;
}

function closeReason(link: PeerLink): Promise<Error | undefined> {
  return new Promise((resolve) => link.onClose(resolve));
}

function message(id: number, size: number): Frame {
  return { type: PeerFrameType.Message, opcode: 2, code: 0, id, payload: patterned(size, id) };
}

function sendAll(link: PeerLink, frames: readonly Frame[]): void {
  for (const f of frames) expect(link.send(f.type, f.opcode, f.code, f.id, f.payload)).toBe(true);
}

describe('PeerLink', () => {
  it('carries frames both ways, the accepted side reading into the shared buffer', async () => {
    const { client, accepted } = await pair();
    expect(accepted.readsInPlace).toBe(true);
    expect(client.readsInPlace).toBe(true);
    const atServer = record(accepted);
    const atClient = record(client);
    const up = [
      message(1, 10),
      message(2, 70_000),
      { ...message(3, 0), type: PeerFrameType.Disconnect, opcode: 0 },
    ];
    const down = [
      {
        type: PeerFrameType.Close,
        opcode: 0,
        code: 1000,
        id: 1,
        payload: new TextEncoder().encode('bye'),
      },
    ];
    sendAll(client, up);
    sendAll(accepted, down);
    await vi.waitFor(() => {
      expectSameFrames(atServer, up);
      expectSameFrames(atClient, down);
    });
  });

  it('sends the frames of one turn in one socket write, in order', async () => {
    const { client, accepted } = await pair();
    const received = record(accepted);
    const write = vi.spyOn(net.Socket.prototype, 'write');
    const frames = Array.from({ length: 1000 }, (_, i) => message(i, i % 30));
    sendAll(client, frames);
    expect(client.bufferedAmount).toBeGreaterThan(0);
    await vi.waitFor(() => expect(received).toHaveLength(frames.length));
    expect(write).toHaveBeenCalledTimes(1);
    expectSameFrames(received, frames);
  });

  it('keeps data intact when writes are held back by a reader that pauses', async () => {
    // A raw reader that does not read at first: the link's writes stay in libuv, referring to its
    // chunks, while the link keeps packing frames.
    let reader: net.Socket | undefined;
    const raw = net.createServer({ pauseOnConnect: true }, (socket) => {
      reader = socket;
    });
    await new Promise<void>((resolve) => raw.listen(path, resolve));
    cleanups.push(() => new Promise((resolve) => raw.close(resolve)));
    const link = await PeerLink.connect(path);
    cleanups.push(() => link.destroy());
    await vi.waitFor(() => expect(reader).toBeDefined());

    const sent: Frame[] = [];
    let sawBacklog = false;
    // About 12 MB over 60 turns: far more than a Unix socket buffers (a few hundred KiB).
    for (let turn = 0; turn < 60; turn++) {
      const frames = Array.from({ length: 20 }, (_, i) =>
        message(turn * 20 + i, ((turn * 20 + i) * 97) % 20_000),
      );
      sendAll(link, frames);
      sent.push(...frames);
      await new Promise((resolve) => setImmediate(resolve));
      if (link.bufferedAmount > 0) sawBacklog = true;
    }
    expect(sawBacklog).toBe(true);

    const { decoder, frames: received } = recordingDecoder();
    reader!.on('data', (chunk: Buffer) => decoder.push(chunk));
    reader!.resume();
    await vi.waitFor(() => expect(received.length).toBe(sent.length), { timeout: 20_000 });
    expectSameFrames(received, sent);
  });

  it('keeps the order of 10,000 frames echoed by another process', async () => {
    const echoed: Frame[] = [];
    let child: PeerLink | undefined;
    const server = await PeerServer.listen(path, (link) => {
      child = link;
      link.onFrame((type, opcode, code, id, payload) => {
        echoed.push({ type, opcode, code, id, payload: new Uint8Array(payload) });
      });
    });
    cleanups.push(() => server.close());
    const proc = fork(join(here, 'fixtures/peer-echo-child.ts'), [path], {
      execArgv: ['--import', 'tsx'],
      cwd: join(here, '..'),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    cleanups.push(() => proc.kill());
    await vi.waitFor(() => expect(child).toBeDefined(), { timeout: 20_000 });

    const sent: Frame[] = [];
    for (let i = 0; i < 10_000; i++) {
      // Mostly small frames, with a large one now and then; sent over many turns.
      const size = i % 1000 === 999 ? 100_000 : (i * 13) % 2000;
      const frame = message(i, size);
      sent.push(frame);
      child!.send(frame.type, frame.opcode, frame.code, frame.id, frame.payload);
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    await vi.waitFor(() => expect(echoed.length).toBe(sent.length), { timeout: 25_000 });
    expect(echoed.map((f) => f.id)).toEqual(sent.map((f) => f.id));
    expectSameFrames(echoed, sent);
    await child!.close();
    expect(await exited).toBe(0);
  });
});

describe('PeerLink close and destroy', () => {
  it('close() writes what is queued, then both ends close without an error', async () => {
    const { client, accepted } = await pair();
    const received = record(accepted);
    const serverSide = closeReason(accepted);
    const clientSide = closeReason(client);
    const frames = [message(1, 5), message(2, 20_000)];
    sendAll(client, frames);
    await client.close();
    expectSameFrames(received, frames);
    expect(await serverSide).toBeUndefined();
    expect(await clientSide).toBeUndefined();
    expect(client.send(PeerFrameType.Disconnect, 0, 0, 1)).toBe(false);
    expect(accepted.send(PeerFrameType.Disconnect, 0, 0, 1)).toBe(false);
  });

  it('the end that did not close writes what it had queued before closing', async () => {
    const { client, accepted } = await pair();
    const received = record(client);
    const frames = [message(7, 300)];
    sendAll(accepted, frames);
    const closed = client.close();
    expect(client.open).toBe(false);
    await closed;
    expectSameFrames(received, frames);
  });

  it('destroy() drops what is queued; the peer sees the close', async () => {
    const { client, accepted } = await pair();
    const received = record(accepted);
    const serverSide = closeReason(accepted);
    sendAll(client, [message(1, 5)]);
    expect(client.bufferedAmount).toBeGreaterThan(0);
    const boom = new Error('gave up');
    const clientSide = closeReason(client);
    client.destroy(boom);
    expect(client.bufferedAmount).toBe(0);
    expect(await clientSide).toBe(boom);
    expect(await serverSide).toBeUndefined();
    expect(received).toHaveLength(0);
  });

  it('a corrupt frame destroys the link with the decoder error', async () => {
    const server = await PeerServer.listen(path, (link) => {
      closed = closeReason(link);
    });
    let closed: Promise<Error | undefined> | undefined;
    cleanups.push(() => server.close());
    const raw = net.connect({ path });
    cleanups.push(() => raw.destroy());
    raw.write(Buffer.from([42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    await vi.waitFor(() => expect(closed).toBeDefined());
    expect(await closed).toMatchObject({ code: 'LAPPS_ERR_PEER_FRAME' });
  });

  it('an exception in the frame handler destroys the link and reaches onClose', async () => {
    const { client, accepted } = await pair();
    const boom = new Error('handler failed');
    accepted.onFrame(() => {
      throw boom;
    });
    const serverSide = closeReason(accepted);
    client.send(PeerFrameType.Disconnect, 0, 0, 1);
    expect(await serverSide).toBe(boom);
  });

  it('onClose registered after the close is called at once', async () => {
    const { client } = await pair();
    await client.close();
    expect(await closeReason(client)).toBeUndefined();
  });
});

describe('PeerServer', () => {
  it('removes a stale socket file before listening', async () => {
    // A socket file whose listener is gone, as a crash leaves it: listen elsewhere, move the file
    // to the path, and close (which unlinks only the path it listened at).
    const elsewhere = join(dir, 'elsewhere.sock');
    const stale = net.createServer();
    await new Promise<void>((resolve) => stale.listen(elsewhere, resolve));
    renameSync(elsewhere, path);
    await new Promise((resolve) => stale.close(resolve));
    expect(existsSync(path)).toBe(true);
    const { client } = await pair();
    expect(client.open).toBe(true);
  });

  it('refuses a path where a live process listens', async () => {
    const live = net.createServer();
    await new Promise<void>((resolve) => live.listen(path, resolve));
    cleanups.push(() => new Promise((resolve) => live.close(resolve)));
    await expect(PeerServer.listen(path, () => {})).rejects.toMatchObject({
      code: 'LAPPS_ERR_PEER_LISTEN',
    });
  });

  it('refuses to remove a file that is not a socket', async () => {
    writeFileSync(path, 'not a socket');
    await expect(PeerServer.listen(path, () => {})).rejects.toMatchObject({
      code: 'LAPPS_ERR_PEER_LISTEN',
    });
    expect(existsSync(path)).toBe(true);
  });

  it('close() closes the accepted links and removes the socket file', async () => {
    const { server, client } = await pair();
    expect(server.connections).toBe(1);
    const clientSide = closeReason(client);
    await server.close();
    expect(await clientSide).toBeUndefined();
    expect(server.connections).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  it('rejects a socket path that is too long, for listen and connect', async () => {
    const long = join(dir, 'x'.repeat(120));
    await expect(PeerServer.listen(long, () => {})).rejects.toMatchObject({
      code: 'LAPPS_ERR_PEER_PATH',
    });
    await expect(PeerLink.connect(long)).rejects.toMatchObject({ code: 'LAPPS_ERR_PEER_PATH' });
  });

  it('connect fails with LAPPS_ERR_PEER_CONNECT when nobody listens', async () => {
    await expect(PeerLink.connect(path)).rejects.toMatchObject({ code: 'LAPPS_ERR_PEER_CONNECT' });
  });

  it('encodePeerFrame output is what a link reads', async () => {
    const server = await PeerServer.listen(path, (link) => {
      frames = record(link);
    });
    let frames: Frame[] | undefined;
    cleanups.push(() => server.close());
    const raw = net.connect({ path });
    cleanups.push(() => raw.destroy());
    raw.write(encodePeerFrame(PeerFrameType.Broadcast, 1, 0, 77, patterned(3)));
    await vi.waitFor(() => expect(frames).toHaveLength(1));
    expect(frames![0]).toEqual({
      type: PeerFrameType.Broadcast,
      opcode: 1,
      code: 0,
      id: 77,
      payload: patterned(3),
    });
  });
});
