import { describe, expect, it } from 'vitest';
import {
  acceptKey,
  buildAcceptResponse,
  buildClientRequest,
  isValidKey,
  RequestHeadParser,
  ResponseHeadParser,
  validateServerResponse,
  validateUpgrade,
} from '../src/index.js';
import { bytes, expectHandshakeError, RFC_ACCEPT, RFC_KEY, text } from './sample-heads.js';

describe('buildClientRequest', () => {
  it('builds the RFC 6455 1.2 sample request with a given key', () => {
    const { key, request } = buildClientRequest({
      host: 'server.example.com',
      path: '/chat',
      protocols: ['chat', 'superchat'],
      origin: 'http://example.com',
      key: RFC_KEY,
    });
    expect(key).toBe(RFC_KEY);
    expect(text(request)).toBe(
      'GET /chat HTTP/1.1\r\n' +
        'Host: server.example.com\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${RFC_KEY}\r\n` +
        'Sec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Protocol: chat, superchat\r\n' +
        'Origin: http://example.com\r\n' +
        '\r\n',
    );
  });

  it('draws a fresh random key each time', () => {
    const a = buildClientRequest({ host: 'h', path: '/' });
    const b = buildClientRequest({ host: 'h', path: '/' });
    expect(isValidKey(a.key) && isValidKey(b.key)).toBe(true);
    expect(a.key).not.toBe(b.key);
    expect(text(a.request)).toContain(`Sec-WebSocket-Key: ${a.key}\r\n`);
  });

  it('writes the port, brackets IPv6, and adds extensions and extra headers', () => {
    const { request } = buildClientRequest({
      host: '::1',
      port: 8080,
      path: '/a?b=c',
      extensions: 'permessage-deflate; client_max_window_bits',
      headers: [['Authorization', 'Bearer x']],
    });
    const head = text(request);
    expect(head).toContain('GET /a?b=c HTTP/1.1\r\nHost: [::1]:8080\r\n');
    expect(head).toContain(
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n',
    );
    expect(head).toContain('Authorization: Bearer x\r\n\r\n');
  });

  it.each([
    ['a host with a space', { host: 'a b', path: '/' }],
    ['an empty host', { host: '', path: '/' }],
    ['a host with CRLF', { host: 'a\r\nX: y', path: '/' }],
    ['port 0', { host: 'a', port: 0, path: '/' }],
    ['port 65536', { host: 'a', port: 65536, path: '/' }],
    ['a relative path', { host: 'a', path: 'chat' }],
    ['a path with a space', { host: 'a', path: '/a b' }],
    ['a path with CRLF', { host: 'a', path: '/a\r\nX: y' }],
    ['a non-ASCII path', { host: 'a', path: '/café' }],
    ['a bad key', { host: 'a', path: '/', key: 'nope' }],
    ['a non-token protocol', { host: 'a', path: '/', protocols: ['a b'] }],
    ['a repeated protocol', { host: 'a', path: '/', protocols: ['a', 'a'] }],
    ['malformed extensions', { host: 'a', path: '/', extensions: 'a;' }],
  ])('refuses %s', (_, options) => {
    expectHandshakeError(() => buildClientRequest(options), 'LAPPS_ERR_INVALID_ARGUMENT', 500);
  });

  it.each([
    ['an Origin with CRLF', { origin: 'http://a\r\nX: y' }],
    ['an extra header with CRLF', { headers: { 'X-A': 'a\r\nb' } }],
    ['an extra Host', { headers: { Host: 'evil' } }],
    ['an extra Sec-WebSocket-Key', { headers: { 'Sec-WebSocket-Key': RFC_KEY } }],
    ['an extra Upgrade', { headers: { Upgrade: 'h2c' } }],
  ])('refuses %s', (_, options) => {
    expectHandshakeError(
      () => buildClientRequest({ host: 'a', path: '/', ...options }),
      'LAPPS_ERR_INVALID_HEADER',
      500,
    );
  });
});

const GOOD = [
  'HTTP/1.1 101 Switching Protocols',
  'Upgrade: websocket',
  'Connection: Upgrade',
  `Sec-WebSocket-Accept: ${RFC_ACCEPT}`,
];

function response(lines: readonly string[], after = '') {
  const [statusLine, ...rest] = lines;
  return new ResponseHeadParser().push(
    bytes(`${statusLine}\r\n${rest.map((line) => `${line}\r\n`).join('')}\r\n${after}`),
  )!;
}

function without(name: string, extra: string[] = []): string[] {
  return [...GOOD.filter((line) => !line.toLowerCase().startsWith(`${name}:`)), ...extra];
}

