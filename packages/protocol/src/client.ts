/**
 * A small LAppS client for browsers, Bun and Node: requests answered in order on channel 0, client
 * notifications, and handlers for out-of-order notifications (OON) on the application channels.
 */
import { encodeMessage } from './cbor.js';
import { LAppSError, ProtocolError } from './errors.js';
import type { ProtocolLimits } from './limits.js';
import {
  CONTROL_CHANNEL,
  LAPPS_VERSION,
  type OutOfOrderMessage,
  type Request,
  ResponseStatus,
  type ServerMessage,
} from './message-types.js';
import { methodNameProblem } from './method-name.js';
import { PendingCalls } from './pending-calls.js';
import { decodeServerMessage } from './server-message.js';
import type {
  CloseEventLike,
  ErrorEventLike,
  MessageEventLike,
  WebSocketConstructor,
  WebSocketLike,
} from './websocket-like.js';

/** How long a call waits for its response: 30 s. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** How long `connect` waits for the socket to open: 30 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * The channel `notify` sends on. A client notification must carry a numeric `cid` (that is what
 * makes it a notification rather than a request the server would answer), and the specification
 * says it is not 0; the original's services read it as the channel the notification is about
 * (subscribe with `cid: 5` for the time broadcast), so `notifyOn` lets the caller choose it.
 */
export const DEFAULT_NOTIFY_CHANNEL = 1;

/** Normal closure (RFC 6455 section 7.4.1). */
const CLOSE_NORMAL = 1000;
/**
 * Sent when the server breaks the protocol. The natural code, 1002, is one a browser script may
 * not send (WHATWG WebSockets: `close()` accepts only 1000 and 3000-4999), so we use the
 * private-use mirror of it.
 */
export const CLOSE_PROTOCOL_ERROR = 4002;
/** A close reason must fit in a control frame: 123 bytes (RFC 6455 section 5.5). */
const MAX_CLOSE_REASON_CHARS = 60;

export interface LAppSClientOptions extends ProtocolLimits {
  /** A WebSocket-compatible constructor; required where there is no global `WebSocket` (Node 20). */
  WebSocket?: WebSocketConstructor;
  /** Subprotocols to offer. */
  protocols?: string | string[];
  /** Per-call timeout in ms (default {@link DEFAULT_CALL_TIMEOUT_MS}). */
  callTimeoutMs?: number;
  /** Timeout for the socket to open, in ms (default {@link DEFAULT_CONNECT_TIMEOUT_MS}). */
  connectTimeoutMs?: number;
  /** The `cid` of `notify` (default {@link DEFAULT_NOTIFY_CHANNEL}). */
  notifyChannel?: number;
}

/** How the connection ended: the close code and reason, and the error that made the client close. */
export interface ClientClose {
  code: number;
  reason: string;
  error?: ProtocolError;
}

/** Receives the `message` array of each OON on a channel. */
export type OutOfOrderHandler = (message: unknown[], oon: OutOfOrderMessage) => void;

type State = 'open' | 'closing' | 'closed';

export class LAppSClient {
  readonly #socket: WebSocketLike;
  readonly #limits: ProtocolLimits;
  readonly #callTimeoutMs: number;
  readonly #notifyChannel: number;
  readonly #pending = new PendingCalls();
  readonly #handlers = new Map<number, Set<OutOfOrderHandler>>();
  #state: State = 'open';
  /** Why the client closed the connection itself (a protocol violation by the server). */
  #failure: ProtocolError | undefined;
  #resolveClosed!: (close: ClientClose) => void;
  /** Settles once, when the socket has closed; never rejects. */
  readonly closed: Promise<ClientClose>;

  private constructor(socket: WebSocketLike, options: LAppSClientOptions) {
    this.#socket = socket;
    this.#limits = { maxMessageBytes: options.maxMessageBytes, maxDepth: options.maxDepth };
    this.#callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.#notifyChannel = checkChannel(options.notifyChannel ?? DEFAULT_NOTIFY_CHANNEL);
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    socket.onmessage = (event: MessageEventLike) => this.#onMessage(event.data);
    socket.onclose = (event: CloseEventLike) => this.#onClose(event.code, event.reason);
    // An error event is always followed by a close event, which does the work.
    socket.onerror = () => {};
  }

