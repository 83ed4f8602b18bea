import { deepStrictEqual, equal, ok } from 'node:assert/strict';
import {
  FrameBatch,
  type FrameBatchOptions,
  FrameParser,
  FrameSerializer,
  Opcode,
  type Role,
} from '../src/index.js';
import { type Comparison, type Contender, formatSize, opsPerCallFor } from './compare.js';
import { type DecodedFrame, decodeFrames, pseudoRandomBytes } from './frames.js';
import { type WsFrameOptions, WsSender } from './ws-baseline.js';

/**
 * Building binary frames: a server's (unmasked) and a client's (masked with a fresh key each).
 *
 * The two libraries hand back different things. Ours returns header and payload in one buffer
 * (one write), so it copies the payload; ws's `Sender.frame` returns `[header, payload]` without
 * copying an unmasked payload. Masked, ws with `readOnly: true` (what `ws.send(buffer)` uses) copies
 * while masking into one buffer, as ours does; with `readOnly: false` it masks the caller's payload
 * in place and copies nothing, which is measured in its own rows. The batch rows add 64 frames to a
 * `FrameBatch` and take its chunks, against 64 calls of `Sender.frame`, ws having no batching.
 */

const SIZES = [128, 1024, 64 * 1024] as const;
const BATCH = 64;

export function serializeComparisons(): Comparison[] {
  const rows: Comparison[] = [];
  for (const role of ['server', 'client'] as const) {
    for (const size of SIZES) rows.push(...roleRows(role, pseudoRandomBytes(size, size + 1)));
  }
  return rows;
}

function roleRows(role: Role, payload: Buffer): Comparison[] {
  const masked = role === 'client';
  const serializer = new FrameSerializer({ role });
  const who = `${masked ? 'client (masked)' : 'server'} ${formatSize(payload.length)}`;
  const frameLength = wireLength(payload.length, masked);
  const original = Buffer.from(payload);

  const frames = opsPerCallFor(frameLength);
  const single = { opsPerCall: frames, bytesPerCall: frames * payload.length };
  const batches = opsPerCallFor(frameLength * BATCH);
  const batched = { opsPerCall: batches * BATCH, bytesPerCall: batches * BATCH * payload.length };

  const wsOptions = (readOnly: boolean): WsFrameOptions => ({
    fin: true,
    rsv1: false,
    opcode: Opcode.Binary,
    mask: masked,
    readOnly,
  });
  // Unmasked frames do not depend on readOnly; masked, ws.send() of a Buffer uses readOnly: true.
  const copying = wsOptions(masked);

  assertFrames(role, payload, [serializer.frame(Opcode.Binary, payload)], 1);
  assertFrames(role, payload, wsFrames(payload, copying, 1), 1);
  const batch = new FrameBatch(serializer);
  for (let i = 0; i < BATCH; i++) batch.add(Opcode.Binary, payload);
  equal(batch.byteLength, BATCH * frameLength);
  assertFrames(role, payload, batch.take(), BATCH);
  assertFrames(role, payload, wsFrames(payload, copying, BATCH), BATCH);
  deepStrictEqual(payload, original, 'the payload is left as it was given');

  const oursSingle = oursFrameContender(serializer, payload, frames, frameLength);
  const oursBatch = oursBatchContender(serializer, payload, batches, frameLength);
  const rows: Comparison[] = [
    {
      name: `serialize ${who}, frame()`,
      ...single,
      ours: oursSingle,
      ws: wsContender(payload, copying, frames, 1, frameLength),
    },
    {
      name: `serialize ${who}, batch of ${BATCH}`,
      ...batched,
      ours: oursBatch,
      ws: wsContender(payload, copying, batches, BATCH, frameLength),
    },
  ];
  if (!masked) {
    // Like ws's [header, payload]: the batch writes headers only and passes payloads through.
    const noCopy = { copyThreshold: 0 };
    const check = new FrameBatch(serializer, noCopy);
    for (let i = 0; i < BATCH; i++) check.add(Opcode.Binary, payload);
    assertFrames(role, payload, check.take(), BATCH);
    rows.push({
      name: `serialize ${who}, batch of ${BATCH}, no copy (as ws)`,
      ...batched,
      ours: oursBatchContender(serializer, payload, batches, frameLength, noCopy),
      ws: wsContender(payload, copying, batches, BATCH, frameLength),
    });
  }
  if (masked) {
    // ws masking the caller's buffer in place: a copy of the payload is what it is given here.
    const inPlace = wsOptions(false);
    const scratch = Buffer.from(payload);
    assertFrames(role, payload, WsSender.frame(scratch, inPlace), 1);
    ok(!scratch.equals(payload), 'ws readOnly: false masks the caller’s payload in place');
    rows.push(
      {
        name: `serialize ${who}, frame() vs ws in place`,
        ...single,
        ours: oursSingle,
        ws: wsContender(Buffer.from(payload), inPlace, frames, 1, frameLength),
      },
      {
        name: `serialize ${who}, batch of ${BATCH} vs ws in place`,
        ...batched,
        ours: oursBatch,
        ws: wsContender(Buffer.from(payload), inPlace, batches, BATCH, frameLength),
      },
    );
  }
  return rows;
}

