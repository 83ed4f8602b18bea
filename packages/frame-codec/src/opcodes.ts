/**
 * Frame opcodes (RFC 6455 section 5.2). 3-7 and 11-15 are reserved: a frame that uses one is a
 * protocol error (1002) until an extension defines it.
 */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** The opcodes a complete message can carry. */
export type DataOpcode = typeof Opcode.Text | typeof Opcode.Binary;

/** The opcodes of control frames (section 5.5): never fragmented, at most 125 bytes of payload. */
export type ControlOpcode = typeof Opcode.Close | typeof Opcode.Ping | typeof Opcode.Pong;

/** Control opcodes have the high bit of the 4-bit opcode set (section 5.5). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}
