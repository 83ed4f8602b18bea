/**
 * The effective configuration: `ws.json` and `lapps.json` after defaults, compatibility renames and
 * path resolution. Every key is present here; the README's Configuration section says what each one means.
 */

/**
 * A network ACL, as in LAppS 0.9: with `allow` every address is let in except those in `exclude`;
 * with `deny` only the addresses in `exclude` are let in. Entries are IPv4/IPv6 addresses or CIDRs.
 */
export interface AclConfig {
  policy: 'allow' | 'deny';
  exclude: string[];
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** `ws.json`: the listener, the workers and the limits. */
export interface WsConfig {
  /** LAppS 0.9 accept-thread count: accepted, ignored. */
  listeners: number;
  /** LAppS 0.9 balancer weight (its weighted balancer was never used): accepted, ignored. */
  connection_weight: number;
  /** LAppS 0.9 rewrote both files after a hot deploy: accepted, ignored. */
  lapps_config_auto_save: boolean;
  ip: string;
  /** 0 asks the system for a free port (tests). */
  port: number;
  workers: {
    /** Worker processes; 1 runs everything in this process, with no primary. */
    workers: number;
    max_connections: number;
    /** **(ours)** A worker whose event loop stays busy this long is killed and restarted. */
    stall_timeout_ms: number;
    auto_fragment: boolean;
    /** The next four tuned the C++ epoll loop: accepted, ignored. */
    max_poll_events: number;
    max_poll_wait_ms: number;
    max_inbounds_skip: number;
    input_buffer_size: number;
  };
  acl: AclConfig;
  tls: boolean;
  /** 3 = TLS 1.2 and later, 4 = TLS 1.3 only. */
  tls_server_version: number;
  tls_client_version: number;
  /** Absolute paths after loading; `''` when not set (allowed only while `tls` is false). */
  tls_certificates: { ca?: string; cert: string; key: string };
  /** LAppS-for-Node additions: per-connection limits and timers. */
  connections: {
    max_per_ip: number;
    handshake_timeout_ms: number;
    /** 0 disables pings. */
    ping_interval_ms: number;
    /** 0 disables the idle timeout. */
    idle_timeout_ms: number;
    close_timeout_ms: number;
    max_outbound_buffer: number;
    max_header_bytes: number;
    max_headers: number;
  };
  shutdown_timeout_ms: number;
  /** Ours: the mqr backend and its limits. */
  mqr: {
    /** `in-server`: queues in this server (the primary process with several workers). */
    backend: 'in-server' | 'redis';
    /** Messages a queue holds before `q:post` fails with "queue full". */
    capacity: number;
    /** Largest message in bytes. */
    max_message_size: number;
    /** With `backend: "redis"`: where, and the prefix of every key and channel. */
    redis: { url: string; key_prefix: string };
  };
  log: { level: LogLevel; pretty: 'auto' | boolean };
}

/** One entry of `lapps.json` `services`, with its name. */
export interface ServiceConfig {
  name: string;
  /** true: an internal service with no endpoint (`init()`/`run()`). Pre-0.9 name: `internal`. */
  standalone: boolean;
  instances: number;
  auto_start: boolean;
  preload: string[];
  depends: string[];
  /** Exact match on the GET target; always set for network (non-standalone) services. */
  request_target: string | undefined;
  protocol: 'raw' | 'LAppS';
  max_inbound_message_size: number;
  acl: AclConfig;
  extra_headers: Record<string, string>;
  /** Sent back as `Sec-WebSocket-Protocol`. */
  proto_alias: string | undefined;
  /** **(ours)** Free-form JSON for the service: the Lua global `settings`. */
  settings: Record<string, unknown>;
}

/** `lapps.json`. */
export interface LappsConfig {
  /** All absolute after loading; only `applications` is used. */
  directories: {
    applications: string;
    deploy: string;
    tmp: string;
    app_conf_dir: string;
    workdir: string;
  };
  /** In file order. */
  services: ServiceConfig[];
}

export interface EffectiveConfig {
  confDir: string;
  wsFile: string;
  lappsFile: string;
  ws: WsConfig;
  lapps: LappsConfig;
  /** Things worth a line in the log that are not errors (ignored keys, missing files). */
  notes: string[];
}

export interface LoadOptions {
  /** Overrides `LAPPS_CONF_DIR` and the other defaults (the `--conf-dir` option). */
  confDir?: string;
  /** Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}
