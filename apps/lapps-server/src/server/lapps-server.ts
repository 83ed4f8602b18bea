import type net from 'node:net';
import { FrameBatch, FrameSerializer, type DataOpcode } from '@lapps/frame-codec';
import { buildErrorResponse } from '@lapps/handshake';
import {
  type AcceptedConnection,
  type Acl,
  InputBatch,
  Listener,
  canReadInPlace,
  createAcl,
  readInPlace,
} from '@lapps/tls-transport';
import { builtinServices } from './builtin-services.js';
import { Connection } from './connection.js';
import type { ConnectionHost, Route } from './connection-host.js';
import { type Logger, silentLogger } from './logger.js';
import type { ServerOptions } from './options.js';
import type { ServiceFactory, ServiceHost, ServiceInstance } from './service.js';

class ServiceRoute implements Route {
  private next = 0;

  constructor(
    readonly name: string,
    readonly target: string,
    readonly acl: Acl,
    readonly maxMessageSize: number,
    readonly extraHeaders: Record<string, string>,
    readonly protoAlias: string | undefined,
    readonly instances: ServiceInstance[],
  ) {}

  /** Connections are pinned to instances round-robin, as in LAppS 0.9. */
  nextInstance(): ServiceInstance {
    const instance = this.instances[this.next]!;
    this.next = (this.next + 1) % this.instances.length;
    return instance;
  }
}

/** What a forwarded connection's instance talks to (see src/cluster/peer-router.ts). */
export interface ConnectionProxy {
  send(opcode: DataOpcode, payload: Uint8Array): boolean;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount: number;
}

export interface StartDependencies {
  /** Service implementations by name (default: the built-in TypeScript services). */
  services?: ReadonlyMap<string, ServiceFactory>;
  /**
   * The one instance that stands for a service with no local instance (`localInstances: []`):
   * it forwards that service's connections to a process that runs one.
   */
  forwarder?: (service: string) => ServiceInstance;
  log?: Logger;
  /** Print `listening on URL` on stdout even when the log level hides it (`lapps start`). */
  announce?: boolean;
  /** One of several worker processes: the primary says `listening on`, not this process. */
  worker?: boolean;
}

/**
 * One LAppS server process: a listener, the services' instances, and every connection. Bad input
 * from one client or a failing service closes that connection only.
 */
export class LappsServer implements ConnectionHost {
  readonly log: Logger;
  private readonly routes = new Map<string, ServiceRoute>();
  private readonly open = new Map<number, Connection>();
  /** Connections of other processes served by instances of this one (handler → proxy). */
  private readonly proxies = new Map<number, ConnectionProxy>();
  private readonly byName = new Map<string, ServiceRoute>();
  private readonly pending = new Set<Connection>();
  private readonly serializer = new FrameSerializer({ role: 'server' });
  private listener: Listener | undefined;
  private nextId = 1;
  private fastReads = 0;
  /** One read callback for every fast-path connection: it finds the connection by its socket. */
  private readonly onFastRead = (bytes: Uint8Array, socket: net.Socket): void =>
    this.input.add(Connection.of(socket), bytes);
  private dirty: Connection[] = [];
  private flushScheduled = false;
  /** The reads of this turn, handled at its end; the replies are written right after them. */
  private readonly input = new InputBatch<Connection>(() => {
    if (this.flushScheduled) this.flushAll();
  });
  private sweepTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private readonly serviceHost: ServiceHost;
  private worker = false;

  private constructor(
    readonly options: ServerOptions,
    log: Logger,
    private readonly announce: boolean,
  ) {
    this.log = log;
    this.serviceHost = {
      send: (handler, opcode, payload) =>
        (this.open.get(handler) ?? this.proxies.get(handler))?.send(opcode, payload) ?? false,
      close: (handler, code, reason) =>
        (this.open.get(handler) ?? this.proxies.get(handler))?.close(code, reason),
      bufferedAmount: (handler) =>
        (this.open.get(handler) ?? this.proxies.get(handler))?.bufferedAmount ?? 0,
    };
  }

  /** Starts the services, then listens. Rejects with a clear error when it cannot. */
  static async start(options: ServerOptions, deps: StartDependencies = {}): Promise<LappsServer> {
    const server = new LappsServer(options, deps.log ?? silentLogger(), deps.announce ?? false);
    server.worker = deps.worker ?? false;
    await server.startServices(deps.services ?? builtinServices, deps.forwarder);
    try {
      await server.listen();
    } catch (error) {
      await server.stopServices();
      throw error;
    }
    return server;
  }

