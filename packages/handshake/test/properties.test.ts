// Property tests over the parsers: round trips under random chunking, and hostile input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildClientRequest,
  HandshakeError,
  RequestHeadParser,
  ResponseHeadParser,
  validateServerResponse,
  validateUpgrade,
} from '../src/index.js';
import { bytes, requestText } from './sample-heads.js';

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 12 });
// A field value as the parser returns it: VCHAR / obs-text, inner SP and HTAB, no outer OWS.
const valueChar = fc.oneof(
  fc.integer({ min: 0x21, max: 0x7e }),
  fc.integer({ min: 0x80, max: 0xff }),
  fc.constantFrom(0x20, 0x09),
);
const value = fc
  .array(valueChar, { maxLength: 30 })
  .map((codes) => String.fromCharCode(...codes).replace(/^[ \t]+|[ \t]+$/g, ''));
const target = fc
  .string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 20,
  })
  .map((path) => `/${path}`);

/** Cuts `data` at the given fractions into consecutive chunks. */
function split(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = cuts.map((cut) => Math.floor(cut * (data.length + 1))).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(data.subarray(from, point));
    from = point;
  }
  chunks.push(data.subarray(from));
  return chunks;
}

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

type Outcome<T> = { head: T; later: Uint8Array[] } | { code: string } | { incomplete: true };

/** Feeds chunks, checking the buffer bound after each; only HandshakeError may escape push. */
function feed<T>(
  parser: { push(chunk: Uint8Array): T | undefined; readonly bufferedBytes: number },
  chunks: Uint8Array[],
  maxHeadBytes: number,
): Outcome<T> {
  for (let i = 0; i < chunks.length; i++) {
    let head: T | undefined;
    try {
      head = parser.push(chunks[i]!);
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      expect(error.status).toBeTypeOf('number');
      return { code: error.code };
    }
    expect(parser.bufferedBytes).toBeLessThanOrEqual(maxHeadBytes);
    if (head !== undefined) return { head, later: chunks.slice(i + 1) };
  }
  return { incomplete: true };
}

/** What the parsers should build: lower-cased names, values in order per name. */
function grouped(headers: readonly (readonly [string, string])[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, v] of headers) {
    const list = map.get(name.toLowerCase());
    if (list === undefined) map.set(name.toLowerCase(), [v]);
    else list.push(v);
  }
  return map;
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

describe('properties', () => {
  it('request heads round-trip under any chunking', () => {
    fc.assert(
      fc.property(
        token,
        target,
        fc.integer({ min: 0, max: 9 }),
        fc.array(fc.tuple(token, value), { maxLength: 20 }),
        fc.uint8Array({ maxLength: 40 }),
        cuts,
        (method, path, minor, headers, after, cutAt) => {
          const head = `${method} ${path} HTTP/1.${minor}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
          const wire = concat([bytes(head), after]);
          const outcome = feed(new RequestHeadParser(), split(wire, cutAt), 8192);
          if (!('head' in outcome)) throw new Error(`not parsed: ${JSON.stringify(outcome)}`);
          expect(outcome.head).toMatchObject({
            method,
            target: path,
            version: { major: 1, minor },
          });
          expect(outcome.head.headers).toEqual(grouped(headers));
          expect(concat([outcome.head.rest, ...outcome.later])).toEqual(after);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('response heads round-trip under any chunking', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 599 }),
        value,
        fc.array(fc.tuple(token, value), { maxLength: 20 }),
        cuts,
        (status, reason, headers, cutAt) => {
          const head = `HTTP/1.1 ${status} ${reason}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
          const outcome = feed(new ResponseHeadParser(), split(bytes(head), cutAt), 8192);
          if (!('head' in outcome)) throw new Error(`not parsed: ${JSON.stringify(outcome)}`);
          expect(outcome.head).toMatchObject({ status, reason });
          expect(outcome.head.headers).toEqual(grouped(headers));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('random bytes only ever give HandshakeError or need more, within the byte limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }),
        fc.integer({ min: 16, max: 600 }),
        fc.integer({ min: 0, max: 10 }),
        (chunks, maxHeadBytes, maxHeaders) => {
          for (const parser of [
            new RequestHeadParser({ maxHeadBytes, maxHeaders }),
            new ResponseHeadParser({ maxHeadBytes, maxHeaders }),
          ]) {
            feed<unknown>(parser, chunks, maxHeadBytes);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  // Bytes that matter to the grammar, so mutations hit interesting paths more often than random.
  const interesting = fc.oneof(
    fc.constantFrom(0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x2c, 0x3b, 0x3d, 0x22, 0x5c, 0x00, 0x7f, 0xff),
    fc.integer({ min: 0, max: 255 }),
  );
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: interesting }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: interesting }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  );

  it('mutated valid requests: only HandshakeError, and the same outcome whatever the chunking', () => {
    const valid = Array.from(
      bytes(
        requestText({
          lines: [
            'Host: example.com',
            'Upgrade: websocket',
            'Connection: keep-alive, Upgrade',
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
            'Sec-WebSocket-Version: 13',
            'Sec-WebSocket-Protocol: chat, superchat',
            'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15; x="y"',
          ],
        }),
      ),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), cuts, (mutations, cutAt) => {
        const data = [...valid];
        for (const m of mutations) {
          const at = m.at % (data.length + 1);
          if (m.kind === 'set') data[Math.min(at, data.length - 1)] = m.byte;
          else if (m.kind === 'insert') data.splice(at, 0, m.byte);
          else data.splice(at, 1);
        }
        const wire = Uint8Array.from(data);
        const whole = feed(new RequestHeadParser({ maxHeadBytes: 512 }), [wire], 512);
        const chunked = feed(new RequestHeadParser({ maxHeadBytes: 512 }), split(wire, cutAt), 512);
        if ('head' in whole) {
          if (!('head' in chunked)) throw new Error(`chunked: ${JSON.stringify(chunked)}`);
          expect({ ...chunked.head, rest: null }).toEqual({ ...whole.head, rest: null });
          try {
            validateUpgrade(whole.head, { subprotocols: ['chat'] });
          } catch (error) {
            if (!(error instanceof HandshakeError)) throw error;
            expect(error.status).toBeGreaterThanOrEqual(400);
          }
        } else {
          expect(chunked).toEqual(whole);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated valid responses: the client side only throws HandshakeError', () => {
    const { key } = buildClientRequest({ host: 'a', path: '/', key: 'dGhlIHNhbXBsZSBub25jZQ==' });
    const valid = Array.from(
      bytes(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n',
      ),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const data = [...valid];
        for (const m of mutations) {
          const at = m.at % (data.length + 1);
          if (m.kind === 'set') data[Math.min(at, data.length - 1)] = m.byte;
          else if (m.kind === 'insert') data.splice(at, 0, m.byte);
          else data.splice(at, 1);
        }
        const outcome = feed(new ResponseHeadParser(), [Uint8Array.from(data)], 8192);
        if (!('head' in outcome)) return;
        try {
          validateServerResponse(outcome.head, { key, protocols: ['chat'] });
        } catch (error) {
          if (!(error instanceof HandshakeError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});
