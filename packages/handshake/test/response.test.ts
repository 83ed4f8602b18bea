import { describe, expect, it } from 'vitest';
import {
  buildAcceptResponse,
  buildErrorResponse,
  errorResponseFor,
  HandshakeError,
  RequestHeadParser,
  ResponseHeadParser,
  validateUpgrade,
} from '../src/index.js';
import {
  bytes,
  expectHandshakeError,
  linesWith,
  RFC_ACCEPT,
  RFC_KEY,
  requestText,
  text,
} from './sample-heads.js';

describe('buildAcceptResponse', () => {
  it('builds the RFC 6455 1.2 sample response from the key', () => {
    const response = buildAcceptResponse({ key: RFC_KEY, protocol: 'chat' });
    expect(response).toBeInstanceOf(Uint8Array);
    expect(text(response)).toBe(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${RFC_ACCEPT}\r\n` +
        'Sec-WebSocket-Protocol: chat\r\n' +
        '\r\n',
    );
  });

  it('takes a precomputed accept value and extra headers in order', () => {
    const fromPairs = buildAcceptResponse({
      accept: RFC_ACCEPT,
      headers: [
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['X-Server', 'lapps'],
      ],
    });
    expect(text(fromPairs)).toBe(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${RFC_ACCEPT}\r\n` +
        'Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Server: lapps\r\n\r\n',
    );
    const fromRecord = buildAcceptResponse({ key: RFC_KEY, headers: { 'X-Server': 'lapps' } });
    expect(text(fromRecord)).toContain('\r\nX-Server: lapps\r\n\r\n');
  });

  it.each([
    ['CR LF', { 'X-A': 'a\r\nSet-Cookie: evil=1' }],
    ['a bare LF', { 'X-A': 'a\nb' }],
    ['a bare CR', { 'X-A': 'a\rb' }],
    ['NUL', { 'X-A': 'a\0b' }],
    ['a non-latin1 char', { 'X-A': 'snow ☃' }],
    ['a non-token name', { 'X A': 'b' }],
    ['a name with a colon', { 'X-A:': 'b' }],
    ['an empty name', { '': 'b' }],
    ['a name with CRLF', { 'X\r\nY': 'b' }],
    ['a non-string value', { 'X-A': 1 as unknown as string }],
  ])('refuses an extra header with %s (no response splitting)', (_, headers) => {
    expectHandshakeError(
      () => buildAcceptResponse({ key: RFC_KEY, headers }),
      'LAPPS_ERR_INVALID_HEADER',
      500,
    );
  });

  it.each([
    'Upgrade',
    'connection',
    'Sec-WebSocket-Accept',
    'sec-websocket-protocol',
    'Sec-WebSocket-Extensions',
    'SEC-WEBSOCKET-VERSION',
    'Content-Length',
    'Transfer-Encoding',
  ])('refuses to let an extra header override %s', (name) => {
    expectHandshakeError(
      () => buildAcceptResponse({ key: RFC_KEY, headers: [[name, 'x']] }),
      'LAPPS_ERR_INVALID_HEADER',
      500,
    );
  });

  it('refuses a non-token protocol and a missing or invalid key/accept', () => {
    expectHandshakeError(
      () => buildAcceptResponse({ key: RFC_KEY, protocol: 'a\r\nb' }),
      'LAPPS_ERR_INVALID_HEADER',
      500,
    );
    expectHandshakeError(() => buildAcceptResponse({}), 'LAPPS_ERR_INVALID_ARGUMENT', 500);
    expectHandshakeError(
      () => buildAcceptResponse({ key: 'short' }),
      'LAPPS_ERR_INVALID_ARGUMENT',
      500,
    );
    expectHandshakeError(
      () => buildAcceptResponse({ accept: `${RFC_ACCEPT}\r\nX: y` }),
      'LAPPS_ERR_INVALID_ARGUMENT',
      500,
    );
  });
});

function parseResponse(data: Uint8Array) {
  // Our own response parser reads what we build; the body follows the head.
  const head = new ResponseHeadParser().push(data)!;
  return { ...head, body: new TextDecoder().decode(head.rest) };
}

