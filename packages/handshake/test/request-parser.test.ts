import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_HEAD_BYTES,
  DEFAULT_MAX_HEADERS,
  HandshakeError,
  RequestHeadParser,
} from '../src/index.js';
import { bytes, expectHandshakeError, RFC_KEY, requestText } from './sample-heads.js';

function parse(head: string, limits?: ConstructorParameters<typeof RequestHeadParser>[0]) {
  return new RequestHeadParser(limits).push(bytes(head));
}

describe('RequestHeadParser: valid heads', () => {
  it('parses the RFC 6455 1.2 sample request', () => {
    const request = parse(requestText())!;
    expect(request.method).toBe('GET');
    expect(request.target).toBe('/chat');
    expect(request.version).toEqual({ major: 1, minor: 1 });
    expect([...request.headers]).toEqual([
      ['host', ['server.example.com']],
      ['upgrade', ['websocket']],
      ['connection', ['Upgrade']],
      ['sec-websocket-key', [RFC_KEY]],
      ['origin', ['http://example.com']],
      ['sec-websocket-protocol', ['chat, superchat']],
      ['sec-websocket-version', ['13']],
    ]);
    expect(request.rest).toEqual(new Uint8Array(0));
  });

  it('lower-cases names and keeps repeated headers in order', () => {
    const request = parse(
      requestText({ lines: ['X-A: 1', 'x-b: 2', 'X-A: 3', 'X-a: 4', 'SEC-WEBSOCKET-PROTOCOL: a'] }),
    )!;
    expect(request.headers.get('x-a')).toEqual(['1', '3', '4']);
    expect(request.headers.get('x-b')).toEqual(['2']);
    expect(request.headers.get('sec-websocket-protocol')).toEqual(['a']);
  });

  it('trims OWS around values and keeps inner whitespace', () => {
    const request = parse(
      requestText({ lines: ['X-A: \t a \t b \t ', 'X-B:c', 'X-C:', 'X-D:   '] }),
    )!;
    expect(request.headers.get('x-a')).toEqual(['a \t b']);
    expect(request.headers.get('x-b')).toEqual(['c']);
    expect(request.headers.get('x-c')).toEqual(['']);
    expect(request.headers.get('x-d')).toEqual(['']);
  });

  it('reads obs-text (bytes 0x80-0xFF) as latin1, one char per byte', () => {
    const request = parse(requestText({ lines: ['X-A: caf\xe9 \x80\xff'] }))!;
    expect(request.headers.get('x-a')).toEqual(['caf\u00e9 \u0080\u00ff']);
  });

  it('returns the bytes after the head in rest, exactly, as a copy', () => {
    const frame = '\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58\r\n\r\n';
    const chunk = bytes(requestText({ after: frame }));
    const request = new RequestHeadParser().push(chunk)!;
    expect(request.rest).toEqual(bytes(frame));
    chunk.fill(0); // a shared read buffer being reused
    expect(request.rest).toEqual(bytes(frame));
    expect(request.rest.buffer).not.toBe(chunk.buffer);
  });

  it('accepts other methods, targets and HTTP/1.x versions (validateUpgrade judges them)', () => {
    expect(parse(requestText({ requestLine: 'POST /a?b=c%20d HTTP/1.0' }))).toMatchObject({
      method: 'POST',
      target: '/a?b=c%20d',
      version: { major: 1, minor: 0 },
    });
    expect(parse(requestText({ requestLine: 'OPTIONS * HTTP/1.9' }))).toMatchObject({
      method: 'OPTIONS',
      target: '*',
      version: { major: 1, minor: 9 },
    });
    expect(parse(requestText({ requestLine: 'get http://h/x HTTP/1.1' }))?.method).toBe('get');
  });

  it('accepts a head with no header lines', () => {
    expect(parse('GET / HTTP/1.1\r\n\r\n')?.headers.size).toBe(0);
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_MAX_HEAD_BYTES).toBe(8192);
    expect(DEFAULT_MAX_HEADERS).toBe(100);
  });
});

