import net from 'node:net';
import type tls from 'node:tls';
import { ConnectionRecord, type ConnectionHooks } from './accepted-connection.js';
import { ConnectionLimits, type RejectReason } from './connection-limits.js';
import { TransportError } from './errors.js';
import {
  type ListenerOptions,
  type ListenerSettings,
  resolveListenerSettings,
} from './listener-options.js';
import { formatHostPort, normalizeAddress } from './remote-address.js';
import { createServerContext, loadServerTls } from './server-tls.js';
import { startServerTls } from './server-tls-socket.js';
import type { TransportEvent } from './transport-event.js';

/** Where a listener is bound, as `net.Server.address()` reports it. */
export interface ListenerAddress {
  address: string;
  port: number;
  family: string;
}

/**
 * A listening socket, plain TCP or TLS, that applies the ACL, the connection caps and the handshake
 * deadline to every connection before the caller sees it.
 *
 * @example
 * const listener = await Listener.listen({
 *   host: '0.0.0.0', port: 5083,
 *   tls: { files: { cert: 'server.pem', key: 'server.key' }, minVersion: 'TLSv1.2' },
 *   acl: createAcl({ policy: 'allow', exclude: ['203.0.113.0/24'] }, 'ws.json: acl'),
 *   onConnection(socket, conn) { ... conn.ready() once the WebSocket handshake is done },
 * });
 */
export class Listener {
  readonly secure: boolean;
  readonly #server: net.Server;
  readonly #options: ListenerOptions;
  readonly #settings: ListenerSettings;
  readonly #limits: ConnectionLimits;
  readonly #records = new Set<ConnectionRecord>();
  readonly #hooks: ConnectionHooks;
  #secureContext: tls.SecureContext | undefined;
  #address: ListenerAddress = { address: '', port: 0, family: '' };
  #drained: (() => void)[] = [];