/** The wire size of one frame, from RFC 6455 section 5.2 rather than from `headerLength`. */
function wireLength(payloadLength: number, masked: boolean): number {
  const extended = payloadLength < 126 ? 0 : payloadLength < 65536 ? 2 : 8;
  return 2 + extended + (masked ? 4 : 0) + payloadLength;
}

function wsFrames(payload: Buffer, options: WsFrameOptions, count: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) out.push(...WsSender.frame(payload, options));
  return out;
}

function oursFrameContender(
  serializer: FrameSerializer,
  payload: Buffer,
  frames: number,
  frameLength: number,
): Contender {
  let calls = 0;
  let bytes = 0;
  return {
    run() {
      for (let i = 0; i < frames; i++) bytes += serializer.frame(Opcode.Binary, payload).length;
      calls++;
    },
    verify() {
      equal(bytes, calls * frames * frameLength);
    },
  };
}

function oursBatchContender(
  serializer: FrameSerializer,
  payload: Buffer,
  batches: number,
  frameLength: number,
  options: FrameBatchOptions = {},
): Contender {
  const batch = new FrameBatch(serializer, options);
  let calls = 0;
  let bytes = 0;
  return {
    run() {
      for (let b = 0; b < batches; b++) {
        for (let i = 0; i < BATCH; i++) batch.add(Opcode.Binary, payload);
        for (const chunk of batch.take()) bytes += chunk.length;
      }
      calls++;
    },
    verify() {
      equal(bytes, calls * batches * BATCH * frameLength);
    },
  };
}

/** `rounds` times, `framesPerRound` calls of Sender.frame collected in one list. */
function wsContender(
  payload: Buffer,
  options: WsFrameOptions,
  rounds: number,
  framesPerRound: number,
  frameLength: number,
): Contender {
  const out: Buffer[] = [];
  let calls = 0;
  let bytes = 0;
  return {
    run() {
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < framesPerRound; i++) {
          for (const buffer of WsSender.frame(payload, options)) out.push(buffer);
        }
        for (const buffer of out) bytes += buffer.length;
        out.length = 0;
      }
      calls++;
    },
    verify() {
      equal(bytes, calls * rounds * framesPerRound * frameLength);
    },
  };
}

/**
 * `chunks` hold `count` binary frames of `payload`, masked exactly when a client sends them, with
 * masking keys that change from frame to frame; our parser, in the receiving role, reads them back.
 */
function assertFrames(
  role: Role,
  payload: Buffer,
  chunks: readonly Uint8Array[],
  count: number,
): void {
  const bytes = Buffer.concat(chunks);
  const masked = role === 'client';
  const expected: DecodedFrame = { fin: true, opcode: Opcode.Binary, masked, payload };
  const frames = decodeFrames(bytes);
  equal(frames.length, count);
  for (const frame of frames) deepStrictEqual(frame, expected);
  if (masked && count > 1) {
    const frameLength = wireLength(payload.length, true);
    const keyOffset = frameLength - payload.length - 4; // the key ends the header
    const keys = new Set<string>();
    for (let at = keyOffset; at < bytes.length; at += frameLength) {
      keys.add(bytes.subarray(at, at + 4).toString('hex'));
    }
    ok(keys.size > count / 2, `fresh masking keys: ${keys.size} distinct in ${count} frames`);
  }

  const received: Buffer[] = [];
  const parser = new FrameParser(
    { role: masked ? 'server' : 'client' },
    {
      onMessage: (opcode, data) => {
        equal(opcode, Opcode.Binary);
        received.push(Buffer.from(data));
      },
      onPing() {},
      onPong() {},
      onClose() {},
      onError(error) {
        throw error;
      },
    },
  );
  parser.push(bytes);
  deepStrictEqual(received, new Array<Buffer>(count).fill(payload));
}
