import { describe, expect, it } from 'vitest';
import {
  decodeInbound,
  encodeMessage,
  InboundType,
  JsonRpcErrorCode,
  ProtocolError,
} from '../src/index.js';

function rejection(bytes: Uint8Array): ProtocolError {
  try {
    decodeInbound(bytes);
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

describe('decodeInbound: valid messages and their type numbers', () => {
  const cases: [string, unknown, InboundType][] = [
    ['request without params', { lapps: 1, method: 'echo' }, InboundType.Request],
    ['request with empty params', { lapps: 1, method: 'echo', params: [] }, InboundType.Request],
    [
      'request with params',
      { lapps: 1, method: 'echo', params: [1] },
      InboundType.RequestWithParams,
    ],
    ['CN without params', { lapps: 1, method: 'sub', cid: 5 }, InboundType.Notification],
    ['CN with empty params', { lapps: 1, method: 'sub', cid: 5, params: [] }, 1],
    ['CN with params', { lapps: 1, method: 'sub', cid: 6, params: ['x'] }, 2],
    // The original only checks that cid is a number; the spec's "not 0" is not enforced.
    ['CN on cid 0', { lapps: 1, method: 'sub', cid: 0 }, InboundType.Notification],
    ['unknown keys are ignored', { lapps: 1, method: 'a', extra: true }, InboundType.Request],
    ['method with other punctuation', { lapps: 1, method: 'a-b_c:d' }, InboundType.Request],
  ];
  it.each(cases)('%s', (_name, value, type) => {
    const decoded = decodeInbound(encodeMessage(value));
    expect(decoded.type).toBe(type);
    expect(decoded.message).toEqual(value);
  });
});

describe('decodeInbound: invalid requests answer -32600 and say what is wrong', () => {
  const cases: [string, unknown, string][] = [
    ['an array', [1, 'echo'], 'message must be a map, got array'],
    ['a string', 'echo', 'message must be a map, got string'],
    ['null', null, 'got null'],
    ['no lapps', { method: 'echo' }, 'lapps is missing'],
    ['lapps 2', { lapps: 2, method: 'echo' }, 'lapps must be the number 1, got 2'],
    ['lapps "1"', { lapps: '1', method: 'echo' }, 'lapps must be the number 1, got "1"'],
    ['no method', { lapps: 1 }, 'method must be a string, got undefined'],
    ['numeric method', { lapps: 1, method: 7 }, 'method must be a string, got number'],
    ['empty method', { lapps: 1, method: '' }, 'method must not be empty'],
    ['dotted method', { lapps: 1, method: 'a.b' }, 'method must not contain "."'],
    ['reserved method', { lapps: 1, method: '_internal' }, 'method must not start with "_"'],
    [
      'params a map',
      { lapps: 1, method: 'a', params: { x: 1 } },
      'params must be an array, got object',
    ],
    ['params null', { lapps: 1, method: 'a', params: null }, 'params must be an array, got null'],
    [
      'params a string',
      { lapps: 1, method: 'a', params: 'x' },
      'params must be an array, got string',
    ],
    ['cid a string', { lapps: 1, method: 'a', cid: '5' }, 'cid must be a number, got string'],
    ['cid null', { lapps: 1, method: 'a', cid: null }, 'cid must be a number, got null'],
  ];
  it.each(cases)('%s', (_name, value, text) => {
    const error = rejection(encodeMessage(value));
    expect(error.code).toBe('LAPPS_ERR_PROTO_INVALID');
    expect(error.rpcCode).toBe(JsonRpcErrorCode.InvalidRequest);
    expect(error.message).toContain(text);
  });
});

describe('decodeInbound: -32700 for bytes that are not CBOR', () => {
  const cases: [string, number[]][] = [
    ['empty', []],
    ['truncated map', [0xa2, 0x61, 0x61]],
    ['reserved additional info', [0x1c]],
    ['trailing bytes after a value', [0x01, 0x02]],
    ['lone break', [0xff]],
    ['JSON text', [...new TextEncoder().encode('{"lapps":1,"method":"a"}')]],
  ];
  it.each(cases)('%s', (_name, bytes) => {
    const error = rejection(Uint8Array.from(bytes));
    expect(error.code).toBe('LAPPS_ERR_PROTO_DECODE');
    expect(error.rpcCode).toBe(JsonRpcErrorCode.ParseError);
    expect(error.toErrorObject()).toEqual({ code: -32700, message: error.message });
  });

  it('valid CBOR of the wrong shape is -32600, not -32700', () => {
    expect(rejection(encodeMessage(42)).rpcCode).toBe(-32600);
  });
});
