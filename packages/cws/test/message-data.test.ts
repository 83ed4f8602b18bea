import { describe, expect, it } from 'vitest';
import { binaryMessage, textMessage } from '../src/message-data.js';
import { binaryPayload } from '../src/outgoing-data.js';

describe('message data', () => {
  const slab = Buffer.from([0, 1, 2, 3, 4, 5]);
  const payload = slab.subarray(2, 5);

  it('delivers views for nodebuffer and uint8array, an exact copy for arraybuffer', () => {
    const asBuffer = binaryMessage(payload, 'nodebuffer');
    expect(asBuffer).toBe(payload);
    const view = binaryMessage(payload, 'uint8array') as Uint8Array;
    expect(view.constructor).toBe(Uint8Array);
    expect(view.buffer).toBe(slab.buffer);
    const copy = binaryMessage(payload, 'arraybuffer') as ArrayBuffer;
    expect(copy.byteLength).toBe(3);
    expect([...new Uint8Array(copy)]).toEqual([2, 3, 4]);
  });

  it('decodes text from Buffers and plain Uint8Arrays', () => {
    expect(textMessage(Buffer.from('héllo'))).toBe('héllo');
    expect(textMessage(new Uint8Array(Buffer.from('héllo')))).toBe('héllo');
  });

  it('sends views of what it is given, and refuses other types', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(binaryPayload(bytes)).toBe(bytes);
    expect([...binaryPayload(new Uint16Array([0x0201]))]).toEqual([1, 2]);
    expect([...binaryPayload(bytes.buffer)]).toEqual([1, 2, 3]);
    expect(() => binaryPayload(new Blob(['x']))).toThrow(/got Blob/);
    expect(() => binaryPayload(null)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_CWS_DATA' }),
    );
  });
});
