import { lstat, unlink } from 'node:fs/promises';
import net from 'node:net';
import { PeerDecoder, type PeerFrameHandler } from './peer-decoder.js';
import { PeerEncoder } from './peer-encoder.js';
import { EMPTY_PAYLOAD, type PeerFrameType } from './peer-frame.js';
import { canReadInPlace, type ReadCallback, readInPlace, sharedOnRead } from '@lapps/tls-transport';
import { checkSocketPath } from './peer-socket-path.js';
import { SchedulerError } from './scheduler-error.js';

export interface PeerLinkOptions {
  /** Largest payload sent or accepted (default 64 MiB); above it: `LAPPS_ERR_PEER_FRAME_TOO_BIG`. */
  maxPayload?: number;
}

/**
 * Called once when the link is closed: `error` is undefined after an orderly close by either end,
 * else what broke it (a socket error, a corrupt frame, or an exception thrown by the frame handler).
 */
export type PeerCloseHandler = (error: Error | undefined) => void;

enum State {
  Open,
  /** Our side has ended (`close()`) or the peer ended its side: no more sends. */
  Closing,
  Closed,
}

const ignoreFrame: PeerFrameHandler = () => {};

/**
 * One end of the binary channel between two worker processes, over a Unix domain socket. Frames
 * sent during one event-loop turn leave in one write at the end of the turn (see `PeerEncoder`);
 * frames arrive in the order they were sent.
 *
 * Reads go into ONE buffer shared by every link of the process, so the payload given to the frame
 * handler is valid only during the call (unless the frame was split across reads): copy what you
 * keep.
 *
 * @example
 * const link = await PeerLink.connect(peerSocketPath(dir, 2));
 * link.onFrame((type, opcode, code, conn, payload) => { ... });
 * link.send(PeerFrameType.Message, PeerOpcode.Text, 0, conn, bytes);
 */
export class PeerLink {
  private readonly socket: net.Socket;
  private readonly encoder: PeerEncoder;
  private readonly decoder: PeerDecoder;
  private state = State.Open;
  private error: Error | undefined;
  private frameHandler: PeerFrameHandler = ignoreFrame;
  private closeHandler: PeerCloseHandler | undefined;
  private readonly whenClosed: Promise<void>;
  private resolveClosed!: () => void;
  /** The accepting server's bookkeeping, run when the link closes, before `onClose`. @internal */
  afterClose: (() => void) | undefined;
  /** Whether this link reads into the shared buffer (false: `'data'` events, one Buffer a read). */
  readonly readsInPlace: boolean;

  /**
   * Use `PeerLink.connect` or `PeerServer.listen`. `attach` makes the socket, given the function to
   * call with the bytes of each read (or returns a socket to read with `'data'` events).
   * @internal
   */
  constructor(
    attach: (onBytes: ReadCallback) => { socket: net.Socket; inPlace: boolean },
    options: PeerLinkOptions = {},
  ) {
    this.decoder = new PeerDecoder(
      (type, opcode, code, id, payload) => this.frameHandler(type, opcode, code, id, payload),
      options,
    );
    const { socket, inPlace } = attach((bytes) => this.onBytes(bytes));
    this.socket = socket;
    this.readsInPlace = inPlace;
    this.encoder = new PeerEncoder(socket, options);
    this.whenClosed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    socket.on('end', () => this.onEnd());
    socket.on('error', (error) => {
      this.error ??= error;
    });
    socket.on('close', () => this.onSocketClose());
  }

