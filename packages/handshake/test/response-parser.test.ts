import { describe, expect, it } from 'vitest';
import { ResponseHeadParser } from '../src/index.js';
import { bytes, expectHandshakeError, RFC_ACCEPT } from './sample-heads.js';

function parse(head: string) {
  return new ResponseHeadParser().push(bytes(head));
}

describe('ResponseHeadParser', () => {
  it('parses the RFC 6455 1.2 sample response and returns the bytes after it', () => {
    const response = parse(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${RFC_ACCEPT}\r\nSec-WebSocket-Protocol: chat\r\n\r\n\x81\x02hi`,
    )!;
    expect(response).toMatchObject({ version: { major: 1, minor: 1 }, status: 101 });
    expect(response.reason).toBe('Switching Protocols');
    expect(response.headers.get('sec-websocket-accept')).toEqual([RFC_ACCEPT]);
    expect(response.rest).toEqual(bytes('\x81\x02hi'));
  });

  it.each([
    ['HTTP/1.1 101\r\n\r\n', 101, ''],
    ['HTTP/1.1 101 \r\n\r\n', 101, ''],
    ['HTTP/1.0 404 Not Found\r\n\r\n', 404, 'Not Found'],
    ['HTTP/1.1 599 Any \t thing \xe9\r\n\r\n', 599, 'Any \t thing \u00e9'],
  ])('reads the status line of %j', (head, status, reason) => {
    expect(parse(head)).toMatchObject({ status, reason });
  });

  it.each([
    'HTTP/1.1 10 Short\r\n\r\n',
    'HTTP/1.1 1011 Long\r\n\r\n',
    'HTTP/1.1 099 Low\r\n\r\n',
    'HTTP/1.1 600 High\r\n\r\n',
    'HTTP/1.1  101 Two spaces\r\n\r\n',
    'HTTP/1.1 101Switching\r\n\r\n',
    'HTTP/1.1 1x1 Letters\r\n\r\n',
    'HTTP/1.1 101 Bad\0reason\r\n\r\n',
    'http/1.1 101 Lower\r\n\r\n',
    'HTTP/1.1\r\n\r\n',
    'SSH-2.0-OpenSSH_9.6\r\n\r\n',
  ])('rejects the status line %j with status 0', (head) => {
    expectHandshakeError(() => parse(head), 'LAPPS_ERR_BAD_STATUS_LINE', 0);
  });

  it('rejects HTTP/2 with status 0', () => {
    expectHandshakeError(() => parse('HTTP/2.0 101 X\r\n\r\n'), 'LAPPS_ERR_BAD_VERSION', 0);
  });

  it('applies the limits with status 0', () => {
    expectHandshakeError(
      () =>
        new ResponseHeadParser({ maxHeadBytes: 32 }).push(bytes(`HTTP/1.1 101 ${'x'.repeat(40)}`)),
      'LAPPS_ERR_HEAD_TOO_LARGE',
      0,
    );
    expectHandshakeError(
      () =>
        new ResponseHeadParser({ maxHeaders: 1 }).push(
          bytes('HTTP/1.1 101 X\r\nA: 1\r\nB: 2\r\n\r\n'),
        ),
      'LAPPS_ERR_TOO_MANY_HEADERS',
      0,
    );
  });
});
