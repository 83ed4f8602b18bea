import type net from 'node:net';
import {
  type DataOpcode,
  type FrameBatch,
  type FrameError,
  type FrameHandler,
  FrameParser,
  Opcode,
  closePayload,
} from '@lapps/frame-codec';
import {
  HandshakeError,
  type RequestHead,
  RequestHeadParser,
  buildAcceptResponse,
  buildErrorResponse,
  errorResponseFor,
  validateUpgrade,
} from '@lapps/handshake';
import type { AcceptedConnection } from '@lapps/tls-transport';
import type { ConnectionHost, Route } from './connection-host.js';
import type { ServiceInstance } from './service.js';

const CONNECTION = Symbol('lapps.connection');
type ConnectionSocket = net.Socket & { [CONNECTION]: Connection };

function onSocketClose(this: net.Socket): void {
  Connection.of(this).onSocketClose();
}

function onSocketDrain(this: net.Socket): void {
  Connection.of(this).onDrain();
}

enum State {
  Handshake,
  Open,
  /** A close frame went out; waiting for the peer's, or for the close timeout. */
  Closing,
  Closed,
}

// LAppS 0.9 `auto_fragment`: outbound frames carry at most this much payload.
const AUTO_FRAGMENT_SIZE = 1392;

/**
 * One client connection: the HTTP Upgrade, then RFC 6455 frames to and from one service instance.
 * Reads arrive through `onBytes`, from the server's input batch at the end of the event-loop turn
 * (`InputBatch` of @lapps/tls-transport); writes are batched in `out` and flushed once per turn,
 * after all of the turn's reads.
 */
export class Connection implements FrameHandler {
  /** The handler id services see; 0 until the Upgrade is accepted. */
  id = 0;
  lastActivity: number;
  lastPing = 0;
  dirty = false;
  private state = State.Handshake;
  private reading = false;
  private head: RequestHeadParser | null;
  private parser: FrameParser | null = null;
  private instance: ServiceInstance | null = null;
  private closeTimer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;

  constructor(
    private readonly host: ConnectionHost,
    private socket: net.Socket,
    private readonly accepted: AcceptedConnection,
    private readonly out: FrameBatch,
    /**
     * Whether writes complete later than `write` returns (TLS; any socket read through 'data'
     * events): a write callback then lets the batch reuse its chunk. See `whenWritten`.
     */
    confirmWrites: boolean,
  ) {
    this.lastActivity = host.now();
    this.whenWritten = confirmWrites
      ? () => {
          if (this.socket.writableLength === 0) this.out.release();
        }
      : undefined;
    const { maxHeaderBytes, maxHeaders } = host.options;
    this.head = new RequestHeadParser({ maxHeadBytes: maxHeaderBytes, maxHeaders });
  }

  get remoteAddress(): string {
    return this.accepted.remoteAddress;
  }

  get isOpen(): boolean {
    return this.state === State.Open;
  }

  get isClosed(): boolean {
    return this.state === State.Closed;
  }

  /** Attaches the socket events; `socket` may have been replaced by the fast read path. */
  attach(socket: net.Socket): void {
    this.socket = socket;
    (socket as ConnectionSocket)[CONNECTION] = this;
    // Shared listeners (Node calls them with the socket as `this`): no closures per connection.
    // No 'error' listener: the listener's record of the connection (`accepted`) has one on every
    // socket it hands out and reports the error as a transport event, which the server logs.
    socket.on('close', onSocketClose);
    socket.on('drain', onSocketDrain);
  }

  /** The connection `attach` tied to `socket`. */
  static of(socket: net.Socket): Connection {
    return (socket as ConnectionSocket)[CONNECTION];
  }

  /** Bytes from the socket. Never throws: a failure here closes this connection only. */
  onBytes(bytes: Uint8Array): void {
    this.lastActivity = this.host.now();
    this.reading = true;
    try {
      if (this.state === State.Handshake) this.readHead(bytes);
      else if (this.parser !== null && this.state !== State.Closed) this.parser.push(bytes);
      // The replies leave at the end of the turn, after every read of this turn (see markDirty).
      if (this.dirty) this.host.scheduleFlush(this);
    } catch (error) {
      this.host.log.error({ err: error, handler: this.id }, 'connection failed');
      this.destroy();
    } finally {
      this.reading = false;
    }
  }

  // ---- The opening handshake -------------------------------------------------------------

  private readHead(bytes: Uint8Array): void {
    try {
      const request = this.head!.push(bytes);
      if (request === undefined) return;
      this.head = null;
      const refusal = this.upgrade(request);
      if (refusal !== undefined) this.refuse(refusal.response, refusal.why);
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      this.refuse(errorResponseFor(error), error.message);
    }
  }

