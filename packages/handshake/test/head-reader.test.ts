// The incremental part shared by both parsers: any chunking gives the same result.
import { describe, expect, it } from 'vitest';
import { HandshakeError, RequestHeadParser, ResponseHeadParser } from '../src/index.js';
import { bytes, requestText } from './sample-heads.js';

const FRAME = '\x81\x83\x01\x02\x03\x04\x60\x60\x60\r\n';
const WHOLE = bytes(requestText({ after: FRAME }));
const REST = bytes(FRAME);

/** Feeds `chunks` and returns the result or the error, and the largest buffer seen. */
function feed(chunks: Uint8Array[], maxHeadBytes?: number) {
  const parser = new RequestHeadParser({ maxHeadBytes });
  let maxBuffered = 0;
  try {
    for (let i = 0; i < chunks.length; i++) {
      const request = parser.push(chunks[i]!);
      maxBuffered = Math.max(maxBuffered, parser.bufferedBytes);
      if (request !== undefined) {
        // The rest of this chunk and every later chunk belong to the frames.
        const later = chunks.slice(i + 1);
        return { request, later, maxBuffered };
      }
    }
    return { request: undefined, later: [], maxBuffered };
  } catch (error) {
    if (!(error instanceof HandshakeError)) throw error;
    return { error, maxBuffered };
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('HeadReader: chunking', () => {
  const reference = new RequestHeadParser().push(WHOLE)!;

  /** The request equals the one-chunk reference, and rest + later chunks are the frame bytes. */
  function expectSame(result: ReturnType<typeof feed>, label: string): void {
    expect(result.error, label).toBeUndefined();
    const { request, later } = result;
    expect({ ...request!, rest: undefined }, label).toEqual({ ...reference, rest: undefined });
    expect(concat([request!.rest, ...(later ?? [])]), label).toEqual(REST);
  }

  it('gives the same request one byte at a time', () => {
    expectSame(feed(Array.from(WHOLE, (b) => Uint8Array.of(b))), 'one byte at a time');
  });

  it('gives the same request for a split at every position', () => {
    for (let at = 0; at <= WHOLE.length; at++) {
      expectSame(feed([WHOLE.subarray(0, at), WHOLE.subarray(at)]), `split at ${at}`);
    }
  });

  it('gives the same request for every split in three', () => {
    for (let a = 0; a <= WHOLE.length; a += 3) {
      for (let b = a; b <= WHOLE.length; b += 5) {
        const chunks = [WHOLE.subarray(0, a), WHOLE.subarray(a, b), WHOLE.subarray(b)];
        expectSame(feed(chunks), `split at ${a}, ${b}`);
      }
    }
  });

  it('splits CRLF CRLF anywhere, including between CR and LF', () => {
    const head = bytes('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    for (let at = head.length - 4; at <= head.length; at++) {
      const { request } = feed([head.subarray(0, at), head.subarray(at)]);
      expect(request?.headers.get('host')).toEqual(['a']);
    }
  });

  it('reports the same error whatever the chunking', () => {
    const bad = bytes(requestText({ lines: ['Host: a', 'Bad Name: x'] }));
    for (let at = 0; at <= bad.length; at++) {
      const { error } = feed([bad.subarray(0, at), bad.subarray(at)]);
      expect(error?.code).toBe('LAPPS_ERR_BAD_HEADER_NAME');
    }
    const { error } = feed(Array.from(bad, (b) => Uint8Array.of(b)));
    expect(error?.code).toBe('LAPPS_ERR_BAD_HEADER_NAME');
  });

  it('never buffers more than maxHeadBytes, whatever the chunking', () => {
    const endless = bytes(`GET / HTTP/1.1\r\nX-A: ${'a'.repeat(500)}`);
    for (const size of [1, 7, 100, 499, 1000]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < endless.length; i += size) chunks.push(endless.subarray(i, i + size));
      const { error, maxBuffered } = feed(chunks, 256);
      expect(error?.code).toBe('LAPPS_ERR_HEAD_TOO_LARGE');
      expect(maxBuffered).toBeLessThanOrEqual(256);
    }
  });

  it('lets the response parser chunk the same way', () => {
    const response = bytes(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00',
    );
    const parser = new ResponseHeadParser();
    let head: ReturnType<ResponseHeadParser['push']>;
    for (const b of response) {
      head = parser.push(Uint8Array.of(b));
      if (head !== undefined) break;
    }
    expect(head!.status).toBe(101);
    expect(head!.rest).toEqual(new Uint8Array(0)); // the frame came in later one-byte chunks
  });
});
