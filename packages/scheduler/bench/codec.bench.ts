import { equal } from 'node:assert/strict';
import { PeerDecoder } from '../src/peer-decoder.js';
import { PeerEncoder, type PeerWritable } from '../src/peer-encoder.js';
import { PeerFrameType, PeerOpcode } from '../src/peer-frame.js';
import type { Row } from './row.js';

/**
 * Encode and decode of 1 KiB text Message frames in one process, 48 a call (one turn's batch):
 * `PeerEncoder` packs them, its flush hands the batch to a socket that hands it straight to a
 * `PeerDecoder`, as the kernel would hand it to the peer. The baseline is what forwarding through
 * the cluster IPC channel costs in the two processes before any I/O: `JSON.stringify` of an
 * equivalent object and `JSON.parse` of the result.
 */

// 48 frames of 1036 bytes fit one 64 KiB chunk, which then serves every call (see `verify`).
const FRAMES_PER_CALL = 48;
const TEXT = 'x'.repeat(1000) + 'é'.repeat(12); // 1024 bytes of UTF-8
const PAYLOAD = new TextEncoder().encode(TEXT);

export function codecRow(): Row {
  let decoded = 0;
  let bytes = 0;
  const decoder = new PeerDecoder((_type, _opcode, _code, _id, payload) => {
    decoded++;
    bytes += payload.length;
  });
  // A socket whose writes go through at once, straight into the decoder.
  const sink: PeerWritable = {
    write(chunk) {
      decoder.push(chunk);
      return true;
    },
    cork() {},
    uncork() {},
    writableLength: 0,
    destroyed: false,
  };
  const encoder = new PeerEncoder(sink);
  const ours = () => {
    for (let i = 0; i < FRAMES_PER_CALL; i++) {
      encoder.add(PeerFrameType.Message, PeerOpcode.Text, 0, i, PAYLOAD);
    }
    encoder.flush();
  };

  let parsed = 0;
  const json = () => {
    for (let i = 0; i < FRAMES_PER_CALL; i++) {
      const text = JSON.stringify({ type: 'message', conn: i, opcode: 1, payload: TEXT });
      const message = JSON.parse(text) as { payload: string };
      parsed += message.payload.length > 0 ? 1 : 0;
    }
  };

  // What is timed does the work: every frame arrives whole, in one chunk per call.
  ours();
  equal(decoded, FRAMES_PER_CALL);
  equal(bytes, FRAMES_PER_CALL * PAYLOAD.length);
  equal(encoder.chunksAllocated, 1);
  json();
  equal(parsed, FRAMES_PER_CALL);

  return {
    name: `codec: encode+decode 1 KiB Message, ${FRAMES_PER_CALL} a turn`,
    opsPerCall: FRAMES_PER_CALL,
    ours,
    baseline: json,
    baselineName: 'JSON.stringify+parse',
    verify: () => equal(encoder.chunksAllocated, 1),
  };
}