  /**
   * Validates and routes the Upgrade request, then answers 101 and opens the connection. Returns
   * the HTTP error to answer instead (or throws a HandshakeError carrying it).
   */
  private upgrade(request: RequestHead): { response: Uint8Array; why: string } | undefined {
    const upgrade = validateUpgrade(request);
    const route = this.host.route(upgrade.target);
    if (route === undefined) {
      return {
        response: buildErrorResponse(404),
        why: `no service at ${JSON.stringify(upgrade.target)}`,
      };
    }
    if (!route.acl.allows(this.remoteAddress)) {
      return {
        response: buildErrorResponse(403),
        why: `service ${route.name}: address denied by its acl`,
      };
    }
    let protocol: string | undefined;
    if (upgrade.protocols.length > 0 && route.protoAlias !== undefined) {
      if (!upgrade.protocols.includes(route.protoAlias)) {
        return {
          response: buildErrorResponse(400, {
            body: `this endpoint speaks the subprotocol ${route.protoAlias}`,
          }),
          why: `service ${route.name}: client offered ${upgrade.protocols.join(', ')}, not ${route.protoAlias}`,
        };
      }
      protocol = route.protoAlias;
    }
    this.socket.write(
      buildAcceptResponse({ key: upgrade.key, protocol, headers: route.extraHeaders }),
    );
    this.accepted.ready();
    this.open(route, request.rest);
    return undefined;
  }

  /** Answers the Upgrade with an HTTP error and ends the connection; the server keeps serving. */
  private refuse(response: Uint8Array, why: string): void {
    this.host.log.debug({ address: this.remoteAddress, why }, 'upgrade refused');
    this.state = State.Closed;
    this.head = null;
    this.socket.end(response);
    this.armCloseTimer();
  }

  private open(route: Route, rest: Uint8Array): void {
    this.state = State.Open;
    this.parser = new FrameParser(
      // Every chunk is ours to keep (the input batch copies reads of the shared buffer): frames
      // are unmasked in place and messages are views of the chunk.
      { role: 'server', maxMessageSize: route.maxMessageSize, inPlace: true },
      this,
    );
    this.instance = this.host.register(this, route);
    if (rest.length > 0) this.parser.push(rest);
  }

  // ---- Frames from the client (FrameHandler) ------------------------------------------

  onMessage(opcode: DataOpcode, payload: Uint8Array): void {
    if (this.state !== State.Open || this.instance === null) return;
    let result: unknown;
    try {
      result = this.instance.onMessage(this.id, opcode, payload);
    } catch (error) {
      this.host.log.error({ err: error, handler: this.id }, 'service onMessage failed');
      result = false;
    }
    if (result !== true) {
      if (result !== false)
        this.host.log.error({ handler: this.id, result }, 'service onMessage did not return true');
      this.close(1011, 'service error');
    }
  }

  onPing(payload: Uint8Array): void {
    if (this.state === State.Open) this.queue(Opcode.Pong, payload);
  }

  onPong(): void {}

  onClose(code: number): void {
    if (this.state === State.Open) {
      // Echo the peer's status (RFC 6455 5.5.1); a close without one is answered without one.
      this.queue(Opcode.Close, code === 1005 ? new Uint8Array(0) : closePayload(code));
    }
    this.state = State.Closing;
    this.flush();
    this.socket.end();
    this.armCloseTimer();
  }

  onError(error: FrameError): void {
    this.host.log.debug(
      { handler: this.id, code: error.code, closeCode: error.closeCode },
      error.message,
    );
    if (this.state === State.Open) this.queue(Opcode.Close, closePayload(error.closeCode));
    this.state = State.Closing;
    this.flush();
    this.socket.end();
    this.armCloseTimer();
  }

  // ---- Frames to the client --------------------------------------------------------------

  /** Queues a message from the service; false when the connection cannot take it. */
  send(opcode: DataOpcode, payload: Uint8Array): boolean {
    if (this.state !== State.Open) return false;
    // The limit is on what piles up behind data the client has not read yet: a message larger
    // than the limit still goes out to a client that keeps up (its buffer is empty when it starts).
    const buffered = this.bufferedAmount;
    if (buffered > 0 && buffered + payload.length > this.host.options.maxOutboundBuffer) {
      this.overflow();
      return false;
    }
    if (this.host.options.autoFragment && payload.length > AUTO_FRAGMENT_SIZE) {
      let first = true;
      for (let at = 0; at < payload.length; at += AUTO_FRAGMENT_SIZE) {
        const end = Math.min(at + AUTO_FRAGMENT_SIZE, payload.length);
        this.out.add(
          first ? opcode : Opcode.Continuation,
          payload.subarray(at, end),
          end === payload.length,
        );
        first = false;
      }
      this.markDirty();
    } else {
      this.queue(opcode, payload);
    }
    return true;
  }

