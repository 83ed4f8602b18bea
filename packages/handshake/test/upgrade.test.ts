import { describe, expect, it } from 'vitest';
import { RequestHeadParser, validateUpgrade } from '../src/index.js';
import { bytes, expectHandshakeError, linesWith, RFC_KEY, requestText } from './sample-heads.js';

function request(options: Parameters<typeof requestText>[0] = {}) {
  return new RequestHeadParser().push(bytes(requestText(options)))!;
}

function validate(options: Parameters<typeof requestText>[0] = {}) {
  return validateUpgrade(request(options));
}

describe('validateUpgrade: valid handshakes', () => {
  it('returns what the RFC 6455 1.2 sample asks for', () => {
    expect(validateUpgrade(request(), { subprotocols: ['superchat', 'chat'] })).toEqual({
      key: RFC_KEY,
      target: '/chat',
      host: 'server.example.com',
      origin: 'http://example.com',
      protocols: ['chat', 'superchat'],
      protocol: 'superchat',
      extensions: [],
    });
  });

  it('chooses no protocol without options or without a match', () => {
    expect(validate().protocol).toBeUndefined();
    expect(validateUpgrade(request(), { subprotocols: ['mqtt'] }).protocol).toBeUndefined();
    const none = validateUpgrade(request({ lines: linesWith(['sec-websocket-protocol']) }), {
      subprotocols: ['chat'],
    });
    expect(none).toMatchObject({ protocols: [], protocol: undefined });
  });

  it.each([
    ['Upgrade: WebSocket', 'Connection: Upgrade'],
    ['Upgrade: h2c, websocket', 'Connection: keep-alive, Upgrade'],
    ['Upgrade: WEBSOCKET', 'Connection: upgrade'],
    ['Upgrade: websocket', 'Connection: keep-alive,upgrade , close'],
  ])('accepts %s with %s', (upgrade, connection) => {
    expect(
      validate({ lines: linesWith(['upgrade', 'connection'], [upgrade, connection]) }).key,
    ).toBe(RFC_KEY);
  });

  it('finds tokens over repeated Upgrade and Connection headers', () => {
    const lines = linesWith(
      ['upgrade', 'connection'],
      ['Upgrade: h2c', 'Upgrade: websocket', 'Connection: keep-alive', 'Connection: Upgrade'],
    );
    expect(validate({ lines }).key).toBe(RFC_KEY);
  });

  it('combines repeated Sec-WebSocket-Protocol headers', () => {
    const lines = linesWith(
      ['sec-websocket-protocol'],
      ['Sec-WebSocket-Protocol: a, b', 'Sec-WebSocket-Protocol: c'],
    );
    expect(validate({ lines }).protocols).toEqual(['a', 'b', 'c']);
  });

  it('parses extension offers', () => {
    const lines = linesWith(
      [],
      ['Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'],
    );
    const [offer] = validate({ lines }).extensions;
    expect(offer?.name).toBe('permessage-deflate');
    expect([...(offer?.params ?? [])]).toEqual([['client_max_window_bits', true]]);
  });

  it('accepts HTTP/1.2 and a missing Origin', () => {
    const result = validate({ requestLine: 'GET /chat HTTP/1.2', lines: linesWith(['origin']) });
    expect(result.origin).toBeUndefined();
  });

  it.each(['127.0.0.1:8080', '[::1]:443', 'xn--bcher-kva.example', 'a.b-c_d~e'])(
    'accepts Host %s',
    (host) => {
      expect(validate({ lines: linesWith(['host'], [`Host: ${host}`]) }).host).toBe(host);
    },
  );
});

