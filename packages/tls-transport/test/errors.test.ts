import { describe, expect, it } from 'vitest';
import { TransportError } from '../src/index.js';

describe('TransportError', () => {
  it('is an Error with a stable code and keeps its cause', () => {
    const cause = new Error('EADDRINUSE');
    const error = new TransportError(
      'LAPPS_ERR_ADDRESS_IN_USE',
      'cannot listen on 127.0.0.1:5083',
      { cause },
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'TransportError',
      code: 'LAPPS_ERR_ADDRESS_IN_USE',
      cause,
    });
    expect(String(error)).toBe('TransportError: cannot listen on 127.0.0.1:5083');
  });
});