  private constructor(
    options: ListenerOptions,
    settings: ListenerSettings,
    context?: tls.SecureContext,
  ) {
    this.#options = options;
    this.#settings = settings;
    this.#secureContext = context;
    this.secure = context !== undefined;
    this.#limits = new ConnectionLimits(settings.maxConnections, settings.maxConnectionsPerAddress);
    this.#hooks = {
      closed: (record) => this.#release(record),
      deadlinePassed: (record) =>
        this.#emit({ type: 'handshake-timeout', address: record.remoteAddress }),
      socketError: (record, error) => {
        const type = record.secure && !record.handedOver ? 'tls-error' : 'socket-error';
        this.#emit({ type, address: record.remoteAddress, error });
      },
    };
    // pauseOnConnect: the server re-wraps the handle with a shared `onread` buffer, so nothing may
    // start reading before it gets the socket (DESIGN.md section 3).
    this.#server = net.createServer({ pauseOnConnect: true, noDelay: true });
    this.#server.on('connection', (socket: net.Socket) => this.#accept(socket));
  }

  /**
   * Binds and starts accepting. Rejects with `TransportError`: `LAPPS_ERR_ADDRESS_IN_USE` or
   * `LAPPS_ERR_LISTEN` (naming host:port), the TLS file errors of `loadServerTls`, or
   * `LAPPS_ERR_INVALID_ARGUMENT` for an option out of range.
   */
  static async listen(options: ListenerOptions): Promise<Listener> {
    const settings = resolveListenerSettings(options);
    const context =
      options.tls === undefined
        ? undefined
        : createServerContext(
            loadServerTls(options.tls.files, options.tls.minVersion),
            options.tls.files,
          );
    const listener = new Listener(options, settings, context);
    await bind(listener.#server, settings.host, settings.port);
    const bound = listener.#server.address() as net.AddressInfo;
    listener.#address = { address: bound.address, port: bound.port, family: bound.family };
    // After listening, 'error' means a failed accept (EMFILE and the like): report it, keep going.
    listener.#server.on('error', (error) =>
      listener.#emit({
        type: 'socket-error',
        address: formatHostPort(bound.address, bound.port),
        error,
      }),
    );
    return listener;
  }

  /** Where it is bound (kept after `stopAccepting`). */
  address(): ListenerAddress {
    return { ...this.#address };
  }

  /** Open admitted connections (rejected ones are not counted), until their socket closes. */
  get connections(): number {
    return this.#limits.total;
  }

  /**
   * Re-reads the PEM files. On success new connections use the new certificate and open ones are
   * untouched; on failure throws `TransportError` and keeps the old one.
   */
  reloadCertificates(): void {
    const tlsOptions = this.#options.tls;
    if (tlsOptions === undefined) {
      throw new TransportError(
        'LAPPS_ERR_INVALID_ARGUMENT',
        'reloadCertificates: this listener is plain TCP',
      );
    }
    const material = loadServerTls(tlsOptions.files, tlsOptions.minVersion);
    this.#secureContext = createServerContext(material, tlsOptions.files);
    this.#emit({ type: 'certificates-reloaded' });
  }

  /** Closes the listening socket; open connections stay. */
  async stopAccepting(): Promise<void> {
    // Not server.close(callback): that waits for every connection, and a re-wrapped socket is
    // never seen closing by net.Server. The listening handle itself closes synchronously.
    if (this.#server.listening) this.#server.close();
  }

  /** `stopAccepting`, then destroys every open connection and waits until all have closed. */
  async close(): Promise<void> {
    await this.stopAccepting();
    if (this.#records.size === 0) return;
    const drained = new Promise<void>((resolve) => this.#drained.push(resolve));
    for (const record of this.#records) record.destroy();
    await drained;
  }

  #accept(raw: net.Socket): void {
    const peerAddress = raw.remoteAddress;
    if (peerAddress === undefined) {
      // Reset between accept and here: there is nobody to talk to.
      raw.on('error', () => {});
      raw.destroy();
      return;
    }
    const address = normalizeAddress(peerAddress);
    const acl = this.#options.acl;
    if (acl !== undefined && !acl.allows(address)) {
      raw.on('error', () => {});
      raw.destroy();
      this.#emit({ type: 'acl-denied', address });
      return;
    }

    const reason = this.#limits.admit(address);
    const record = new ConnectionRecord(
      raw,
      { address, port: raw.remotePort ?? 0, secure: this.secure, counted: reason === undefined },
      this.#hooks,
    );
    if (record.isClosed) return;
    this.#records.add(record);
    record.startDeadline(this.#settings.handshakeTimeoutMs);

    const context = this.#secureContext;
    if (context === undefined) {
      this.#handOver(raw, record, reason);
      return;
    }
    try {
      const secure = startServerTls(raw, context, (socket) =>
        this.#handOver(socket, record, reason),
      );
      record.track(secure);
    } catch (error) {
      // Node refused to wrap this socket: lose the connection, not the listener.
      raw.destroy();
      this.#emit({
        type: 'tls-error',
        address,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  #handOver(socket: net.Socket, record: ConnectionRecord, reason: RejectReason | undefined): void {
    record.handedOver = true;
    try {
      if (reason === undefined) this.#options.onConnection(socket, record);
      else if (this.#options.onReject !== undefined) this.#options.onReject(socket, record, reason);
      else socket.destroy();
    } catch (error) {
      // A bug in one connection's handling must not take the listener down with it.
      socket.destroy();
      this.#emit({
        type: 'socket-error',
        address: record.remoteAddress,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    }
  }

  // Called once per record (ConnectionRecord guards it), also for one that closed before it was
  // added to #records, so the count can never leak.
  #release(record: ConnectionRecord): void {
    if (record.counted) this.#limits.release(record.remoteAddress);
    this.#records.delete(record);
    if (this.#records.size === 0 && this.#drained.length > 0) {
      const waiting = this.#drained;
      this.#drained = [];
      for (const resolve of waiting) resolve();
    }
  }

  #emit(event: TransportEvent): void {
    this.#options.onEvent?.(event);
  }
}

function bind(server: net.Server, host: string, port: number): Promise<void> {
  const where = formatHostPort(host, port);
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new TransportError(
            'LAPPS_ERR_ADDRESS_IN_USE',
            `cannot listen on ${where}: address already in use`,
            { cause: error },
          ),
        );
      } else {
        const hint = error.code === 'EACCES' ? ' (ports below 1024 need privileges)' : '';
        reject(
          new TransportError(
            'LAPPS_ERR_LISTEN',
            `cannot listen on ${where}: ${error.message}${hint}`,
            { cause: error },
          ),
        );
      }
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port });
  });
}
