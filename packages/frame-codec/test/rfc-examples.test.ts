import { describe, expect, it } from 'vitest';
import { FrameSerializer, Opcode } from '../src/index.js';
import { hex, parseAll, plain, utf8 } from './recorder.js';

// RFC 6455 section 5.7, byte for byte.
const singleUnmasked = hex('81 05 48 65 6c 6c 6f');
const singleMasked = hex('81 85 37 fa 21 3d 7f 9f 4d 51 58');
const fragmentedUnmasked = hex('01 03 48 65 6c  80 02 6c 6f');
const pingUnmasked = hex('89 05 48 65 6c 6c 6f');
const pongMasked = hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58');
const hello = utf8('Hello');

describe('RFC 6455 section 5.7 examples', () => {
  it('parses a single-frame unmasked text message (client role)', () => {
    expect(parseAll({ role: 'client' }, singleUnmasked)).toEqual([
      { kind: 'message', opcode: 1, payload: hello },
    ]);
  });

  it('parses a single-frame masked text message (server role)', () => {
    expect(parseAll({ role: 'server' }, singleMasked)).toEqual([
      { kind: 'message', opcode: 1, payload: hello },
    ]);
  });

  it('reassembles the fragmented unmasked "Hel" + "lo"', () => {
    for (const step of [1, 2, 3, 9]) {
      expect(parseAll({ role: 'client' }, fragmentedUnmasked, step)).toEqual([
        { kind: 'message', opcode: 1, payload: hello },
      ]);
    }
  });

  it('parses the unmasked ping and the masked pong', () => {
    expect(parseAll({ role: 'client' }, pingUnmasked)).toEqual([{ kind: 'ping', payload: hello }]);
    expect(parseAll({ role: 'server' }, pongMasked)).toEqual([{ kind: 'pong', payload: hello }]);
  });

  it('parses the 256-byte and 64 KiB unmasked binary frames by their headers', () => {
    const small = new Uint8Array(256).map((_, i) => i);
    const big = new Uint8Array(65536).map((_, i) => i * 7);
    const smallFrame = new Uint8Array([...hex('82 7e 01 00'), ...small]);
    const bigFrame = new Uint8Array(10 + big.length);
    bigFrame.set(hex('82 7f 00 00 00 00 00 01 00 00'));
    bigFrame.set(big, 10);
    expect(parseAll({ role: 'client' }, smallFrame)).toEqual([
      { kind: 'message', opcode: 2, payload: small },
    ]);
    // 64 KiB compared as bytes: a deep toEqual over 65,536 elements takes seconds on a loaded CI.
    const events = parseAll({ role: 'client' }, bigFrame, 1000);
    expect(events.map((e) => ({ ...e, payload: undefined }))).toEqual([
      { kind: 'message', opcode: 2, payload: undefined },
    ]);
    const payload = (events[0] as { payload: Uint8Array }).payload;
    expect(Buffer.from(payload).equals(Buffer.from(big))).toBe(true);
  }, 30_000);

  it('serializes the same bytes', () => {
    const server = new FrameSerializer({ role: 'server' });
    expect(plain(server.frame(Opcode.Text, hello))).toEqual(singleUnmasked);
    expect(plain(server.frame(Opcode.Text, utf8('Hel'), false))).toEqual(
      fragmentedUnmasked.subarray(0, 5),
    );
    expect(plain(server.frame(Opcode.Continuation, utf8('lo')))).toEqual(
      fragmentedUnmasked.subarray(5),
    );
    expect(plain(server.ping(hello))).toEqual(pingUnmasked);
    expect(plain(server.frame(Opcode.Binary, new Uint8Array(256)).subarray(0, 4))).toEqual(
      hex('82 7e 01 00'),
    );
    expect(plain(server.frame(Opcode.Binary, new Uint8Array(65536)).subarray(0, 10))).toEqual(
      hex('82 7f 00 00 00 00 00 01 00 00'),
    );
    const fixedKey = (target: Uint8Array, offset: number) => target.set(hex('37 fa 21 3d'), offset);
    const client = new FrameSerializer({ role: 'client', writeMaskKey: fixedKey });
    expect(plain(client.frame(Opcode.Text, hello))).toEqual(singleMasked);
    expect(plain(client.pong(hello))).toEqual(pongMasked);
  });
});
