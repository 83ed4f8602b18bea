import { deepStrictEqual, equal, ok } from 'node:assert/strict';
import {
  type DataOpcode,
  type FrameError,
  type FrameHandler,
  FrameParser,
  Opcode,
} from '../src/index.js';
import { type Comparison, type Contender, formatSize, opsPerCallFor } from './compare.js';
import { encodeFrame, maskKey, mixedText, pseudoRandomBytes } from './frames.js';
import { WsReceiver } from './ws-baseline.js';

/**
 * Parsing client frames in a server: read the header, unmask the payload, deliver the message.
 *
 * ws's Receiver unmasks in place, in the chunk it was given, and delivers views of that chunk; ours
 * never modifies a chunk and unmasks into a buffer of the message's own, which it allocates. So ws
 * cannot be fed the same chunk twice (for a text frame the second pass would see masked bytes, fail
 * UTF-8 and stop), and each call of each contender reads its own chunks, restored from the pristine
 * frames before the call, untimed. Both thus parse real client frames every time and find them in
 * cache, as after a socket read.
 *
 * What these rows leave out: a socket allocates a buffer per read, which ws's views then keep alive
 * (here ws pays no allocation at all), and it delivers a 64 KiB frame in pieces (here chunks hold
 * whole frames).
 */

const SIZES = [128, 1024, 64 * 1024] as const;
const FRAMES_PER_CHUNK = [1, 64] as const;

export function parseComparisons(): Comparison[] {
  const rows: Comparison[] = [];
  // Two modes of ours: the default copies each payload out of the chunk into its own buffer (what a
  // server reading into one shared buffer needs); `inPlace` unmasks inside the chunk and delivers
  // views of it, which is what ws does and the like-for-like comparison.
  for (const inPlace of [false, true]) {
    for (const size of SIZES) {
      for (const framesPerChunk of FRAMES_PER_CHUNK) {
        rows.push(
          parseRow('binary', Opcode.Binary, pseudoRandomBytes(size, size), framesPerChunk, inPlace),
        );
      }
    }
    // A text message costs a UTF-8 check too (text of 1- to 4-byte characters).
    for (const framesPerChunk of FRAMES_PER_CHUNK) {
      rows.push(
        parseRow('text (UTF-8 checked)', Opcode.Text, mixedText(1024), framesPerChunk, inPlace),
      );
    }
  }
  return rows;
}

function parseRow(
  kind: string,
  opcode: DataOpcode,
  payload: Buffer,
  framesPerChunk: number,
  inPlace: boolean,
): Comparison {
  const frameBytes = encodeFrame(opcode, payload, maskKey(0)).length;
  const chunkCount = opsPerCallFor(frameBytes * framesPerChunk);
  const pristine: Buffer[] = [];
  for (let c = 0; c < chunkCount; c++) {
    const frames: Buffer[] = [];
    for (let f = 0; f < framesPerChunk; f++) {
      frames.push(encodeFrame(opcode, payload, maskKey(c * framesPerChunk + f)));
    }
    pristine.push(Buffer.concat(frames));
  }
  const framesPerCall = chunkCount * framesPerChunk;
  const perChunk = framesPerChunk === 1 ? 'one frame a chunk' : `${framesPerChunk} frames a chunk`;

  assertOursParses(pristine, opcode, payload, framesPerCall);
  assertWsParses(pristine, opcode, payload, framesPerCall);

  return {
    name: `parse masked ${kind} ${formatSize(payload.length)}, ${perChunk}${inPlace ? ', ours in place' : ', ours copies out'}`,
    opsPerCall: framesPerCall,
    bytesPerCall: framesPerCall * payload.length,
    ours: oursContender(pristine, payload, framesPerCall, inPlace),
    ws: wsContender(pristine, payload, framesPerCall),
  };
}

/** Chunks to feed, and an untimed hook that copies the pristine frames back into them. */
function restorableCopies(pristine: readonly Buffer[]): { chunks: Buffer[]; restore: () => void } {
  const chunks = pristine.map((chunk) => Buffer.from(chunk));
  const restore = () => {
    for (let i = 0; i < chunks.length; i++) chunks[i]!.set(pristine[i]!);
  };
  return { chunks, restore };
}

