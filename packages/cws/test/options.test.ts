import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_SIZE,
  WebSocketClient,
} from '../src/index.js';
import { resolveOptions } from '../src/options.js';

describe('resolveOptions', () => {
  it('fills in safe defaults: verified TLS, bounded waits and messages', () => {
    expect(resolveOptions(undefined)).toMatchObject({
      rejectUnauthorized: true,
      handshakeTimeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS,
      closeTimeoutMs: DEFAULT_CLOSE_TIMEOUT_MS,
      maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE,
      binaryType: 'nodebuffer',
    });
    expect(DEFAULT_HANDSHAKE_TIMEOUT_MS).toBe(10_000);
    expect(DEFAULT_MAX_MESSAGE_SIZE).toBe(16 * 1024 * 1024);
  });

  it.each([
    ['an unknown key, naming where protocols go', { protocols: ['x'] }, /second argument/],
    ['a misspelt key', { rejectUnauthorised: false }, /rejectUnauthorised: unknown/],
    ['a zero timeout', { handshakeTimeoutMs: 0 }, /handshakeTimeoutMs/],
    ['a fractional size', { maxMessageSize: 1.5 }, /maxMessageSize/],
    ['a blob binaryType', { binaryType: 'blob' }, /not supported/],
    ['a non-boolean rejectUnauthorized', { rejectUnauthorized: 'no' }, /rejectUnauthorized/],
    ['a numeric ca', { ca: 1 }, /ca/],
  ])('refuses %s', (_, options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message);
    expect(() => resolveOptions(options as never)).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_CWS_OPTION' }),
    );
  });

  it('makes the constructor throw synchronously for bad headers, before connecting', () => {
    expect(() => new WebSocketClient('ws://127.0.0.1:1/', [], { headers: { Host: 'x' } })).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_CWS_OPTION' }),
    );
    expect(
      () => new WebSocketClient('ws://127.0.0.1:1/', [], { headers: { 'X-Bad': 'a\r\nb' } }),
    ).toThrow(/not allowed/);
  });
});