  /** Starts the close handshake from our side. */
  close(code = 1000, reason = ''): void {
    if (this.state !== State.Open) return;
    this.queue(Opcode.Close, closePayload(code, reason));
    this.state = State.Closing;
    this.flush();
    this.armCloseTimer();
  }

  ping(): void {
    if (this.state === State.Open) this.queue(Opcode.Ping, new Uint8Array(0));
  }

  /** Bytes queued here and in the socket, not yet taken by the kernel. */
  get bufferedAmount(): number {
    return this.out.byteLength + this.socket.writableLength;
  }

  private queue(opcode: Opcode, payload: Uint8Array): void {
    this.out.add(opcode, payload);
    this.markDirty();
  }

  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    // Once per connection per event-loop turn, after all of the turn's reads (a read schedules
    // its own flush when it ends). Replies to many clients then leave back to back instead of
    // one between two service calls: a client process waiting for several of them is woken
    // once, not once per reply, and a wake-up is the most expensive part of a loopback write
    // (measured: the LAppS echo went from 23.7-28.2 to 22.7-23.1 µs of server CPU per call).
    if (!this.reading) this.host.scheduleFlush(this);
  }

  /** Writes everything queued in one write (or one corked writev). */
  flush(): void {
    this.dirty = false;
    if (this.socket.destroyed) return;
    const chunks = this.out.take();
    if (chunks.length === 0) return;
    let flowing: boolean;
    const done = this.whenWritten;
    if (chunks.length === 1) {
      flowing = this.socket.write(chunks[0]!, done);
    } else {
      this.socket.cork();
      flowing = true;
      const last = chunks.length - 1;
      for (let i = 0; i < last; i++) flowing = this.socket.write(chunks[i]!) && flowing;
      flowing = this.socket.write(chunks[last]!, done) && flowing;
      this.socket.uncork();
    }
    if (!flowing) this.waitingForDrain = true;
    // Written through to the kernel: the batch may reuse that memory for the next frames.
    else if (this.socket.writableLength === 0) this.out.release();
  }

  /**
   * TLS writes complete later (the cleartext is encrypted and handed on asynchronously), so the
   * check above never sees them done: this callback, made once per TLS connection, lets the batch
   * reuse its warm chunk once everything written is gone. Plain sockets skip it (a callback costs
   * a nextTick per write, and their writes complete at once).
   */
  private readonly whenWritten: (() => void) | undefined;

  /** The client does not read what we send: give up on it (1008) rather than buffer without end. */
  private overflow(): void {
    if (this.state !== State.Open) return;
    this.host.log.warn(
      { handler: this.id, address: this.remoteAddress, buffered: this.bufferedAmount },
      'client does not read: outbound buffer over the limit, closing with 1008',
    );
    this.out.take(); // drop what is queued: it would never arrive
    this.out.add(Opcode.Close, closePayload(1008, 'outbound buffer limit'));
    this.state = State.Closing;
    this.flush();
    this.socket.end();
    this.armCloseTimer();
  }

  /** The socket's 'drain' (through the shared listener `onSocketDrain`). */
  onDrain(): void {
    if (!this.waitingForDrain) return;
    this.waitingForDrain = false;
    if (this.state === State.Open && this.instance?.onDrain !== undefined) {
      try {
        this.instance.onDrain(this.id);
      } catch (error) {
        this.host.log.error({ err: error, handler: this.id }, 'service onDrain failed');
      }
    }
  }

  // ---- Teardown ------------------------------------------------------------------------------

  /** A peer that does not finish the close handshake in time is dropped. */
  private armCloseTimer(): void {
    if (this.closeTimer !== undefined) return;
    this.closeTimer = setTimeout(() => this.destroy(), this.host.options.closeTimeoutMs);
    this.closeTimer.unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** The socket's 'close' (through the shared listener `onSocketClose`). */
  onSocketClose(): void {
    // What arrived before the close is handled first (a last message sent with the FIN).
    this.host.takeInput(this);
    const wasRegistered = this.instance !== null;
    this.state = State.Closed;
    if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
    this.parser = null;
    this.head = null;
    if (wasRegistered) {
      const instance = this.instance!;
      this.instance = null;
      this.host.unregister(this);
      try {
        instance.onDisconnect(this.id);
      } catch (error) {
        this.host.log.error({ err: error, handler: this.id }, 'service onDisconnect failed');
      }
    } else {
      this.host.forget(this);
    }
  }
}
