import { tlsMinVersion } from '@lapps/tls-transport';
import type { EffectiveConfig } from '../config/index.js';
import type { ServerOptions } from './options.js';

/** The connection core's options from the two configuration files. */
export function serverOptionsFrom(config: EffectiveConfig): ServerOptions {
  const { ws, lapps } = config;
  const c = ws.connections;
  return {
    host: ws.ip,
    port: ws.port,
    tls: ws.tls
      ? {
          files: {
            cert: ws.tls_certificates.cert,
            key: ws.tls_certificates.key,
            ca: ws.tls_certificates.ca,
          },
          minVersion: tlsMinVersion(ws.tls_server_version),
        }
      : undefined,
    acl: ws.acl,
    maxConnections: ws.workers.max_connections,
    maxConnectionsPerAddress: c.max_per_ip,
    handshakeTimeoutMs: c.handshake_timeout_ms,
    pingIntervalMs: c.ping_interval_ms,
    idleTimeoutMs: c.idle_timeout_ms,
    closeTimeoutMs: c.close_timeout_ms,
    maxOutboundBuffer: c.max_outbound_buffer,
    maxHeaderBytes: c.max_header_bytes,
    maxHeaders: c.max_headers,
    autoFragment: ws.workers.auto_fragment,
    shutdownTimeoutMs: ws.shutdown_timeout_ms,
    services: lapps.services
      .filter((s) => !s.standalone && s.auto_start && s.request_target !== undefined)
      .map((s) => ({
        name: s.name,
        target: s.request_target!,
        instances: s.instances,
        maxMessageSize: s.max_inbound_message_size,
        acl: s.acl,
        extraHeaders: s.extra_headers,
        protoAlias: s.proto_alias,
        protocol: s.protocol,
      })),
  };
}
