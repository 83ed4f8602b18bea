import type { AclOptions, TlsFiles, TlsMinVersion } from '@lapps/tls-transport';

/** One network service as the server routes to it. */
export interface RouteOptions {
  name: string;
  /** Exact match on the request target, query string included (as LAppS 0.9). */
  target: string;
  instances: number;
  /** Largest inbound message in bytes; above it the connection is closed with 1009. */
  maxMessageSize: number;
  acl: AclOptions;
  extraHeaders: Record<string, string>;
  /** The subprotocol the service speaks (`proto_alias`). */
  protoAlias: string | undefined;
  protocol: 'raw' | 'LAppS';
  /**
   * The instance numbers this process runs (default: all, 0..instances-1). With worker processes
   * each runs its share; with none here, the route's connections go to a forwarder instead.
   */
  localInstances?: readonly number[];
}

/** Everything the connection core needs, in its own units (derived from the config files). */
export interface ServerOptions {
  host: string;
  port: number;
  tls: { files: TlsFiles; minVersion: TlsMinVersion } | undefined;
  acl: AclOptions;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  handshakeTimeoutMs: number;
  /** Ping a connection that was quiet this long (0: never). */
  pingIntervalMs: number;
  /** Close (1001) a connection that was quiet this long, pongs included (0: never). */
  idleTimeoutMs: number;
  closeTimeoutMs: number;
  /** Bytes queued for a client that does not read before it is closed with 1008. */
  maxOutboundBuffer: number;
  maxHeaderBytes: number;
  maxHeaders: number;
  /** Split outbound messages into frames of 1392 bytes of payload (LAppS 0.9 `auto_fragment`). */
  autoFragment: boolean;
  shutdownTimeoutMs: number;
  services: RouteOptions[];
}
