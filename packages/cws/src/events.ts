import type { WebSocketClient } from './client.js';
import type { CwsError } from './errors.js';

/**
 * The events a client fires, shaped like the browser's (`type`, `target`, and `data` / `code`,
 * `reason`, `wasClean` / `error`, `message`) but plain objects, not DOM Events: one small object
 * per message is the whole cost of delivering it (see README, "Events").
 */
export type CwsEventType = 'open' | 'message' | 'error' | 'close';

/** What a message's `data` is: a string for text; for binary, as `binaryType` says. */
export type MessageData = string | Buffer | ArrayBuffer | Uint8Array;

export class CwsOpenEvent {
  readonly type = 'open';
  readonly target: WebSocketClient;

  constructor(target: WebSocketClient) {
    this.target = target;
  }
}

export class CwsMessageEvent {
  readonly type = 'message';
  readonly target: WebSocketClient;
  readonly data: MessageData;

  constructor(target: WebSocketClient, data: MessageData) {
    this.target = target;
    this.data = data;
  }
}

export class CwsErrorEvent {
  readonly type = 'error';
  readonly target: WebSocketClient;
  readonly error: CwsError;
  /** `error.message`, where the browser's ErrorEvent has it. */
  readonly message: string;

  constructor(target: WebSocketClient, error: CwsError) {
    this.target = target;
    this.error = error;
    this.message = error.message;
  }
}

export class CwsCloseEvent {
  readonly type = 'close';
  readonly target: WebSocketClient;
  /** The server's close code (1005 when its frame had none), the code we sent on a protocol error, or 1006. */
  readonly code: number;
  readonly reason: string;
  /** Both close frames were exchanged before the TCP connection ended (RFC 6455 7.1.4). */
  readonly wasClean: boolean;

  constructor(target: WebSocketClient, code: number, reason: string, wasClean: boolean) {
    this.target = target;
    this.code = code;
    this.reason = reason;
    this.wasClean = wasClean;
  }
}

/** The event object of each type. */
export interface CwsEventMap {
  open: CwsOpenEvent;
  message: CwsMessageEvent;
  error: CwsErrorEvent;
  close: CwsCloseEvent;
}
