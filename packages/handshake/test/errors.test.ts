import { describe, expect, it } from 'vitest';
import { HandshakeError } from '../src/index.js';

describe('HandshakeError', () => {
  it('carries a stable code, the status to answer and the headers to send', () => {
    const error = new HandshakeError('LAPPS_ERR_METHOD_NOT_ALLOWED', 'POST', {
      headers: [['Allow', 'GET']],
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'HandshakeError',
      code: 'LAPPS_ERR_METHOD_NOT_ALLOWED',
      status: 405,
      message: 'POST',
      headers: [['Allow', 'GET']],
    });
  });

  it.each([
    ['LAPPS_ERR_HEAD_TOO_LARGE', 431],
    ['LAPPS_ERR_TOO_MANY_HEADERS', 431],
    ['LAPPS_ERR_BAD_REQUEST_LINE', 400],
    ['LAPPS_ERR_BAD_VERSION', 505],
    ['LAPPS_ERR_BAD_WS_VERSION', 426],
    ['LAPPS_ERR_HTTP_1_1_REQUIRED', 400],
    ['LAPPS_ERR_BAD_STATUS_LINE', 0],
    ['LAPPS_ERR_UNEXPECTED_STATUS', 0],
    ['LAPPS_ERR_INVALID_HEADER', 500],
  ] as const)('defaults %s to %i', (code, status) => {
    expect(new HandshakeError(code, 'x').status).toBe(status);
  });

  it('lets the client side set the status it received', () => {
    expect(new HandshakeError('LAPPS_ERR_BAD_ACCEPT', 'x', { status: 101 }).status).toBe(101);
    expect(new HandshakeError('LAPPS_ERR_BAD_HEADER_NAME', 'x', { status: 0 }).status).toBe(0);
  });
});