describe('buildErrorResponse', () => {
  it('builds a closing text/plain response with the reason as body', () => {
    const response = buildErrorResponse(400);
    expect(text(response)).toBe(
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 11\r\n\r\nBad Request',
    );
  });

  it('counts Content-Length in UTF-8 bytes', () => {
    const { headers, body } = parseResponse(buildErrorResponse(403, { body: 'nein ☃' }));
    expect(body).toBe('nein ☃');
    expect(headers.get('content-length')).toEqual(['8']);
  });

  it.each([
    [404, 'Not Found'],
    [405, 'Method Not Allowed'],
    [426, 'Upgrade Required'],
    [431, 'Request Header Fields Too Large'],
    [505, 'HTTP Version Not Supported'],
    [503, 'Service Unavailable'],
    [418, 'Client Error'],
    [599, 'Server Error'],
    [302, 'Found'],
  ])('uses the reason phrase for %i', (status, reason) => {
    expect(parseResponse(buildErrorResponse(status))).toMatchObject({ status, reason });
  });

  it('adds Allow: GET to a 405', () => {
    expect(parseResponse(buildErrorResponse(405)).headers.get('allow')).toEqual(['GET']);
    const custom = parseResponse(buildErrorResponse(405, { headers: { Allow: 'GET, HEAD' } }));
    expect(custom.headers.get('allow')).toEqual(['GET, HEAD']);
  });

  it('adds Sec-WebSocket-Version: 13 and Upgrade: websocket to a 426', () => {
    const { headers } = parseResponse(buildErrorResponse(426));
    expect(headers.get('sec-websocket-version')).toEqual(['13']);
    expect(headers.get('upgrade')).toEqual(['websocket']);
    expect(headers.get('connection')).toEqual(['Upgrade, close']);
  });

  it('refuses bad statuses and headers it owns', () => {
    for (const status of [101, 200, 299, 600, 400.5, Number.NaN]) {
      expectHandshakeError(() => buildErrorResponse(status), 'LAPPS_ERR_INVALID_STATUS', 500);
    }
    for (const name of ['Connection', 'content-length', 'Content-Type', 'Upgrade']) {
      expectHandshakeError(
        () => buildErrorResponse(400, { headers: [[name, 'x']] }),
        'LAPPS_ERR_INVALID_HEADER',
        500,
      );
    }
    expectHandshakeError(
      () => buildErrorResponse(400, { headers: { 'X-A': 'a\r\n\r\n<script>' } }),
      'LAPPS_ERR_INVALID_HEADER',
      500,
    );
  });
});

describe('errorResponseFor', () => {
  function errorFor(lines: string[], requestLine?: string): HandshakeError {
    try {
      validateUpgrade(new RequestHeadParser().push(bytes(requestText({ lines, requestLine })))!);
    } catch (error) {
      return error as HandshakeError;
    }
    throw new Error('no error');
  }

  it('answers a 405 with Allow: GET', () => {
    const response = parseResponse(errorResponseFor(errorFor(linesWith([]), 'POST / HTTP/1.1')));
    expect(response).toMatchObject({ status: 405, body: 'Method Not Allowed' });
    expect(response.headers.get('allow')).toEqual(['GET']);
  });

  it('answers a 426 with Sec-WebSocket-Version: 13, once', () => {
    const error = errorFor(linesWith(['sec-websocket-version'], ['Sec-WebSocket-Version: 8']));
    const response = parseResponse(errorResponseFor(error));
    expect(response.status).toBe(426);
    expect(response.headers.get('sec-websocket-version')).toEqual(['13']);
  });

  it('answers parser errors with their status', () => {
    let error: HandshakeError | undefined;
    try {
      new RequestHeadParser({ maxHeaders: 1 }).push(bytes(requestText()));
    } catch (caught) {
      error = caught as HandshakeError;
    }
    const response = parseResponse(errorResponseFor(error!, { headers: { 'X-Why': 'headers' } }));
    expect(response).toMatchObject({ status: 431, reason: 'Request Header Fields Too Large' });
    expect(response.headers.get('x-why')).toEqual(['headers']);
  });

  it('does not echo the message (it may quote client bytes) unless asked', () => {
    const error = new HandshakeError('LAPPS_ERR_BAD_HOST', 'Host <script> is bad');
    expect(parseResponse(errorResponseFor(error)).body).toBe('Bad Request');
    expect(parseResponse(errorResponseFor(error, { body: 'no' })).body).toBe('no');
  });

  it('refuses client-side errors, which have nothing to answer', () => {
    const error = new HandshakeError('LAPPS_ERR_BAD_ACCEPT', 'x', { status: 101 });
    expectHandshakeError(() => errorResponseFor(error), 'LAPPS_ERR_INVALID_STATUS', 500);
  });
});