  /**
   * Opens a connection and resolves when it is open; rejects with ProtocolError CLOSED when it
   * cannot be opened, ARGUMENT when there is no WebSocket constructor.
   * @example
   * import WebSocket from 'ws'; // only on Node 20, which has no global WebSocket
   * const client = await LAppSClient.connect('ws://localhost:5083/echo', { WebSocket });
   */
  static connect(url: string | URL, options: LAppSClientOptions = {}): Promise<LAppSClient> {
    const Constructor =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (Constructor === undefined) {
      return Promise.reject(
        new ProtocolError(
          'LAPPS_ERR_PROTO_ARGUMENT',
          'no global WebSocket (Node 20): pass a WebSocket-compatible constructor in options.WebSocket',
        ),
      );
    }
    let socket: WebSocketLike;
    try {
      socket = new Constructor(String(url), options.protocols);
    } catch (error) {
      return Promise.reject(
        new ProtocolError('LAPPS_ERR_PROTO_ARGUMENT', `cannot connect to ${String(url)}`, {
          cause: error,
        }),
      );
    }
    socket.binaryType = 'arraybuffer';
    return new Promise((resolve, reject) => {
      let cause: unknown;
      const timer = setTimeout(() => {
        socket.onclose = null;
        socket.close();
        reject(
          new ProtocolError('LAPPS_ERR_PROTO_TIMEOUT', `connecting to ${String(url)} timed out`),
        );
      }, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      socket.onopen = () => {
        clearTimeout(timer);
        resolve(new LAppSClient(socket, options));
      };
      socket.onerror = (event: ErrorEventLike) => {
        cause = event.error ?? event.message;
      };
      socket.onclose = (event: CloseEventLike) => {
        clearTimeout(timer);
        reject(
          new ProtocolError(
            'LAPPS_ERR_PROTO_CLOSED',
            `cannot connect to ${String(url)}: closed with code ${event.code}`,
            { cause },
          ),
        );
      };
    });
  }

  /** Whether calls can still be sent. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Calls awaiting a response (timed-out calls count until their late response arrives). */
  get pendingCalls(): number {
    return this.#pending.size;
  }

  /**
   * Sends a request and resolves with its `result` array, or rejects with `LAppSError` (the
   * service's error response), ProtocolError TIMEOUT or CLOSED.
   * @example
   * const [sum] = await client.call('add', 1, 2);
   */
  call<Result extends unknown[] = unknown[]>(
    method: string,
    ...params: unknown[]
  ): Promise<Result> {
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage(buildRequest(method, params));
      this.#checkOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<Result>((resolve, reject) => {
      const call = {
        resolve: resolve as (result: unknown[]) => void,
        reject,
        timer: undefined as ReturnType<typeof setTimeout> | undefined,
        settled: false,
      };
      call.timer = setTimeout(() => {
        call.settled = true;
        reject(
          new ProtocolError(
            'LAPPS_ERR_PROTO_TIMEOUT',
            `call ${JSON.stringify(method)}: no response within ${this.#callTimeoutMs} ms`,
          ),
        );
      }, this.#callTimeoutMs);
      this.#pending.push(call);
      this.#socket.send(bytes);
    });
  }

  /**
   * Sends a client notification on the default channel (`options.notifyChannel`, 1 unless set):
   * `{lapps: 1, method, params?, cid}`. The server does not answer it. Throws ProtocolError
   * ARGUMENT or CLOSED.
   */
  notify(method: string, ...params: unknown[]): void {
    this.notifyOn(this.#notifyChannel, method, ...params);
  }

  /**
   * Sends a client notification on channel `cid` (a number other than 0).
   * @example
   * client.notifyOn(5, 'subscribe'); // the original's time broadcast example
   */
  notifyOn(cid: number, method: string, ...params: unknown[]): void {
    const bytes = encodeMessage({ ...buildRequest(method, params), cid: checkChannel(cid) });
    this.#checkOpen();
    this.#socket.send(bytes);
  }

  /**
   * Calls `handler` with each OON on `channel` (a number other than 0) until the returned function
   * is called. Only local: telling the server to send on a channel is the application's own
   * notification (see `notifyOn`). A handler that throws does not stop the others: its error is
   * rethrown on a later microtask.
   */
  subscribe(channel: number, handler: OutOfOrderHandler): () => void {
    checkChannel(channel);
    let handlers = this.#handlers.get(channel);
    if (handlers === undefined) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    handlers.add(handler);
    return () => {
      const current = this.#handlers.get(channel);
      if (current === undefined) return;
      current.delete(handler);
      if (current.size === 0) this.#handlers.delete(channel);
    };
  }

  /** Closes the connection; pending calls reject with ProtocolError CLOSED. */
  close(code = CLOSE_NORMAL, reason = ''): Promise<ClientClose> {
    if (this.#state === 'open') {
      this.#state = 'closing';
      this.#socket.close(code, reason);
    }
    return this.closed;
  }

  #checkOpen(): void {
    if (this.#state !== 'open') {
      throw new ProtocolError('LAPPS_ERR_PROTO_CLOSED', 'the connection is closed', {
        cause: this.#failure,
      });
    }
  }