function oursContender(
  pristine: readonly Buffer[],
  payload: Buffer,
  framesPerCall: number,
  inPlace: boolean,
): Contender {
  const { chunks, restore } = restorableCopies(pristine);
  let calls = 0;
  let messages = 0;
  let bytes = 0;
  let last: Uint8Array = new Uint8Array(0);
  let failure: FrameError | undefined;
  const parser = new FrameParser(
    { role: 'server', inPlace },
    {
      onMessage(_opcode, data) {
        messages++;
        bytes += data.length;
        last = data;
      },
      onPing() {},
      onPong() {},
      onClose() {},
      onError(error) {
        failure = error;
      },
    },
  );
  return {
    beforeEach: restore,
    run() {
      for (const chunk of chunks) parser.push(chunk);
      calls++;
    },
    verify() {
      equal(failure, undefined);
      equal(messages, calls * framesPerCall);
      equal(bytes, messages * payload.length);
      ok(payload.equals(last), 'the last timed message is the payload that was sent');
    },
  };
}

function wsContender(
  pristine: readonly Buffer[],
  payload: Buffer,
  framesPerCall: number,
): Contender {
  const { chunks, restore } = restorableCopies(pristine);
  let calls = 0;
  let messages = 0;
  let bytes = 0;
  let last: Buffer = Buffer.alloc(0);
  let failure: Error | undefined;
  const receiver = new WsReceiver({
    isServer: true,
    maxPayload: 0,
    binaryType: 'nodebuffer',
    allowSynchronousEvents: true,
  });
  receiver.on('message', (data) => {
    messages++;
    bytes += data.length;
    last = data;
  });
  receiver.on('error', (error) => {
    failure = error;
  });
  return {
    beforeEach: restore,
    run() {
      for (const chunk of chunks) receiver.write(chunk);
      calls++;
    },
    verify() {
      equal(failure, undefined);
      equal(messages, calls * framesPerCall);
      equal(bytes, messages * payload.length);
      // `last` is a view of the last chunk, which no hook has re-masked since the last call.
      ok(payload.equals(last), 'the last timed message is the payload that was sent');
    },
  };
}

/** Every frame comes out once, whole, with its opcode, and no chunk is modified. */
function assertOursParses(
  pristine: readonly Buffer[],
  opcode: DataOpcode,
  payload: Buffer,
  frames: number,
): void {
  const received: { opcode: number; payload: Buffer }[] = [];
  let failure: FrameError | undefined;
  const handler: FrameHandler = {
    onMessage: (op, data) => received.push({ opcode: op, payload: Buffer.from(data) }),
    onPing: () => received.push({ opcode: Opcode.Ping, payload: Buffer.alloc(0) }),
    onPong: () => received.push({ opcode: Opcode.Pong, payload: Buffer.alloc(0) }),
    onClose: () => received.push({ opcode: Opcode.Close, payload: Buffer.alloc(0) }),
    onError: (error) => {
      failure = error;
    },
  };
  const parser = new FrameParser({ role: 'server' }, handler);
  const chunks = pristine.map((chunk) => Buffer.from(chunk));
  for (const chunk of chunks) parser.push(chunk);
  equal(failure, undefined);
  equal(received.length, frames);
  for (const message of received) deepStrictEqual(message, { opcode, payload });
  deepStrictEqual(chunks, pristine, 'our parser leaves pushed chunks untouched');
}

function assertWsParses(
  pristine: readonly Buffer[],
  opcode: DataOpcode,
  payload: Buffer,
  frames: number,
): void {
  const received: { opcode: number; payload: Buffer }[] = [];
  const receiver = new WsReceiver({
    isServer: true,
    maxPayload: 0,
    binaryType: 'nodebuffer',
    allowSynchronousEvents: true,
  });
  receiver.on('message', (data, isBinary) =>
    received.push({ opcode: isBinary ? Opcode.Binary : Opcode.Text, payload: Buffer.from(data) }),
  );
  let failure: Error | undefined;
  receiver.on('error', (error) => {
    failure = error;
  });
  // ws calls back with an error and stops reading, so a failure also shows as missing messages.
  for (const chunk of pristine) receiver.write(Buffer.from(chunk));
  equal(failure, undefined);
  equal(received.length, frames);
  for (const message of received) deepStrictEqual(message, { opcode, payload });
}
