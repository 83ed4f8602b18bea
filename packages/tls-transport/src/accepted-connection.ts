import type net from 'node:net';

/** One accepted connection, as `onConnection` and `onReject` see it. */
export interface AcceptedConnection {
  /** The peer's address; IPv4-mapped IPv6 ('::ffff:1.2.3.4') is given as IPv4 ('1.2.3.4'). */
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly secure: boolean;
  /** Clears the handshake deadline: call it once the WebSocket handshake has succeeded. */
  ready(): void;
  /**
   * Moves the listener's bookkeeping to `socket`: call it when the socket given to `onConnection`
   * is replaced by another object over the same handle (the server's `onread` re-wrap). From then
   * on the connection counts until THAT socket closes, the deadline and `Listener.close()` destroy
   * it, and its errors are reported through `onEvent`. The old object is no longer watched, so it
   * may be discarded (set its `_handle` to null first, or destroying it closes the shared handle).
   */
  track(socket: net.Socket): void;
}

const RECORD = Symbol('lapps.connectionRecord');
type WatchedSocket = net.Socket & { [RECORD]: ConnectionRecord };

function onSocketError(this: net.Socket, error: Error): void {
  (this as WatchedSocket)[RECORD].socketFailed(error);
}

function onSocketClose(this: net.Socket): void {
  (this as WatchedSocket)[RECORD].socketClosed(this);
}

/** What a `ConnectionRecord` tells its listener. */
export interface ConnectionHooks {
  closed(record: ConnectionRecord): void;
  deadlinePassed(record: ConnectionRecord): void;
  socketError(record: ConnectionRecord, error: Error): void;
}

/**
 * The listener's side of an accepted connection: which socket object currently carries it, whether
 * it counts against the caps, and its handshake deadline.
 */
export class ConnectionRecord implements AcceptedConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly secure: boolean;
  /** Whether `ConnectionLimits.admit` counted it (false for connections handed to `onReject`). */
  readonly counted: boolean;
  /** False until the TLS handshake completes (always true for plain TCP once handed over). */
  handedOver = false;
  #socket: net.Socket;
  #deadline: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #hooks: ConnectionHooks;

  constructor(
    socket: net.Socket,
    peer: { address: string; port: number; secure: boolean; counted: boolean },
    hooks: ConnectionHooks,
  ) {
    this.remoteAddress = peer.address;
    this.remotePort = peer.port;
    this.secure = peer.secure;
    this.counted = peer.counted;
    this.#hooks = hooks;
    this.#socket = socket;
    this.#watch(socket);
  }

  get socket(): net.Socket {
    return this.#socket;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Starts the deadline; `Infinity` means none. */
  startDeadline(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.#deadline = setTimeout(() => {
      this.#deadline = undefined;
      this.#socket.destroy();
      this.#hooks.deadlinePassed(this);
    }, ms);
    // A pending deadline alone must not keep a process alive (tests, graceful shutdown).
    this.#deadline.unref();
  }

  ready(): void {
    if (this.#deadline !== undefined) {
      clearTimeout(this.#deadline);
      this.#deadline = undefined;
    }
  }

  track(socket: net.Socket): void {
    if (socket === this.#socket || this.#closed) return;
    this.#socket = socket;
    this.#watch(socket);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #watch(socket: net.Socket): void {
    // Every socket we hand out has an 'error' listener, so a reset peer can never be an uncaught
    // exception. The old socket keeps its own: it is harmless after a re-wrap. The listeners are
    // shared by all records (Node calls them with the socket as `this`) and find their record
    // through the socket: no closures per connection.
    (socket as WatchedSocket)[RECORD] = this;
    socket.on('error', onSocketError);
    socket.on('close', onSocketClose);
    // A socket that closed before it was tracked will never emit 'close' again.
    if (socket.closed) this.#close();
  }

  /** From the socket's 'error' listener (`onSocketError`). */
  socketFailed(error: Error): void {
    this.#hooks.socketError(this, error);
  }

  /** From a socket's 'close' listener (`onSocketClose`): counts only for the current socket. */
  socketClosed(socket: net.Socket): void {
    if (socket === this.#socket) this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.ready();
    this.#hooks.closed(this);
  }
}
