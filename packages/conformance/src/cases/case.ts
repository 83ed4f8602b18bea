// What a conformance case is: steps the raw client performs, then what the server must have done.

/** What the client does, in order. */
export type Step =
  | { kind: 'send'; bytes: Buffer }
  /** One buffer written in slices of `size` bytes, `delayMs` apart (frames split across reads). */
  | { kind: 'chop'; bytes: Buffer; size: number; delayMs: number }
  | { kind: 'sleep'; ms: number }
  /** A masked close frame; after it the client sends nothing unless a later step says so. */
  | { kind: 'close'; code?: number; reason?: string | Buffer }
  /** Fail-fast point: a server that noticed the error must have closed before this step. */
  | { kind: 'mark' };

/** Something the server must send back, in order (its data frames reassembled into messages). */
export type ExpectedEvent =
  | { type: 'message'; opcode: 1 | 2; payload: Buffer }
  | { type: 'pong'; payload: Buffer };

export type Expectation =
  /** A well-behaved exchange: these events, then a close with one of `closeCodes` (default 1000). */
  | { outcome: 'echo'; events: ExpectedEvent[]; closeCodes?: number[] }
  /**
   * The server must fail the connection: `events` (what it owed before the violation) and
   * nothing else, then a close with one of `closeCodes`.
   */
  | { outcome: 'fail'; events?: ExpectedEvent[]; closeCodes: number[] };

export interface ConformanceCase {
  /** Autobahn's numbering, e.g. '6.4.1'. */
  id: string;
  group: number;
  description: string;
  steps: Step[];
  expect: Expectation;
}

/** Empty close payload (RFC 6455 7.1.5: "no status code" reads as 1005). */
export const NO_STATUS = 1005;

export const send = (...frames: Buffer[]): Step[] =>
  frames.map((bytes) => ({ kind: 'send', bytes }));
export const chop = (bytes: Buffer | Buffer[], size: number, delayMs = 0): Step => ({
  kind: 'chop',
  bytes: Array.isArray(bytes) ? Buffer.concat(bytes) : bytes,
  size,
  delayMs,
});
/** Each frame as its own write, `ms` apart. */
export const paced = (frames: Buffer[], ms: number): Step[] =>
  frames.flatMap((bytes, i) => (i === 0 ? send(bytes) : [{ kind: 'sleep', ms }, ...send(bytes)]));
export const close = (code?: number, reason?: string | Buffer): Step =>
  code === undefined
    ? { kind: 'close' }
    : { kind: 'close', code, ...(reason === undefined ? {} : { reason }) };
export const sleep = (ms: number): Step => ({ kind: 'sleep', ms });

export const text = (payload: string | Buffer): ExpectedEvent => ({
  type: 'message',
  opcode: 1,
  payload: Buffer.from(payload),
});
export const binary = (payload: Buffer): ExpectedEvent => ({
  type: 'message',
  opcode: 2,
  payload,
});
export const pong = (payload: string | Buffer = ''): ExpectedEvent => ({
  type: 'pong',
  payload: Buffer.from(payload),
});
export const echo = (...events: ExpectedEvent[]): Expectation => ({ outcome: 'echo', events });
/** RFC 6455 7.4.1: 1002 is the code for a protocol error. */
export const failWith = (closeCodes: number[], ...events: ExpectedEvent[]): Expectation => ({
  outcome: 'fail',
  events,
  closeCodes,
});
/** An echo case whose close answer may carry one of `closeCodes` instead of 1000. */
export const echoClosing = (closeCodes: number[], ...events: ExpectedEvent[]): Expectation => ({
  outcome: 'echo',
  events,
  closeCodes,
});
