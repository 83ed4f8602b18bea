import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PeerDecoder } from '../src/peer-decoder.js';
import { encodePeerFrame, PeerFrameType } from '../src/peer-frame.js';
import {
  expectSameFrames,
  type Frame,
  oneOfEveryType,
  patterned,
  recordingDecoder,
} from './fixtures/peer-frames.js';

const SIZES = [0, 1, 12, 16383, 16384, 1024 * 1024];
const SMALL_SIZES = [0, 1, 12];

function encodeAll(frames: readonly Frame[]): Buffer {
  return Buffer.concat(
    frames.map((f) => encodePeerFrame(f.type, f.opcode, f.code, f.id, f.payload)),
  );
}

/** A header with arbitrary bytes, for frames the encoder refuses to write. */
function rawHeader(type: number, opcode: number, length: number): Uint8Array {
  const header = Buffer.alloc(12);
  header[0] = type;
  header[1] = opcode;
  header.writeUInt32LE(length, 8);
  return header;
}

describe('PeerDecoder round trips', () => {
  for (const size of SIZES) {
    it(`decodes every type with a payload of ${size} bytes, whole`, () => {
      const frames = oneOfEveryType(patterned(size, size));
      const { decoder, frames: got } = recordingDecoder();
      decoder.push(encodeAll(frames));
      expectSameFrames(got, frames);
    });
  }

  for (const size of SMALL_SIZES) {
    it(`decodes every type with ${size}-byte payloads split at every byte`, () => {
      const frames = oneOfEveryType(patterned(size, 1));
      const bytes = encodeAll(frames);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const { decoder, frames: got } = recordingDecoder();
        decoder.push(bytes.subarray(0, cut));
        decoder.push(bytes.subarray(cut));
        expectSameFrames(got, frames);
      }
      const { decoder, frames: got } = recordingDecoder();
      for (let i = 0; i < bytes.length; i++) decoder.push(bytes.subarray(i, i + 1));
      expectSameFrames(got, frames);
    });
  }

  it('decodes a 1 MiB frame fed in 1000-byte chunks', () => {
    const frames = oneOfEveryType(patterned(1024 * 1024, 3)).slice(0, 2);
    const bytes = encodeAll(frames);
    const { decoder, frames: got } = recordingDecoder();
    for (let i = 0; i < bytes.length; i += 1000) decoder.push(bytes.subarray(i, i + 1000));
    expectSameFrames(got, frames);
  });

  it('decodes any sequence of frames cut into any chunks (property)', () => {
    const frame = fc.record({
      type: fc.constantFrom(...Object.values(PeerFrameType)),
      opcode: fc.constantFrom(1, 2),
      code: fc.integer({ min: 0, max: 0xffff }),
      id: fc.integer({ min: 0, max: 0xffff_ffff }),
      payload: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(
        fc.array(frame, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const bytes = encodeAll(frames);
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort(
            (a, b) => a - b,
          );
          const { decoder, frames: got } = recordingDecoder();
          let from = 0;
          for (const point of [...points, bytes.length]) {
            decoder.push(bytes.subarray(from, point));
            from = point;
          }
          expectSameFrames(got, frames);
        },
      ),
    );
  });
});

describe('PeerDecoder payload views', () => {
  it('hands a payload that is whole in the chunk as a view of it, and a split one in its own buffer', () => {
    const payload = patterned(100);
    const bytes = encodePeerFrame(PeerFrameType.Message, 2, 0, 9, payload);
    const seen: Uint8Array[] = [];
    const decoder = new PeerDecoder((_t, _o, _c, _i, p) => seen.push(p));
    decoder.push(bytes);
    expect(seen[0]!.buffer).toBe(bytes.buffer);
    expect(seen[0]!.byteOffset).toBe(bytes.byteOffset + 12);

    decoder.push(bytes.subarray(0, 50));
    decoder.push(bytes.subarray(50));
    expect(seen[1]!.buffer).not.toBe(bytes.buffer);
    expect(new Uint8Array(seen[1]!)).toEqual(payload);
  });

  it('delivers an empty payload without a view of the chunk', () => {
    const seen: Uint8Array[] = [];
    const decoder = new PeerDecoder((_t, _o, _c, _i, p) => seen.push(p));
    const bytes = encodePeerFrame(PeerFrameType.Disconnect, 0, 0, 1);
    decoder.push(bytes);
    expect(seen[0]!.length).toBe(0);
    expect(seen[0]!.buffer).not.toBe(bytes.buffer);
  });
});

describe('PeerDecoder errors', () => {
  it('rejects a payload over the limit from its header, before any payload arrives', () => {
    const { decoder, frames } = recordingDecoder({ maxPayload: 1000 });
    decoder.push(encodePeerFrame(PeerFrameType.Message, 1, 0, 1, new Uint8Array(1000)));
    expect(frames).toHaveLength(1);
    expect(() => decoder.push(rawHeader(PeerFrameType.Message, 1, 1001))).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME_TOO_BIG' }),
    );
  });

  it('rejects a length over the 64 MiB default', () => {
    const { decoder } = recordingDecoder();
    expect(() => decoder.push(rawHeader(PeerFrameType.Send, 2, 64 * 1024 * 1024 + 1))).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME_TOO_BIG' }),
    );
  });

  it.each([0, 8, 0x7f, 0xff])('rejects frame type %i', (type) => {
    const { decoder } = recordingDecoder();
    expect(() => decoder.push(rawHeader(type, 0, 0))).toThrow(
      expect.objectContaining({
        code: 'LAPPS_ERR_PEER_FRAME',
        message: expect.stringContaining(`type ${type}`),
      }),
    );
  });

  it('rejects a message opcode other than text or binary', () => {
    const { decoder } = recordingDecoder();
    expect(() => decoder.push(rawHeader(PeerFrameType.Broadcast, 9, 0))).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME' }),
    );
  });

  it('detects a bad header that arrives one byte at a time', () => {
    const { decoder } = recordingDecoder();
    const header = rawHeader(42, 0, 0);
    for (let i = 0; i < 11; i++) decoder.push(header.subarray(i, i + 1));
    expect(() => decoder.push(header.subarray(11))).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PEER_FRAME' }),
    );
  });

  it('stays failed: later input throws the same error and delivers nothing', () => {
    const { decoder, frames } = recordingDecoder();
    let first: unknown;
    try {
      decoder.push(rawHeader(0, 0, 0));
    } catch (error) {
      first = error;
    }
    expect(() => decoder.push(encodePeerFrame(PeerFrameType.Disconnect, 0, 0, 1))).toThrow(
      first as Error,
    );
    expect(frames).toHaveLength(0);
  });

  it('fails for good when the handler throws', () => {
    const boom = new Error('boom');
    const decoder = new PeerDecoder(() => {
      throw boom;
    });
    const frame = encodePeerFrame(PeerFrameType.Disconnect, 0, 0, 1);
    expect(() => decoder.push(frame)).toThrow(boom);
    expect(() => decoder.push(frame)).toThrow(boom);
  });
});