  /** `ws://host:port` or `wss://host:port` of the listening socket. */
  get url(): string {
    const address = this.listener!.address();
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${this.options.tls ? 'wss' : 'ws'}://${host}:${address.port}`;
  }

  get port(): number {
    return this.listener!.address().port;
  }

  /** Connections accepted on the shared-read-buffer path (plain TCP) since start. */
  get fastReadConnections(): number {
    return this.fastReads;
  }

  /** Open WebSocket connections. */
  get connectionCount(): number {
    return this.open.size;
  }

  private async startServices(
    factories: ReadonlyMap<string, ServiceFactory>,
    forwarder: StartDependencies['forwarder'],
  ): Promise<void> {
    for (const service of this.options.services) {
      const local =
        service.localInstances ?? Array.from({ length: service.instances }, (_, i) => i);
      const factory = factories.get(service.name);
      if (local.length > 0 && factory === undefined) {
        throw Object.assign(
          new Error(
            `service ${service.name}: no implementation (built-in services: ${[...factories.keys()].join(', ')})`,
          ),
          { code: 'LAPPS_ERR_SERVICE' },
        );
      }
      // Fail at start, not at the first client, on extra headers that cannot be sent.
      buildErrorResponse(400, { headers: service.extraHeaders });
      const instances: ServiceInstance[] = [];
      for (const i of local) instances.push(factory!(i));
      if (instances.length === 0) {
        if (forwarder === undefined) {
          throw Object.assign(
            new Error(`service ${service.name}: no local instance and no forwarder`),
            { code: 'LAPPS_ERR_SERVICE' },
          );
        }
        instances.push(forwarder(service.name));
      }
      const route = new ServiceRoute(
        service.name,
        service.target,
        createAcl(service.acl, `lapps.json: services.${service.name}.acl`),
        service.maxMessageSize,
        service.extraHeaders,
        service.protoAlias,
        instances,
      );
      this.routes.set(service.target, route);
      this.byName.set(service.name, route);
      for (const instance of instances) await instance.onStart(this.serviceHost);
      if (local.length === 0) {
        this.log.info(
          { service: service.name, target: service.target },
          'service forwarded: its instances run in other worker processes',
        );
      } else {
        this.log.info(
          { service: service.name, target: service.target, instances: local.length },
          'service started',
        );
      }
    }
  }

  private async stopServices(): Promise<void> {
    for (const route of this.routes.values()) {
      for (const instance of route.instances) {
        try {
          await instance.onShutdown();
        } catch (error) {
          this.log.error({ err: error, service: route.name }, 'service onShutdown failed');
        }
      }
    }
  }

  private async listen(): Promise<void> {
    const o = this.options;
    this.listener = await Listener.listen({
      host: o.host,
      port: o.port,
      tls: o.tls,
      acl: createAcl(o.acl, 'ws.json: acl'),
      maxConnections: o.maxConnections,
      maxConnectionsPerAddress: o.maxConnectionsPerAddress,
      handshakeTimeoutMs: o.handshakeTimeoutMs,
      onConnection: (socket, accepted) => this.accept(socket, accepted),
      onReject: (socket, accepted, reason) => {
        this.log.warn({ address: accepted.remoteAddress, reason }, 'connection refused: 503');
        socket.on('error', () => {});
        socket.end(buildErrorResponse(503));
      },
      onEvent: (event) => this.log.debug(event, 'transport'),
    });
    const timers = [o.pingIntervalMs, o.idleTimeoutMs].filter((ms) => ms > 0);
    if (timers.length > 0) {
      const period = Math.max(20, Math.min(...timers) / 2);
      this.sweepTimer = setInterval(() => this.sweep(), period);
      this.sweepTimer.unref();
    }
    // `lapps start` promises this line whatever the log level: scripts wait for it. A worker
    // process says something else: the primary announces the server once every worker is ready.
    if (this.worker)
      this.log.info({ url: this.url }, `worker accepting connections at ${this.url}`);
    else if (this.log.isLevelEnabled('info'))
      this.log.info({ url: this.url }, `listening on ${this.url}`);
    else if (this.announce) process.stdout.write(`listening on ${this.url}\n`);
  }

