import { describe, expect, it } from 'vitest';
import { JsonRpcErrorCode, LAppSError, ProtocolError } from '../src/index.js';

describe('error classes', () => {
  it('JSON-RPC codes keep their numbers', () => {
    expect(JsonRpcErrorCode).toEqual({
      ParseError: -32700,
      InvalidRequest: -32600,
      MethodNotFound: -32601,
      InvalidParams: -32602,
      InternalError: -32603,
      ServerError: -32000,
    });
  });

  it('ProtocolError maps each code to the JSON-RPC answer', () => {
    expect(new ProtocolError('LAPPS_ERR_PROTO_DECODE', 'x').rpcCode).toBe(-32700);
    expect(new ProtocolError('LAPPS_ERR_PROTO_INVALID', 'x').rpcCode).toBe(-32600);
    expect(new ProtocolError('LAPPS_ERR_PROTO_LIMIT', 'x').rpcCode).toBe(-32600);
    expect(new ProtocolError('LAPPS_ERR_PROTO_TIMEOUT', 'x').rpcCode).toBe(-32603);
    const error = new ProtocolError('LAPPS_ERR_PROTO_CLOSED', 'gone', { cause: 'why' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProtocolError');
    expect(error.cause).toBe('why');
  });

  it('LAppSError carries code, message and data', () => {
    const error = new LAppSError(10, 'not logged in', { retry: false });
    expect(error.name).toBe('LAppSError');
    expect(error.toErrorObject()).toEqual({
      code: 10,
      message: 'not logged in',
      data: { retry: false },
    });
    expect(new LAppSError(-32601, 'x').toErrorObject()).toEqual({ code: -32601, message: 'x' });
  });
});