describe('validateUpgrade: errors', () => {
  it.each(['POST', 'HEAD', 'get', 'PUT'])('answers 405 with Allow: GET to %s', (method) => {
    const error = expectHandshakeError(
      () => validate({ requestLine: `${method} /chat HTTP/1.1` }),
      'LAPPS_ERR_METHOD_NOT_ALLOWED',
      405,
    );
    expect(error.headers).toEqual([['Allow', 'GET']]);
  });

  it('answers 400 to HTTP/1.0', () => {
    expectHandshakeError(
      () => validate({ requestLine: 'GET /chat HTTP/1.0' }),
      'LAPPS_ERR_HTTP_1_1_REQUIRED',
      400,
    );
  });

  it('answers 505 to a version the parser would have refused', () => {
    const head = { ...request(), version: { major: 2, minor: 0 } };
    expectHandshakeError(() => validateUpgrade(head), 'LAPPS_ERR_BAD_VERSION', 505);
  });

  it.each([
    ['a missing Host', linesWith(['host'])],
    ['two Host headers', linesWith([], ['Host: other.example.com'])],
    ['an empty Host', linesWith(['host'], ['Host:'])],
    ['a Host with a path', linesWith(['host'], ['Host: a.com/x'])],
    ['a Host with userinfo', linesWith(['host'], ['Host: u@a.com'])],
    ['a Host with a space', linesWith(['host'], ['Host: a .com'])],
  ])('answers 400 to %s', (_, lines) => {
    expectHandshakeError(() => validate({ lines }), 'LAPPS_ERR_BAD_HOST', 400);
  });

  it.each([
    ['no Upgrade', linesWith(['upgrade'])],
    ['Upgrade: h2c', linesWith(['upgrade'], ['Upgrade: h2c'])],
    ['Upgrade: websocket/13', linesWith(['upgrade'], ['Upgrade: websocket/13'])],
    ['Upgrade: websockets', linesWith(['upgrade'], ['Upgrade: websockets'])],
    ['Upgrade: web socket', linesWith(['upgrade'], ['Upgrade: web socket'])],
  ])('answers 400 to %s', (_, lines) => {
    expectHandshakeError(() => validate({ lines }), 'LAPPS_ERR_BAD_UPGRADE', 400);
  });

  it.each([
    ['no Connection', linesWith(['connection'])],
    ['Connection: keep-alive', linesWith(['connection'], ['Connection: keep-alive'])],
    ['Connection: upgraded', linesWith(['connection'], ['Connection: upgraded'])],
  ])('answers 400 to %s', (_, lines) => {
    expectHandshakeError(() => validate({ lines }), 'LAPPS_ERR_BAD_CONNECTION', 400);
  });

  it.each([
    ['no version', linesWith(['sec-websocket-version'])],
    ['version 8', linesWith(['sec-websocket-version'], ['Sec-WebSocket-Version: 8'])],
    ['version 13, 8', linesWith(['sec-websocket-version'], ['Sec-WebSocket-Version: 13, 8'])],
    ['version 013', linesWith(['sec-websocket-version'], ['Sec-WebSocket-Version: 013'])],
    ['two version headers', linesWith([], ['Sec-WebSocket-Version: 13'])],
  ])('answers 426 with Sec-WebSocket-Version: 13 to %s', (_, lines) => {
    const error = expectHandshakeError(() => validate({ lines }), 'LAPPS_ERR_BAD_WS_VERSION', 426);
    expect(error.headers).toEqual([['Sec-WebSocket-Version', '13']]);
  });

  it.each([
    ['no key', []],
    ['an empty key', ['']],
    ['a 15-byte key', ['AAAAAAAAAAAAAAAAAAAA']],
    ['a 17-byte key', ['AAAAAAAAAAAAAAAAAAAAAAA=']],
    ['a key without padding', ['AAAAAAAAAAAAAAAAAAAAAAAA']],
    ['a key with a bad char', ['AAAAAAAAAAAAAAAAAAAA-A==']],
    ['a base64url key', ['AAAAAAAAAAAAAAAAAAAA_A==']],
    ['a 25-char key', ['AAAAAAAAAAAAAAAAAAAAAA===']],
    ['two keys', [RFC_KEY, RFC_KEY]],
  ])('answers 400 to %s', (_, keys) => {
    const lines = linesWith(
      ['sec-websocket-key'],
      keys.map((key) => `Sec-WebSocket-Key: ${key}`),
    );
    expectHandshakeError(() => validate({ lines }), 'LAPPS_ERR_BAD_KEY', 400);
  });

  it('answers 400 to a malformed or repeated subprotocol', () => {
    for (const value of ['a b', 'a, a', '', 'a;b', '"a"']) {
      const lines = linesWith(['sec-websocket-protocol'], [`Sec-WebSocket-Protocol: ${value}`]);
      expectHandshakeError(() => validate({ lines }), 'LAPPS_ERR_BAD_SUBPROTOCOL', 400);
    }
  });

  it('answers 400 to malformed extensions', () => {
    for (const value of ['', 'a;', 'a; b=', 'a b', 'a; b="c d"']) {
      const lines = linesWith([], [`Sec-WebSocket-Extensions: ${value}`]);
      expectHandshakeError(() => validate({ lines }), 'LAPPS_ERR_BAD_EXTENSIONS', 400);
    }
  });
});
