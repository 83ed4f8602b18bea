import type net from 'node:net';
import {
  CloseCode,
  closePayload,
  type FrameError,
  type FrameHandler,
  FrameParser,
  FrameSerializer,
  Opcode,
} from '@lapps/frame-codec';
import { buildClientRequest, HandshakeError, type ServerHandshake } from '@lapps/handshake';
import { type BinaryType, checkBinaryType } from './binary-type.js';
import { closeFramePayload } from './close-handshake.js';
import { CwsError } from './errors.js';
import {
  CwsCloseEvent,
  CwsErrorEvent,
  type CwsEventMap,
  type CwsEventType,
  CwsMessageEvent,
  CwsOpenEvent,
} from './events.js';
import { type Listener, ListenerList, type ListenerOptions } from './event-listeners.js';
import { OpeningHandshake } from './opening-handshake.js';
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { binaryPayload, type SendData } from './outgoing-data.js';
import { binaryMessage, textMessage } from './message-data.js';
import { Outbox } from './outbox.js';
import { normalizeProtocols } from './protocols.js';
import { ReadyState } from './ready-state.js';
import { SocketReader } from './socket-reader.js';
import { openSocket } from './transport.js';
import { parseWebSocketUrl } from './url.js';

const EMPTY = new Uint8Array(0);

/**
 * A WebSocket client with the browser's API (WHATWG WebSockets), for Node: it connects at once,
 * fires `open`, `message`, `error` and `close`, and takes `send()` and `close()`.
 *
 * The signature is the browser's, `(url, protocols?, options?)`: subprotocols are the second
 * argument only (pass `undefined` or `[]` to give options without any), and `options` holds what a
 * browser decides for itself (headers, TLS trust, timeouts, limits). Constructor errors are thrown
 * synchronously (bad URL, protocols, options or headers); everything after, including a refused
 * connection, is reported by an `error` event followed by `close`.
 *
 * @example
 * const ws = new WebSocketClient('wss://example.com/chat', ['chat.v1'], { headers: { Authorization: 'Bearer x' } });
 * ws.onopen = () => ws.send('hello');
 * ws.onmessage = (event) => console.log(event.data);
 * ws.onclose = (event) => console.log(event.code, event.reason, event.wasClean);
 */
export class WebSocketClient {
  static readonly CONNECTING = ReadyState.CONNECTING;
  static readonly OPEN = ReadyState.OPEN;
  static readonly CLOSING = ReadyState.CLOSING;
  static readonly CLOSED = ReadyState.CLOSED;

  /** The URL as parsed: ws: or wss: (http: and https: are mapped), WHATWG-serialized. */
  readonly url: string;
  /** Extensions the server accepted: always '' (none is offered). */
  readonly extensions = '';

  private state: ReadyState = ReadyState.CONNECTING;
  private chosenProtocol = '';
  private currentBinaryType: BinaryType;
  private readonly options: ResolvedOptions;

  private readonly openListeners = new ListenerList<CwsOpenEvent>();
  private readonly messageListeners = new ListenerList<CwsMessageEvent>();
  private readonly errorListeners = new ListenerList<CwsErrorEvent>();
  private readonly closeListeners = new ListenerList<CwsCloseEvent>();

  private socket: net.Socket | undefined;
  private handshake: OpeningHandshake | undefined;
  private parser: FrameParser | undefined;
  private outbox: Outbox | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  /** Whether the frame parser may deliver views of the bytes read (see socket-reader.ts). */
  private closeTimer: NodeJS.Timeout | undefined;

  /** We sent a close frame (RFC 6455 7.1.2): nothing may follow it. */
  private closeSent = false;
  /** The server's close frame, once received (code 1005 when it had none). */
  private receivedCloseCode: number | undefined;
  private receivedCloseReason = '';
  /** Why the connection failed (RFC 6455 7.1.7), reported by `error` before `close`. */
  private failure: CwsError | undefined;