  /**
   * Connects to the `PeerServer` listening at `path`. Rejects with `LAPPS_ERR_PEER_CONNECT` when
   * nothing listens there, `LAPPS_ERR_PEER_PATH` when the path is too long.
   */
  static async connect(path: string, options: PeerLinkOptions = {}): Promise<PeerLink> {
    checkSocketPath(path);
    return new Promise((resolve, reject) => {
      const link = new PeerLink(
        (onBytes) => ({
          socket: net.connect({ path, allowHalfOpen: true, onread: sharedOnRead(onBytes) }),
          inPlace: true,
        }),
        options,
      );
      const socket = link.socket;
      const onError = (error: Error) => {
        reject(
          new SchedulerError(
            'LAPPS_ERR_PEER_CONNECT',
            `peer link to ${path}: connect failed: ${error.message}`,
            { cause: error },
          ),
        );
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(link);
      });
    });
  }

  /** Bytes sent and not yet handed to the kernel: this turn's batch plus the socket's buffer. */
  get bufferedAmount(): number {
    return this.encoder.pendingBytes + this.socket.writableLength;
  }

  /** True until `close()`, `destroy()` or the peer's close: while sends are accepted. */
  get open(): boolean {
    return this.state === State.Open;
  }

  /**
   * Queues one frame; it leaves with the other frames of this turn. A payload of 16 KiB or more is
   * written from `payload` itself, which must not change until then; smaller ones are copied. So a
   * received payload of 16 KiB or more must be copied before it is forwarded: by the end of the
   * turn the shared read buffer holds other bytes.
   * Returns false, sending nothing, once the link is closing or closed (a peer that died is
   * reported by `onClose`, not by an exception on every send). Throws `LAPPS_ERR_PEER_FRAME` or
   * `LAPPS_ERR_PEER_FRAME_TOO_BIG` on a frame that must not be sent.
   */
  send(
    type: PeerFrameType,
    opcode: number,
    code: number,
    id: number,
    payload: Uint8Array = EMPTY_PAYLOAD,
  ): boolean {
    if (this.state !== State.Open) return false;
    this.encoder.add(type, opcode, code, id, payload);
    return true;
  }

  /**
   * Sets the function called for every frame received, in order. The payload is valid only during
   * the call: it may be a view of the shared read buffer. The handler must not throw: an exception
   * destroys the link (the stream cannot resume mid-chunk) and is passed to the close handler.
   */
  onFrame(handler: PeerFrameHandler): void {
    this.frameHandler = handler;
  }

  /** Sets the function called once when the link is closed (at once if it already is). */
  onClose(handler: PeerCloseHandler): void {
    this.closeHandler = handler;
    if (this.state === State.Closed) queueMicrotask(() => handler(this.error));
  }

  /**
   * Orderly close: writes what is queued, ends our side, and resolves once the peer has ended its
   * side too (a `PeerLink` does so by itself, after writing what it had queued). Frames that arrive
   * meanwhile are still delivered.
   */
  close(): Promise<void> {
    if (this.state === State.Open) {
      this.state = State.Closing;
      this.encoder.flush();
      this.socket.end();
    }
    return this.whenClosed;
  }

  /** Closes at once: what is queued and unread is dropped. */
  destroy(error?: Error): void {
    if (this.state === State.Closed) return;
    if (error !== undefined) this.error ??= error;
    this.state = State.Closing;
    this.encoder.discard();
    this.socket.destroy();
  }

  /** Resolves once the link is closed, however that happened. */
  closed(): Promise<void> {
    return this.whenClosed;
  }

  private onBytes(bytes: Uint8Array): void {
    if (this.state === State.Closed) return;
    try {
      this.decoder.push(bytes);
    } catch (error) {
      this.destroy(error as Error);
    }
  }

  /** The peer ended its side: write what is still queued, then end ours (half-open is not used). */
  private onEnd(): void {
    if (this.state === State.Open) {
      this.state = State.Closing;
      this.encoder.flush();
      this.socket.end();
    }
  }

  private onSocketClose(): void {
    if (this.state === State.Closed) return;
    this.state = State.Closed;
    this.encoder.discard();
    this.afterClose?.();
    this.resolveClosed();
    this.closeHandler?.(this.error);
  }
}

/**
 * The listening end: accepts links from the other workers at a Unix socket path.
 *
 * @example
 * const server = await PeerServer.listen(peerSocketPath(dir, index), (link) => {
 *   link.onFrame((type, opcode, code, conn, payload) => { ... });
 * });
 */
export class PeerServer {
  private readonly server: net.Server;
  private readonly links = new Set<PeerLink>();
  private closing: Promise<void> | undefined;
  readonly path: string;

  private constructor(server: net.Server, path: string) {
    this.server = server;
    this.path = path;
  }

  /**
   * Listens at `path`, calling `onConnection` for every link accepted (set its handlers there: reading
   * starts right after). A socket file left at `path` by a process that died is removed first; a
   * path where a live process listens, or that is not a socket, fails with `LAPPS_ERR_PEER_LISTEN`.
   */
  static async listen(
    path: string,
    onConnection: (link: PeerLink) => void,
    options: PeerLinkOptions = {},
  ): Promise<PeerServer> {
    checkSocketPath(path);
    await removeStaleSocket(path);
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    const peer = new PeerServer(server, path);
    server.on('connection', (socket) => peer.accept(socket, onConnection, options));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new SchedulerError('LAPPS_ERR_PEER_LISTEN', `peer server at ${path}: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      server.listen(path, () => resolve());
    });
    return peer;
  }

  /** Links accepted and not yet closed. */
  get connections(): number {
    return this.links.size;
  }

  /**
   * Stops accepting, closes every accepted link in order (queued frames are written first) and
   * resolves when all are closed and the socket file is gone.
   */
  close(): Promise<void> {
    this.closing ??= Promise.all([
      new Promise<void>((resolve) => this.server.close(() => resolve())),
      ...[...this.links].map((link) => link.close()),
    ]).then(() => {});
    return this.closing;
  }

  private accept(
    socket: net.Socket,
    onConnection: (link: PeerLink) => void,
    options: PeerLinkOptions,
  ): void {
    const link = new PeerLink((onBytes) => {
      if (canReadInPlace(socket))
        return {
          socket: readInPlace(socket, onBytes, { allowHalfOpen: true }),
          inPlace: true,
        };
      // Fallback: one Buffer per read, which the decoder treats as it would the shared buffer.
      socket.on('data', onBytes);
      socket.resume();
      return { socket, inPlace: false };
    }, options);
    this.links.add(link);
    link.afterClose = () => this.links.delete(link);
    onConnection(link);
  }
}

/** Removes a socket file left by a dead process; refuses to touch anything else. */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SchedulerError(
      'LAPPS_ERR_PEER_LISTEN',
      `peer server at ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (!isSocket) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_LISTEN',
      `peer server at ${path}: the path exists and is not a socket; refusing to remove it`,
    );
  }
  if (await someoneListens(path)) {
    throw new SchedulerError(
      'LAPPS_ERR_PEER_LISTEN',
      `peer server at ${path}: another process is listening there (two workers with one index?)`,
    );
  }
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** Whether a connection to `path` is accepted (a live listener), rather than refused (stale). */
function someoneListens(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
