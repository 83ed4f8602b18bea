import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameSerializer, Opcode, type Role } from '../src/index.js';
import { concat, recordingParser } from './recorder.js';

type Item =
  | { kind: 'text'; text: string; pieces: number[] }
  | { kind: 'binary'; bytes: Uint8Array; pieces: number[] }
  | { kind: 'ping'; bytes: Uint8Array };

const item: fc.Arbitrary<Item> = fc.oneof(
  fc.record({
    kind: fc.constant('text' as const),
    text: fc.string({ unit: 'binary', maxLength: 300 }),
    pieces: fc.array(fc.nat(), { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('binary' as const),
    bytes: fc.uint8Array({ maxLength: 3000 }),
    pieces: fc.array(fc.nat(), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('ping' as const), bytes: fc.uint8Array({ maxLength: 125 }) }),
);

/** Serializes the items, fragmenting messages at the given cut points (cut inside UTF-8 too). */
function encode(role: Role, items: Item[]): { bytes: Uint8Array; expected: unknown[] } {
  const serializer = new FrameSerializer({ role });
  const frames: Uint8Array[] = [];
  const expected: unknown[] = [];
  for (const it of items) {
    if (it.kind === 'ping') {
      frames.push(serializer.ping(it.bytes));
      expected.push({ kind: 'ping', payload: it.bytes });
      continue;
    }
    const payload = it.kind === 'text' ? new TextEncoder().encode(it.text) : it.bytes;
    const opcode = it.kind === 'text' ? Opcode.Text : Opcode.Binary;
    const cuts = [...new Set(it.pieces.map((p) => p % (payload.length + 1)))].sort((a, b) => a - b);
    let from = 0;
    const ends = [...cuts, payload.length];
    ends.forEach((to, i) => {
      const last = i === ends.length - 1;
      frames.push(
        serializer.frame(i === 0 ? opcode : Opcode.Continuation, payload.subarray(from, to), last),
      );
      from = to;
    });
    expected.push({ kind: 'message', opcode, payload });
  }
  frames.push(serializer.close(1000, 'end'));
  expected.push({ kind: 'close', code: 1000, reason: 'end' });
  return { bytes: concat(...frames), expected };
}

describe('round trip (property)', () => {
  for (const [writer, reader] of [
    ['client', 'server'],
    ['server', 'client'],
  ] as const) {
    it(`${writer} frames split at random points parse back equal in ${reader} role`, () => {
      fc.assert(
        fc.property(
          fc.array(item, { maxLength: 12 }),
          fc.array(fc.nat(), { maxLength: 20 }),
          (items, splits) => {
            const { bytes, expected } = encode(writer, items);
            const points = [...new Set(splits.map((s) => s % (bytes.length + 1)))].sort(
              (a, b) => a - b,
            );
            const { parser, events } = recordingParser({ role: reader });
            let from = 0;
            for (const to of [...points, bytes.length]) {
              parser.push(bytes.subarray(from, to));
              from = to;
            }
            expect(events).toEqual(expected);
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});

describe('hostile input (property)', () => {
  const limits = { maxMessageSize: 4096, maxFragments: 16 };

  it('random bytes end in events or one reported error, never an exception, within the limits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Role>('server', 'client'),
        fc.uint8Array({ maxLength: 2000 }),
        fc.nat(50),
        (role, bytes, step) => {
          const { parser, events } = recordingParser({ role, ...limits });
          for (let i = 0; i < bytes.length; i += step + 1) {
            parser.push(bytes.subarray(i, i + step + 1));
            expect(parser.bufferedBytes).toBeLessThanOrEqual(limits.maxMessageSize);
          }
          const errors = events.filter((e) => e.kind === 'error');
          expect(errors.length).toBeLessThanOrEqual(1);
          if (errors.length === 1) expect(events.at(-1)!.kind).toBe('error');
          for (const e of events) {
            if (e.kind === 'message')
              expect(e.payload.length).toBeLessThanOrEqual(limits.maxMessageSize);
            if (e.kind === 'error') expect([1002, 1007, 1008, 1009]).toContain(e.closeCode);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('mutated valid streams never throw and never exceed the limits', () => {
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (items, edits) => {
          const { bytes } = encode('client', items);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const { parser, events } = recordingParser({ role: 'server', ...limits });
          parser.push(bytes);
          expect(parser.bufferedBytes).toBeLessThanOrEqual(limits.maxMessageSize);
          expect(events.filter((e) => e.kind === 'error').length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