describe('RequestHeadParser: request line errors', () => {
  const bad = [
    ['empty line', ''],
    ['no target', 'GET HTTP/1.1'],
    ['two spaces', 'GET  /chat HTTP/1.1'],
    ['leading space', ' GET /chat HTTP/1.1'],
    ['trailing space', 'GET /chat HTTP/1.1 '],
    ['tab separator', 'GET\t/chat HTTP/1.1'],
    ['no version', 'GET /chat'],
    ['HTTP/0.9 style', 'GET /chat'],
    ['lower-case version', 'GET /chat http/1.1'],
    ['short version', 'GET /chat HTTP/2'],
    ['long version', 'GET /chat HTTP/1.10'],
    ['letters in version', 'GET /chat HTTP/1.x'],
    ['non-token method', 'G(T /chat HTTP/1.1'],
    ['control in target', 'GET /ch\x01at HTTP/1.1'],
    ['obs-text in target', 'GET /caf\xe9 HTTP/1.1'],
    ['NUL in method', 'G\0T /chat HTTP/1.1'],
    ['bare CR in line', 'GET /chat\rHTTP/1.1'],
  ] as const;
  it.each(bad)('rejects %s with 400', (_, line) => {
    expectHandshakeError(
      () => parse(requestText({ requestLine: line })),
      'LAPPS_ERR_BAD_REQUEST_LINE',
      400,
    );
  });

  it.each(['HTTP/2.0', 'HTTP/3.0', 'HTTP/0.9', 'HTTP/9.9'])('answers 505 to %s', (version) => {
    expectHandshakeError(
      () => parse(requestText({ requestLine: `GET /chat ${version}` })),
      'LAPPS_ERR_BAD_VERSION',
      505,
    );
  });

  it("answers 505 to HTTP/2's connection preface", () => {
    expectHandshakeError(
      () => parse('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
      'LAPPS_ERR_BAD_VERSION',
      505,
    );
  });

  it('fails on the first line without waiting for the rest of the head', () => {
    expectHandshakeError(
      () => new RequestHeadParser().push(bytes('BREW /pot HTCPCP/1.0\r\nHost')),
      'LAPPS_ERR_BAD_REQUEST_LINE',
      400,
    );
  });
});

describe('RequestHeadParser: header line errors', () => {
  it('rejects a line without a colon (400)', () => {
    expectHandshakeError(
      () => parse(requestText({ lines: ['Host: a', 'NoColonHere'] })),
      'LAPPS_ERR_BAD_HEADER_LINE',
      400,
    );
  });

  it.each(['Host : a', 'Host\t: a', 'Host  \t :a'])(
    'rejects whitespace between name and colon: %j (400, RFC 9112 5.1)',
    (line) => {
      const error = expectHandshakeError(
        () => parse(requestText({ lines: [line] })),
        'LAPPS_ERR_BAD_HEADER_LINE',
        400,
      );
      expect(error.message).toMatch(/whitespace/);
    },
  );

  it.each([' folded', '\tfolded'])('rejects obs-fold continuation %j (400)', (continuation) => {
    expectHandshakeError(
      () => parse(requestText({ lines: ['X-A: a', continuation] })),
      'LAPPS_ERR_OBS_FOLD',
      400,
    );
  });

  it('rejects whitespace right after the request line (400)', () => {
    expectHandshakeError(
      () => parse(requestText({ lines: [' Host: a'] })),
      'LAPPS_ERR_OBS_FOLD',
      400,
    );
  });

  it.each([
    ['a space', 'Bad Name: x'],
    ['a slash', 'Bad/Name: x'],
    ['brackets', '[x]: y'],
    ['NUL', 'X\0A: y'],
    ['DEL', 'X\x7fA: y'],
    ['obs-text', 'X\xe9: y'],
    ['a quote', 'X"A: y'],
    ['an empty name', ': y'],
  ])('rejects a name with %s (400)', (_, line) => {
    expectHandshakeError(
      () => parse(requestText({ lines: [line] })),
      'LAPPS_ERR_BAD_HEADER_NAME',
      400,
    );
  });

  it.each([
    ['NUL', 'X-A: a\0b'],
    ['a bare CR', 'X-A: a\rb'],
    ['a trailing CR (CR CR LF)', 'X-A: ab\r'],
    ['a vertical tab', 'X-A: a\x0bb'],
    ['ESC', 'X-A: \x1b[31m'],
    ['DEL', 'X-A: a\x7f'],
  ])('rejects a value with %s (400)', (_, line) => {
    expectHandshakeError(
      () => parse(requestText({ lines: [line] })),
      'LAPPS_ERR_BAD_HEADER_VALUE',
      400,
    );
  });

  it('rejects bare LF line endings (400): only CRLF is accepted', () => {
    expectHandshakeError(
      () => parse('GET / HTTP/1.1\nHost: a\n\n'),
      'LAPPS_ERR_BAD_LINE_ENDING',
      400,
    );
    expectHandshakeError(
      () => parse('GET / HTTP/1.1\r\nHost: a\n\r\n'),
      'LAPPS_ERR_BAD_LINE_ENDING',
      400,
    );
    expectHandshakeError(
      () => parse('GET / HTTP/1.1\r\nHost: a\r\n\n'),
      'LAPPS_ERR_BAD_LINE_ENDING',
      400,
    );
  });
});

describe('RequestHeadParser: limits', () => {
  it('answers 431 to a head over maxHeadBytes, and accepts one of exactly maxHeadBytes', () => {
    const base = requestText({ lines: ['X-Pad: '] });
    const exact = requestText({
      lines: [`X-Pad: ${'a'.repeat(DEFAULT_MAX_HEAD_BYTES - base.length)}`],
    });
    expect(exact.length).toBe(DEFAULT_MAX_HEAD_BYTES);
    expect(parse(exact)).toBeDefined();
    const over = requestText({
      lines: [`X-Pad: ${'a'.repeat(DEFAULT_MAX_HEAD_BYTES - base.length + 1)}`],
    });
    expectHandshakeError(() => parse(over), 'LAPPS_ERR_HEAD_TOO_LARGE', 431);
  });

  it('counts the head limit across chunks and fails as soon as it is reached', () => {
    const parser = new RequestHeadParser({ maxHeadBytes: 64 });
    expect(parser.push(bytes('GET / HTTP/1.1\r\nX-A: '))).toBeUndefined();
    expect(parser.push(bytes('a'.repeat(20)))).toBeUndefined();
    expectHandshakeError(
      () => parser.push(bytes('a'.repeat(1000))),
      'LAPPS_ERR_HEAD_TOO_LARGE',
      431,
    );
    expect(parser.bufferedBytes).toBeLessThanOrEqual(64);
  });

  it('does not count bytes after the head against the limit', () => {
    const head = requestText({ lines: ['Host: a'] });
    const request = parse(head + 'x'.repeat(10_000), { maxHeadBytes: head.length })!;
    expect(request.rest.length).toBe(10_000);
  });

  it('answers 431 to more than maxHeaders header lines, and accepts exactly maxHeaders', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `X-${i}: v`);
    expect(parse(requestText({ lines: lines(DEFAULT_MAX_HEADERS) }))?.headers.size).toBe(100);
    expectHandshakeError(
      () => parse(requestText({ lines: lines(DEFAULT_MAX_HEADERS + 1) })),
      'LAPPS_ERR_TOO_MANY_HEADERS',
      431,
    );
    expectHandshakeError(
      () => parse(requestText({ lines: lines(4) }), { maxHeaders: 3 }),
      'LAPPS_ERR_TOO_MANY_HEADERS',
      431,
    );
  });

  it('counts repeated names once per line', () => {
    expectHandshakeError(
      () => parse(requestText({ lines: ['A: 1', 'A: 2', 'A: 3'] }), { maxHeaders: 2 }),
      'LAPPS_ERR_TOO_MANY_HEADERS',
      431,
    );
  });

  it('fails on the header count before the head is complete', () => {
    const parser = new RequestHeadParser({ maxHeaders: 2 });
    expectHandshakeError(
      () => parser.push(bytes('GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n')),
      'LAPPS_ERR_TOO_MANY_HEADERS',
      431,
    );
  });

  it('rejects nonsense limits at construction', () => {
    expectHandshakeError(
      () => new RequestHeadParser({ maxHeadBytes: 0 }),
      'LAPPS_ERR_INVALID_ARGUMENT',
      500,
    );
    expectHandshakeError(
      () => new RequestHeadParser({ maxHeaders: 1.5 }),
      'LAPPS_ERR_INVALID_ARGUMENT',
      500,
    );
  });
});

describe('RequestHeadParser: state', () => {
  it('rethrows the same error on every push after a failure', () => {
    const parser = new RequestHeadParser();
    const first = expectHandshakeError(
      () => parser.push(bytes('BAD\r\n')),
      'LAPPS_ERR_BAD_REQUEST_LINE',
      400,
    );
    expect(() => parser.push(bytes(requestText()))).toThrow(first);
  });

  it('refuses pushes after the head is complete', () => {
    const parser = new RequestHeadParser();
    expect(parser.push(bytes(requestText()))).toBeDefined();
    expectHandshakeError(() => parser.push(bytes('x')), 'LAPPS_ERR_PARSER_FINISHED', 500);
  });

  it('waits on empty chunks', () => {
    const parser = new RequestHeadParser();
    expect(parser.push(new Uint8Array(0))).toBeUndefined();
    expect(parser.push(bytes(requestText()))?.target).toBe('/chat');
  });

  it('throws only HandshakeError', () => {
    expect(() => parse('\0\0\0\r\n')).toThrow(HandshakeError);
  });
});
