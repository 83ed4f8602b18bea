// Sample heads and byte helpers shared by the tests (not a test file: no `.test` suffix).
import { expect } from 'vitest';
import { HandshakeError } from '../src/index.js';

export const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** latin1: one byte per char, as on the wire. */
export function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function text(data: Uint8Array): string {
  return String.fromCharCode(...data);
}

/** The RFC 6455 1.2 sample handshake, with header lines replaceable by name. */
export const SAMPLE_LINES: readonly string[] = [
  'Host: server.example.com',
  'Upgrade: websocket',
  'Connection: Upgrade',
  `Sec-WebSocket-Key: ${RFC_KEY}`,
  'Origin: http://example.com',
  'Sec-WebSocket-Protocol: chat, superchat',
  'Sec-WebSocket-Version: 13',
];

export function requestText(
  options: { requestLine?: string; lines?: readonly string[]; after?: string } = {},
): string {
  const requestLine = options.requestLine ?? 'GET /chat HTTP/1.1';
  const lines = options.lines ?? SAMPLE_LINES;
  return `${requestLine}\r\n${lines.map((line) => `${line}\r\n`).join('')}\r\n${options.after ?? ''}`;
}

/** SAMPLE_LINES with the lines of the given names (lower-case) removed and `extra` appended. */
export function linesWith(drop: readonly string[], extra: readonly string[] = []): string[] {
  return [
    ...SAMPLE_LINES.filter(
      (line) => !drop.includes(line.slice(0, line.indexOf(':')).toLowerCase()),
    ),
    ...extra,
  ];
}

/** Asserts that `fn` throws a HandshakeError with this code and status; returns it. */
export function expectHandshakeError(
  fn: () => unknown,
  code: HandshakeError['code'],
  status: number,
): HandshakeError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(HandshakeError);
  const error = caught as HandshakeError;
  expect({ code: error.code, status: error.status, message: error.message }).toMatchObject({
    code,
    status,
  });
  return error;
}
