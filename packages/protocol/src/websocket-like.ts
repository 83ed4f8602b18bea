/**
 * The part of the WHATWG `WebSocket` the client uses, so it runs on the global `WebSocket`
 * (browsers, Bun, Node 22+) or on any compatible constructor (`ws`, `@lapps/cws`) without
 * importing one. Declared here because the package compiles without the DOM library.
 */

/** The `message` event: `data` is an ArrayBuffer for binary frames, a string for text frames. */
export interface MessageEventLike {
  data: unknown;
}

export interface CloseEventLike {
  code: number;
  reason: string;
}

/** `ws`'s ErrorEvent carries the `error`; browsers give no detail. */
export interface ErrorEventLike {
  error?: unknown;
  message?: string;
}

export interface WebSocketLike {
  binaryType: string;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
}

/*
 * The handlers are typed `(event: never) => void` so that every implementation's own event types
 * fit (a property typed with our narrower event shapes would reject `ws`'s handler types); the
 * client assigns handlers that read only the fields declared above.
 */

export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;