  constructor(url: string | URL, protocols?: string | readonly string[], options?: ClientOptions) {
    const target = parseWebSocketUrl(url);
    const offered = normalizeProtocols(protocols);
    this.options = resolveOptions(options);
    this.currentBinaryType = this.options.binaryType;
    this.url = target.href;

    // Built now so that a bad header or origin throws here, as the browser's checks do.
    let request: Uint8Array;
    let key: string;
    try {
      ({ key, request } = buildClientRequest({
        host: target.host,
        port: target.explicitPort,
        path: target.path,
        protocols: offered,
        origin: this.options.origin,
        headers: this.options.headers,
      }));
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      throw new CwsError('LAPPS_ERR_CWS_OPTION', error.message, { cause: error });
    }
    this.handshake = new OpeningHandshake(key, offered, this.url);

    const serializer = new FrameSerializer({ role: 'client' });
    const frames = this.frameHandler();
    const timeoutMs = this.options.handshakeTimeoutMs;
    this.handshakeTimer = setTimeout(() => {
      this.fail(
        new CwsError(
          'LAPPS_ERR_CWS_HANDSHAKE_TIMEOUT',
          `${this.url}: handshake timed out: no WebSocket connection within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);

    const reader = new SocketReader(target.secure);
    openSocket(target, this.options, reader.onread).then(
      (socket) => {
        if (this.state !== ReadyState.CONNECTING) {
          // close() or the deadline came first.
          socket.on('error', ignore);
          socket.destroy();
          return;
        }
        this.socket = socket;
        this.outbox = new Outbox(socket, serializer, target.secure);
        reader.attach(socket, {
          onData: (chunk) => {
            const parser = this.parser;
            if (parser === undefined) {
              this.readHandshake(chunk, frames);
              return;
            }
            const outbox = this.outbox!;
            outbox.beginRead();
            try {
              parser.push(chunk);
            } finally {
              outbox.endRead();
            }
          },
          onError: (error) => this.socketError(error),
          onClose: () => this.finish(),
        });
        socket.write(request);
      },
      (error: CwsError) => {
        if (this.state === ReadyState.CLOSED) return;
        this.failure ??= error;
        this.finish();
      },
    );
  }

  get CONNECTING(): 0 {
    return ReadyState.CONNECTING;
  }
  get OPEN(): 1 {
    return ReadyState.OPEN;
  }
  get CLOSING(): 2 {
    return ReadyState.CLOSING;
  }
  get CLOSED(): 3 {
    return ReadyState.CLOSED;
  }

  get readyState(): ReadyState {
    return this.state;
  }

  /** The subprotocol the server chose, '' if none (or before open). */
  get protocol(): string {
    return this.chosenProtocol;
  }

  /**
   * Bytes of frames (headers included) queued and not yet sent: those waiting for the end of the
   * turn plus those the socket holds (`writableLength`, where backpressure shows).
   */
  get bufferedAmount(): number {
    return (this.outbox?.pendingBytes ?? 0) + (this.socket?.writableLength ?? 0);
  }

  /** 'nodebuffer' (default), 'arraybuffer' or 'uint8array'; anything else throws LAPPS_ERR_CWS_OPTION. */
  get binaryType(): BinaryType {
    return this.currentBinaryType;
  }
  set binaryType(value: BinaryType) {
    this.currentBinaryType = checkBinaryType(value, 'binaryType');
  }

  get onopen(): ((event: CwsOpenEvent) => void) | null {
    return this.openListeners.handlerValue;
  }
  set onopen(handler: ((event: CwsOpenEvent) => void) | null) {
    this.openListeners.handlerValue = handler;
  }
  get onmessage(): ((event: CwsMessageEvent) => void) | null {
    return this.messageListeners.handlerValue;
  }
  set onmessage(handler: ((event: CwsMessageEvent) => void) | null) {
    this.messageListeners.handlerValue = handler;
  }
  get onerror(): ((event: CwsErrorEvent) => void) | null {
    return this.errorListeners.handlerValue;
  }
  set onerror(handler: ((event: CwsErrorEvent) => void) | null) {
    this.errorListeners.handlerValue = handler;
  }
  get onclose(): ((event: CwsCloseEvent) => void) | null {
    return this.closeListeners.handlerValue;
  }
  set onclose(handler: ((event: CwsCloseEvent) => void) | null) {
    this.closeListeners.handlerValue = handler;
  }

  addEventListener<T extends CwsEventType>(
    type: T,
    listener: Listener<CwsEventMap[T]>,
    options?: boolean | ListenerOptions,
  ): void {
    (this.listenersOf(type) as ListenerList<CwsEventMap[T]> | undefined)?.add(listener, options);
  }

  removeEventListener<T extends CwsEventType>(type: T, listener: Listener<CwsEventMap[T]>): void {
    (this.listenersOf(type) as ListenerList<CwsEventMap[T]> | undefined)?.remove(listener);
  }

  /**
   * Sends a text message (a string, as UTF-8) or a binary one (an ArrayBuffer or any view of one:
   * Buffer, Uint8Array, DataView...). The frame leaves at the end of the event-loop turn, with
   * every other frame of the turn; the data is copied at once, so it may be reused on return.
   * Throws LAPPS_ERR_CWS_STATE while CONNECTING; after close() it discards the data, as browsers do.
   */
  send(data: SendData): void {
    const state = this.state;
    if (state === ReadyState.CONNECTING) {
      throw new CwsError('LAPPS_ERR_CWS_STATE', `send: ${this.url} is still connecting`);
    }
    if (typeof data === 'string') {
      if (state === ReadyState.OPEN) this.outbox!.add(Opcode.Text, Buffer.from(data, 'utf8'));
      return;
    }
    const payload = binaryPayload(data);
    if (state === ReadyState.OPEN) this.outbox!.add(Opcode.Binary, payload);
  }

  /**
   * Starts the closing handshake: sends a close frame with `code` (1000 or 3000-4999) and `reason`
   * (at most 123 UTF-8 bytes), waits up to `closeTimeoutMs` for the server's close frame and the
   * end of the TCP connection, then fires `close` (not clean, 1006, if the server did not answer).
   * Before the connection opened, it aborts it: `error` then `close` with 1006.
   */
  close(code?: number, reason?: string): void {
    const payload = closeFramePayload(code, reason);
    const state = this.state;
    if (state === ReadyState.CLOSING || state === ReadyState.CLOSED) return;
    if (state === ReadyState.CONNECTING) {
      this.fail(
        new CwsError(
          'LAPPS_ERR_CWS_ABORTED',
          `${this.url}: closed before the connection was established`,
        ),
      );
      return;
    }
    this.state = ReadyState.CLOSING;
    this.sendClose(payload);
    this.startCloseTimer();
  }

  private listenersOf(type: CwsEventType): ListenerList<unknown> | undefined {
    switch (type) {
      case 'message':
        return this.messageListeners as ListenerList<unknown>;
      case 'open':
        return this.openListeners as ListenerList<unknown>;
      case 'error':
        return this.errorListeners as ListenerList<unknown>;
      case 'close':
        return this.closeListeners as ListenerList<unknown>;
      default:
        return undefined;
    }
  }

  /** The parser's callbacks: made once per connection, never per message. */
  private frameHandler(): FrameHandler {
    return {
      onMessage: (opcode, payload) => {
        // WHATWG: messages that arrive once close() was called are dropped.
        if (this.state !== ReadyState.OPEN || this.messageListeners.isEmpty) return;
        const data =
          opcode === Opcode.Text
            ? textMessage(payload)
            : binaryMessage(payload, this.currentBinaryType);
        this.messageListeners.dispatch(this, new CwsMessageEvent(this, data));
      },
      onPing: (payload) => {
        // RFC 6455 5.5.2: answer with a pong carrying the ping's payload, unless we have closed.
        if (!this.closeSent) this.outbox!.add(Opcode.Pong, payload);
      },
      onPong: () => {},
      onClose: (code, reason) => this.closeReceived(code, reason),
      onError: (error) => this.protocolError(error),
    };
  }

  /** Reads the response head; on acceptance opens and hands the bytes after it to the parser. */
  private readHandshake(chunk: Uint8Array, frames: FrameHandler): void {
    const handshake = this.handshake;
    if (handshake === undefined) return; // failed already; the socket is being destroyed
    let accepted: ServerHandshake | undefined;
    try {
      accepted = handshake.push(chunk);
    } catch (error) {
      this.handshake = undefined;
      this.fail(error as CwsError);
      return;
    }
    if (accepted === undefined) return;
    this.handshake = undefined;
    clearTimeout(this.handshakeTimer);
    this.chosenProtocol = accepted.protocol ?? '';
    // inPlace: each chunk from the reader is a buffer nothing else writes to (a copy of a shared
    // read, or a TLS 'data' chunk), so whole messages are delivered as views of it.
    const parser = new FrameParser(
      {
        role: 'client',
        maxMessageSize: this.options.maxMessageSize,
        maxFragments: this.options.maxFragments,
        inPlace: true,
      },
      frames,
    );
    this.parser = parser;
    this.state = ReadyState.OPEN;
    if (!this.openListeners.isEmpty) this.openListeners.dispatch(this, new CwsOpenEvent(this));
    // The server's first frames may have come in the same chunk as its head.
    const rest = accepted.rest;
    if (rest.length > 0) parser.push(Buffer.from(rest.buffer, rest.byteOffset, rest.length));
  }

  /** The server's close frame (RFC 6455 5.5.1): echo its code unless we closed first, then end. */
  private closeReceived(code: number, reason: string): void {
    this.receivedCloseCode = code;
    this.receivedCloseReason = reason;
    if (this.state === ReadyState.OPEN) this.state = ReadyState.CLOSING;
    if (!this.closeSent) {
      this.sendClose(code === CloseCode.NoStatusReceived ? EMPTY : closePayload(code));
    }
    // RFC 6455 7.1.1: the server should close TCP first; we end our side and wait for its FIN.
    this.socket!.end();
    this.startCloseTimer();
  }

  /**
   * The server broke the protocol or a limit (RFC 6455 7.1.7, fail the connection): send a close
   * frame with the code the parser names (1002, 1007, 1008, 1009) and end the TCP connection.
   */
  private protocolError(error: FrameError): void {
    this.failure ??= new CwsError(
      'LAPPS_ERR_CWS_PROTOCOL',
      `${this.url}: the server broke the protocol: ${error.message} (closing with ${error.closeCode})`,
      { cause: error, closeCode: error.closeCode },
    );
    this.state = ReadyState.CLOSING;
    if (!this.closeSent) this.sendClose(closePayload(error.closeCode));
    this.socket!.end();
    this.startCloseTimer();
  }

  private sendClose(payload: Uint8Array): void {
    this.closeSent = true;
    const outbox = this.outbox!;
    outbox.add(Opcode.Close, payload);
    // Now, behind every frame sent before it: the caller or the peer is waiting for it.
    outbox.flush();
  }

  private startCloseTimer(): void {
    if (this.closeTimer !== undefined) return;
    this.closeTimer = setTimeout(() => this.socket?.destroy(), this.options.closeTimeoutMs);
  }

  /** Fails before open (bad handshake, deadline, close()): `error` then `close` with 1006. */
  private fail(error: CwsError): void {
    if (this.state === ReadyState.CLOSED) return;
    this.failure ??= error;
    this.state = ReadyState.CLOSING;
    const socket = this.socket;
    if (socket !== undefined) {
      socket.destroy(); // 'close' follows, and finish() with it
    } else {
      // Still in connect(): its socket is destroyed when it arrives. Fire the events from a later
      // task, never from inside close() or the constructor.
      setImmediate(() => this.finish());
    }
  }

  private socketError(error: Error): void {
    // After both close frames a reset changes nothing; before, the connection failed.
    if (this.failure !== undefined || this.state === ReadyState.CLOSED) return;
    if (this.closeSent && this.receivedCloseCode !== undefined) return;
    this.failure = new CwsError(
      this.state === ReadyState.CONNECTING ? 'LAPPS_ERR_CWS_CONNECT' : 'LAPPS_ERR_CWS_SOCKET',
      `${this.url}: ${error.message}`,
      { cause: error },
    );
  }

  /** The connection is over (socket closed, or never opened): set CLOSED, fire error? and close. */
  private finish(): void {
    if (this.state === ReadyState.CLOSED) return;
    const wasConnecting = this.state === ReadyState.CONNECTING;
    this.state = ReadyState.CLOSED;
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.closeTimer);
    this.handshake = undefined;
    let failure = this.failure;
    if (failure === undefined && wasConnecting) {
      failure = new CwsError(
        'LAPPS_ERR_CWS_CONNECT',
        `${this.url}: the server closed the connection during the handshake`,
      );
      this.failure = failure;
    }
    let code: number = CloseCode.AbnormalClosure;
    let reason = '';
    let wasClean = false;
    if (failure !== undefined) {
      code = failure.closeCode ?? CloseCode.AbnormalClosure;
      if (!this.errorListeners.isEmpty) {
        this.errorListeners.dispatch(this, new CwsErrorEvent(this, failure));
      }
    } else if (this.receivedCloseCode !== undefined && this.closeSent) {
      code = this.receivedCloseCode;
      reason = this.receivedCloseReason;
      wasClean = true;
    }
    if (!this.closeListeners.isEmpty) {
      this.closeListeners.dispatch(this, new CwsCloseEvent(this, code, reason, wasClean));
    }
  }
}

function ignore(): void {}