describe('validateServerResponse', () => {
  it('accepts the RFC 6455 1.2 sample response', () => {
    const result = validateServerResponse(
      response([...GOOD, 'Sec-WebSocket-Protocol: chat'], '\x81\x00'),
      { key: RFC_KEY, protocols: ['chat', 'superchat'] },
    );
    expect(result.protocol).toBe('chat');
    expect(result.extensions).toEqual([]);
    expect(result.rest).toEqual(bytes('\x81\x00'));
  });

  it('accepts no subprotocol even when some were offered', () => {
    expect(
      validateServerResponse(response(GOOD), { key: RFC_KEY, protocols: ['chat'] }).protocol,
    ).toBe(undefined);
  });

  it('accepts an offered extension', () => {
    const result = validateServerResponse(
      response([
        ...GOOD,
        'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover',
      ]),
      { key: RFC_KEY, extensions: ['permessage-deflate'] },
    );
    expect(result.extensions[0]?.params.get('server_no_context_takeover')).toBe(true);
  });

  it.each([
    ['HTTP/1.1 200 OK', 200],
    ['HTTP/1.1 403 Forbidden', 403],
    ['HTTP/1.1 426 Upgrade Required', 426],
    ['HTTP/1.1 302 Found', 302],
  ])('fails on %s, carrying the status', (statusLine, status) => {
    const error = expectHandshakeError(
      () => validateServerResponse(response([statusLine, ...GOOD.slice(1)]), { key: RFC_KEY }),
      'LAPPS_ERR_UNEXPECTED_STATUS',
      status,
    );
    expect(error.message).toContain(String(status));
  });

  it.each([
    ['no Upgrade', without('upgrade'), 'LAPPS_ERR_BAD_UPGRADE'],
    ['Upgrade: h2c', without('upgrade', ['Upgrade: h2c'])],
    ['two Upgrade headers', [...GOOD, 'Upgrade: websocket'], 'LAPPS_ERR_BAD_UPGRADE'],
    ['no Connection', without('connection'), 'LAPPS_ERR_BAD_CONNECTION'],
    ['Connection: close', without('connection', ['Connection: close']), 'LAPPS_ERR_BAD_CONNECTION'],
    ['no accept', without('sec-websocket-accept'), 'LAPPS_ERR_BAD_ACCEPT'],
    [
      'a wrong accept',
      without('sec-websocket-accept', [
        `Sec-WebSocket-Accept: ${acceptKey('AAAAAAAAAAAAAAAAAAAAAA==')}`,
      ]),
      'LAPPS_ERR_BAD_ACCEPT',
    ],
    ['two accepts', [...GOOD, `Sec-WebSocket-Accept: ${RFC_ACCEPT}`], 'LAPPS_ERR_BAD_ACCEPT'],
    [
      'a protocol not offered',
      [...GOOD, 'Sec-WebSocket-Protocol: mqtt'],
      'LAPPS_ERR_BAD_SUBPROTOCOL',
    ],
    [
      'two protocols',
      [...GOOD, 'Sec-WebSocket-Protocol: chat, superchat'],
      'LAPPS_ERR_BAD_SUBPROTOCOL',
    ],
    ['an empty protocol', [...GOOD, 'Sec-WebSocket-Protocol:'], 'LAPPS_ERR_BAD_SUBPROTOCOL'],
    [
      'an extension not offered',
      [...GOOD, 'Sec-WebSocket-Extensions: x-foo'],
      'LAPPS_ERR_BAD_EXTENSIONS',
    ],
    [
      'an offered extension twice',
      [...GOOD, 'Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate'],
      'LAPPS_ERR_BAD_EXTENSIONS',
    ],
    ['malformed extensions', [...GOOD, 'Sec-WebSocket-Extensions: ;'], 'LAPPS_ERR_BAD_EXTENSIONS'],
  ] as const)('fails on %s with status 101', (_, lines, code = 'LAPPS_ERR_BAD_UPGRADE') => {
    expectHandshakeError(
      () =>
        validateServerResponse(response(lines), {
          key: RFC_KEY,
          protocols: ['chat', 'superchat'],
          extensions: ['permessage-deflate'],
        }),
      code,
      101,
    );
  });

  it('fails on a protocol when none was offered', () => {
    expectHandshakeError(
      () =>
        validateServerResponse(response([...GOOD, 'Sec-WebSocket-Protocol: chat']), {
          key: RFC_KEY,
        }),
      'LAPPS_ERR_BAD_SUBPROTOCOL',
      101,
    );
  });
});

describe('round trip', () => {
  it('client request → server parse/validate → accept → client parse/validate', () => {
    const { key, request } = buildClientRequest({
      host: 'example.com',
      port: 9000,
      path: '/echo?x=1',
      protocols: ['v2.lapps', 'v1.lapps'],
      origin: 'https://example.com',
    });
    const early = bytes('\x81\x80\x00\x00\x00\x00'); // an empty masked text frame sent early
    const wire = new Uint8Array(request.length + early.length);
    wire.set(request);
    wire.set(early, request.length);

    const parsed = new RequestHeadParser().push(wire)!;
    expect(parsed.rest).toEqual(early);
    const upgrade = validateUpgrade(parsed, { subprotocols: ['v1.lapps', 'v2.lapps'] });
    expect(upgrade).toMatchObject({
      key,
      target: '/echo?x=1',
      host: 'example.com:9000',
      origin: 'https://example.com',
      protocols: ['v2.lapps', 'v1.lapps'],
      protocol: 'v1.lapps',
    });

    const answer = buildAcceptResponse({
      key: upgrade.key,
      protocol: upgrade.protocol,
      headers: { 'X-Served-By': 'lapps' },
    });
    const head = new ResponseHeadParser().push(answer)!;
    const result = validateServerResponse(head, { key, protocols: ['v2.lapps', 'v1.lapps'] });
    expect(result.protocol).toBe('v1.lapps');
    expect(result.headers.get('x-served-by')).toEqual(['lapps']);
    expect(result.rest.length).toBe(0);
  });
});
