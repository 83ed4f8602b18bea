import { describe, expect, it } from 'vitest';
import { FrameSerializer, Opcode, type Role } from '../src/index.js';
import { concat, recordingParser, utf8 } from './recorder.js';
import { Receiver, Sender } from './ws-internals.js';

type Received = {
  kind: string;
  opcode?: number;
  payload?: Uint8Array;
  code?: number;
  reason?: string;
};

/** Feeds bytes to ws's own Receiver and collects what it emits. */
function parseWithWs(isServer: boolean, bytes: Uint8Array): Received[] {
  const out: Received[] = [];
  const receiver = new Receiver({ isServer, binaryType: 'nodebuffer', maxPayload: 0 });
  receiver.on('message', (data: Buffer, isBinary: boolean) =>
    out.push({ kind: 'message', opcode: isBinary ? 2 : 1, payload: Uint8Array.from(data) }),
  );
  receiver.on('ping', (data: Buffer) => out.push({ kind: 'ping', payload: Uint8Array.from(data) }));
  receiver.on('conclude', (code: number, reason: Buffer) =>
    out.push({ kind: 'close', code, reason: reason.toString() }),
  );
  receiver.on('error', (err: Error) => out.push({ kind: 'error', reason: err.message }));
  receiver.write(Buffer.from(bytes));
  return out;
}

const payloads = {
  text: utf8('héllo wörld, '.repeat(20)),
  binary: new Uint8Array(70000).map((_, i) => (i * 31) & 0xff),
};

describe('interop with ws', () => {
  for (const [role, isServer] of [
    ['client', true],
    ['server', false],
  ] as [Role, boolean][]) {
    it(`ws's Receiver (isServer: ${isServer}) reads our ${role} frames`, () => {
      const s = new FrameSerializer({ role });
      const bytes = concat(
        s.frame(Opcode.Text, payloads.text),
        s.frame(Opcode.Binary, payloads.binary.subarray(0, 100), false),
        s.ping(utf8('p')),
        s.frame(Opcode.Continuation, payloads.binary.subarray(100)),
        s.close(1001, 'bye'),
      );
      expect(parseWithWs(isServer, bytes)).toEqual([
        { kind: 'message', opcode: 1, payload: payloads.text },
        { kind: 'ping', payload: utf8('p') },
        { kind: 'message', opcode: 2, payload: payloads.binary },
        { kind: 'close', code: 1001, reason: 'bye' },
      ]);
    });

    it(`we read ws's Sender frames (mask: ${!isServer}) in ${isServer ? 'client' : 'server'} role`, () => {
      const mask = !isServer;
      const frame = (data: Uint8Array, opcode: number, fin = true) =>
        Sender.frame(Buffer.from(data), { fin, rsv1: false, opcode, mask, readOnly: true });
      const bytes = concat(
        ...frame(payloads.text, 1),
        ...frame(payloads.binary.subarray(0, 10), 2, false),
        ...frame(payloads.binary.subarray(10, 20000), 0, false),
        ...frame(utf8('ping'), 9),
        ...frame(payloads.binary.subarray(20000), 0),
        ...frame(concat(Uint8Array.of(0x0f, 0xa0), utf8('done')), 8),
      );
      const { parser, events } = recordingParser({ role: isServer ? 'client' : 'server' });
      for (let i = 0; i < bytes.length; i += 1500) parser.push(bytes.subarray(i, i + 1500));
      expect(events).toEqual([
        { kind: 'message', opcode: 1, payload: payloads.text },
        { kind: 'ping', payload: utf8('ping') },
        { kind: 'message', opcode: 2, payload: payloads.binary },
        { kind: 'close', code: 4000, reason: 'done' },
      ]);
    });
  }
});
