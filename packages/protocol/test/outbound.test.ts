import { describe, expect, it } from 'vitest';
import {
  errorResponse,
  outOfOrderMessage,
  ProtocolError,
  successResponse,
  validateOutbound,
} from '../src/index.js';

describe('validateOutbound: what a service may send (wsSend.h rules)', () => {
  const valid: [string, unknown][] = [
    ['success', { cid: 0, status: 1, result: ['pong'] }],
    ['success with empty result', { cid: 0, status: 1, result: [] }],
    ['error', { cid: 0, status: 0, error: { code: -32601, message: 'no such method' } }],
    ['error with data', { cid: 0, status: 0, error: { code: 10, message: 'x', data: { a: 1 } } }],
    ['OON', { cid: 5, message: [1, 2] }],
    [
      'OON with status 1 (as services for the original send it)',
      { cid: 6, status: 1, message: [] },
    ],
    ['OON on a negative channel', { cid: -3, message: ['x'] }],
  ];
  it.each(valid)('accepts %s', (_name, value) => {
    expect(validateOutbound(value)).toBe(value);
  });

  const invalid: [string, unknown, string][] = [
    ['an array', [0, 1], 'message must be a map, got array'],
    ['no cid', { status: 1, result: [] }, 'cid is missing'],
    ['string cid', { cid: '0', status: 1, result: [] }, 'cid must be a number, got string'],
    ['response without status', { cid: 0, result: [] }, 'a response (cid 0) needs status 0 or 1'],
    ['status 2', { cid: 0, status: 2, result: [] }, 'status must be 0 or 1, got 2'],
    ['status "1"', { cid: 0, status: '1', result: [] }, 'status must be 0 or 1, got "1"'],
    ['success without result', { cid: 0, status: 1 }, 'needs an array "result", got undefined'],
    ['success with a map result', { cid: 0, status: 1, result: {} }, 'got object'],
    ['error without error', { cid: 0, status: 0 }, 'needs an "error" map, got undefined'],
    [
      'error code a string',
      { cid: 0, status: 0, error: { code: '1', message: 'x' } },
      'error.code must be a number',
    ],
    [
      'error without message',
      { cid: 0, status: 0, error: { code: 1 } },
      'error.message must be a string',
    ],
    [
      'status 0 on an OON channel',
      { cid: 5, status: 0, error: { code: 1, message: 'x' } },
      'status 0 is only allowed with cid 0',
    ],
    ['OON without message', { cid: 5 }, 'needs an array "message", got undefined'],
    ['OON with a string message', { cid: 5, message: 'hi' }, 'got string'],
  ];
  it.each(invalid)('rejects %s', (_name, value, text) => {
    let caught: unknown;
    try {
      validateOutbound(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).code).toBe('LAPPS_ERR_PROTO_INVALID');
    expect((caught as ProtocolError).message).toContain(text);
  });
});

describe('response builders', () => {
  it('build valid messages', () => {
    expect(validateOutbound(successResponse([1]))).toEqual({ cid: 0, status: 1, result: [1] });
    expect(validateOutbound(errorResponse(-32602, 'bad'))).toEqual({
      cid: 0,
      status: 0,
      error: { code: -32602, message: 'bad' },
    });
    expect(errorResponse(20, 'x', [1]).error).toEqual({ code: 20, message: 'x', data: [1] });
    expect(validateOutbound(outOfOrderMessage(5, ['t']))).toEqual({ cid: 5, message: ['t'] });
  });

  it('refuse an OON on channel 0', () => {
    expect(() => outOfOrderMessage(0, [])).toThrow(
      expect.objectContaining({ code: 'LAPPS_ERR_PROTO_ARGUMENT' }),
    );
  });
});