  private accept(socket: net.Socket, accepted: AcceptedConnection): void {
    const out = new FrameBatch(this.serializer);
    if (!accepted.secure && canReadInPlace(socket)) {
      // Plain TCP: read into the shared buffer, copied out and handled at the end of the turn.
      const fast = readInPlace(socket, this.onFastRead, { noDelay: true });
      accepted.track(fast);
      this.fastReads++;
      const connection = new Connection(this, fast, accepted, out, false);
      connection.attach(fast);
      this.pending.add(connection);
      return;
    }
    const connection = new Connection(this, socket, accepted, out, true);
    connection.attach(socket);
    socket.on('data', (chunk: Buffer) => this.input.addOwned(connection, chunk));
    this.pending.add(connection);
    socket.resume();
  }

  // ---- ConnectionHost -----------------------------------------------------------------------

  now(): number {
    return Date.now();
  }

  route(target: string): Route | undefined {
    return this.routes.get(target);
  }

  register(connection: Connection, route: Route): ServiceInstance {
    this.pending.delete(connection);
    connection.id = this.nextId++;
    this.open.set(connection.id, connection);
    return (route as ServiceRoute).nextInstance();
  }

  unregister(connection: Connection): void {
    this.open.delete(connection.id);
  }

  /**
   * A connection of another process arrives for `service`: it gets a handler id of this process
   * and an instance (round-robin); the instance's sends and closes go to `proxy`. Undefined when
   * the service is unknown here.
   */
  attachProxy(
    service: string,
    proxy: ConnectionProxy,
  ): { handler: number; instance: ServiceInstance } | undefined {
    const route = this.byName.get(service);
    if (route === undefined) return undefined;
    const handler = this.nextId++;
    this.proxies.set(handler, proxy);
    return { handler, instance: route.nextInstance() };
  }

  detachProxy(handler: number): void {
    this.proxies.delete(handler);
  }

  forget(connection: Connection): void {
    this.pending.delete(connection);
  }

  takeInput(connection: Connection): void {
    this.input.takeFor(connection);
  }

  scheduleFlush(connection: Connection): void {
    this.dirty.push(connection);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushAll());
    }
  }

  private flushAll(): void {
    this.flushScheduled = false;
    const dirty = this.dirty;
    this.dirty = [];
    for (const connection of dirty) if (connection.dirty) connection.flush();
  }

  /** Pings quiet connections and closes those that stayed silent past the idle timeout. */
  private sweep(): void {
    const now = this.now();
    const { pingIntervalMs, idleTimeoutMs } = this.options;
    for (const connection of this.open.values()) {
      const quiet = now - connection.lastActivity;
      if (idleTimeoutMs > 0 && quiet >= idleTimeoutMs) connection.close(1001, 'idle timeout');
      else if (
        pingIntervalMs > 0 &&
        quiet >= pingIntervalMs &&
        now - connection.lastPing >= pingIntervalMs
      ) {
        connection.lastPing = now;
        connection.ping();
      }
    }
  }

  // ---- Shutdown -----------------------------------------------------------------------------

  /**
   * Stops accepting, closes every client with 1001, waits for the close handshakes up to the
   * shutdown timeout, stops the services and closes the listener.
   */
  shutdown(): Promise<void> {
    this.closing ??= this.doShutdown();
    return this.closing;
  }

  private async doShutdown(): Promise<void> {
    const listener = this.listener!;
    await listener.stopAccepting();
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    for (const connection of this.pending) connection.destroy();
    for (const connection of this.open.values()) connection.close(1001, 'server shutting down');
    const deadline = this.now() + this.options.shutdownTimeoutMs;
    while (this.open.size > 0 && this.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (this.open.size > 0) {
      this.log.warn({ connections: this.open.size }, 'shutdown timeout: dropping connections');
      for (const connection of this.open.values()) connection.destroy();
    }
    await this.stopServices();
    await listener.close();
    this.log.info('stopped');
  }

  /** Re-reads the TLS certificate files; open connections keep theirs (no-op without TLS). */
  reloadCertificates(): void {
    if (this.options.tls) this.listener?.reloadCertificates();
  }

  /** Starts the close handshake of a connection of this process (an answer from another one). */
  closeConnection(handler: number, code?: number, reason?: string): void {
    this.open.get(handler)?.close(code, reason);
  }

  /** For services written in TypeScript that want to send outside of onMessage. */
  send(handler: number, opcode: DataOpcode, payload: Uint8Array): boolean {
    return this.serviceHost.send(handler, opcode, payload);
  }
}