  #onMessage(data: unknown): void {
    if (this.#state === 'closed' || this.#failure !== undefined) return;
    let message: ServerMessage;
    try {
      message = decodeServerMessage(toBytes(data), this.#limits);
    } catch (error) {
      this.#fail(error as ProtocolError);
      return;
    }
    if (message.cid === CONTROL_CHANNEL) this.#onResponse(message);
    else this.#onOutOfOrder(message as OutOfOrderMessage);
  }

  #onResponse(response: ServerMessage): void {
    const call = this.#pending.shift();
    if (call === undefined) {
      this.#fail(
        new ProtocolError('LAPPS_ERR_PROTO_INVALID', 'server sent a response with no call pending'),
      );
      return;
    }
    clearTimeout(call.timer);
    if (call.settled) return; // timed out: this is its late response
    call.settled = true;
    if ('result' in response && response.status === ResponseStatus.Success) {
      call.resolve(response.result);
    } else if ('error' in response) {
      const { code, message, data } = response.error;
      call.reject(new LAppSError(code, message, data));
    }
  }

  #onOutOfOrder(oon: OutOfOrderMessage): void {
    const handlers = this.#handlers.get(oon.cid);
    if (handlers === undefined) return;
    for (const handler of [...handlers]) {
      try {
        handler(oon.message, oon);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** The server broke the protocol: close the connection and say why. */
  #fail(error: ProtocolError): void {
    this.#failure = error;
    this.#rejectPending();
    if (this.#state === 'open') {
      this.#state = 'closing';
      this.#socket.close(CLOSE_PROTOCOL_ERROR, error.message.slice(0, MAX_CLOSE_REASON_CHARS));
    }
  }

  #onClose(code: number, reason: string): void {
    this.#state = 'closed';
    this.#rejectPending();
    this.#handlers.clear();
    this.#resolveClosed(
      this.#failure === undefined ? { code, reason } : { code, reason, error: this.#failure },
    );
  }

  #rejectPending(): void {
    for (const call of this.#pending.drain()) {
      clearTimeout(call.timer);
      if (call.settled) continue;
      call.settled = true;
      call.reject(
        new ProtocolError(
          'LAPPS_ERR_PROTO_CLOSED',
          this.#failure === undefined
            ? 'the connection closed before the response arrived'
            : `the connection closed: ${this.#failure.message}`,
          { cause: this.#failure },
        ),
      );
    }
  }
}

function buildRequest(method: string, params: unknown[]): Request {
  const problem = methodNameProblem(method);
  if (problem !== undefined) throw new ProtocolError('LAPPS_ERR_PROTO_ARGUMENT', problem);
  // Without params the key is left out: the server sees type 3 (or 1), as it would for `[]`.
  return params.length === 0
    ? { lapps: LAPPS_VERSION, method }
    : { lapps: LAPPS_VERSION, method, params };
}

function checkChannel(channel: number): number {
  if (typeof channel !== 'number' || !Number.isFinite(channel) || channel === CONTROL_CHANNEL) {
    throw new ProtocolError(
      'LAPPS_ERR_PROTO_ARGUMENT',
      `a channel must be a number other than 0 (0 carries responses), got ${String(channel)}`,
    );
  }
  return channel;
}

/** A binary message as bytes; a text frame or any other payload breaks the protocol. */
function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') {
    throw new ProtocolError(
      'LAPPS_ERR_PROTO_DECODE',
      'server sent a text frame: LAppS messages are binary CBOR',
    );
  }
  throw new ProtocolError(
    'LAPPS_ERR_PROTO_DECODE',
    `server sent ${typeof data} data; expected an ArrayBuffer (binaryType "arraybuffer")`,
  );
}
