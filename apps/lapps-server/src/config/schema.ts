/**
 * The JSON Schemas of `ws.json` and `lapps.json`: the shape, the limits and every default. Ajv fills
 * the defaults in (`useDefaults`), so a key missing from a file, or a file missing altogether, gets
 * the value written here. `description` is the expectation shown in error messages where the one
 * derived from the schema would be too vague (see schema-problems.ts). Keep the README's Configuration section in
 * step with this file.
 */

/** setTimeout treats anything above 2^31-1 ms as 1 ms, so larger timeouts are impossible values. */
const MAX_TIMER_MS = 2_147_483_647;

const MiB = 1024 * 1024;

const integer = (minimum: number, defaultValue: number, maximum?: number) =>
  maximum === undefined
    ? { type: 'integer', minimum, default: defaultValue }
    : { type: 'integer', minimum, maximum, default: defaultValue };

const milliseconds = (minimum: number, defaultValue: number) =>
  integer(minimum, defaultValue, MAX_TIMER_MS);

const boolean = (defaultValue: boolean) => ({ type: 'boolean', default: defaultValue });

/** Same shape for the global ACL (ws.json) and each service's ACL (lapps.json). */
const aclSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    policy: { type: 'string', enum: ['allow', 'deny'], default: 'allow' },
    exclude: {
      type: 'array',
      items: {
        type: 'string',
        format: 'acl-entry',
        description: 'an IPv4 or IPv6 address or CIDR (e.g. "10.0.0.0/8" or "fd00::/8")',
      },
      default: [],
    },
  },
};

const tlsVersion = {
  type: 'integer',
  enum: [3, 4],
  default: 3,
  description: '3 (TLS 1.2 and later) or 4 (TLS 1.3 only)',
};

export const wsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // LAppS 0.9 keys that tuned the C++ server: accepted, ignored (see notes.ts).
    listeners: integer(1, 2),
    connection_weight: { type: 'number', minimum: 0, default: 1 },
    lapps_config_auto_save: boolean(false),
    lapps_config_file: { type: 'string' },

    ip: {
      type: 'string',
      format: 'ip-address',
      default: '0.0.0.0',
      description: 'an IPv4 or IPv6 address (e.g. "0.0.0.0", "127.0.0.1" or "::")',
    },
    port: integer(0, 5083, 65535),
    workers: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        // No default here: load.ts uses os.availableParallelism() (one process per core).
        workers: { type: 'integer', minimum: 1, maximum: 256 },
        max_connections: integer(1, 10000),
        // (ours) A worker whose event loop stays busy this long is killed and restarted.
        stall_timeout_ms: integer(100, 10000),
        auto_fragment: boolean(false),
        max_poll_events: integer(1, 300),
        max_poll_wait_ms: integer(0, 10),
        max_inbounds_skip: integer(0, 50),
        input_buffer_size: integer(1, 2048),
      },
    },
    acl: aclSchema,
    tls: boolean(false),
    tls_server_version: tlsVersion,
    tls_client_version: tlsVersion,
    tls_certificates: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ca: { type: 'string' },
        cert: { type: 'string', default: '' },
        key: { type: 'string', default: '' },
      },
    },

    // Ours.
    connections: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_per_ip: integer(1, 1024),
        handshake_timeout_ms: milliseconds(1, 5000),
        ping_interval_ms: milliseconds(0, 30000),
        idle_timeout_ms: milliseconds(0, 60000),
        close_timeout_ms: milliseconds(0, 3000),
        max_outbound_buffer: integer(1, 4 * MiB),
        max_header_bytes: integer(1, 8192),
        max_headers: integer(1, 100),
      },
    },
    shutdown_timeout_ms: milliseconds(0, 5000),
    // Ours: where mqr's queues live (and, with Redis, how bcast reaches the other servers).
    mqr: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        backend: { type: 'string', enum: ['in-server', 'redis'], default: 'in-server' },
        capacity: integer(1, 10000, 10_000_000),
        max_message_size: integer(1, MiB, 64 * MiB),
        redis: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            url: {
              type: 'string',
              pattern: '^rediss?://',
              default: 'redis://127.0.0.1:6379',
              description: 'a redis:// or rediss:// URL',
            },
            key_prefix: { type: 'string', minLength: 1, maxLength: 64, default: 'lapps:' },
          },
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: {
          type: 'string',
          enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
          default: 'info',
        },
        pretty: {
          anyOf: [{ type: 'boolean' }, { type: 'string', const: 'auto' }],
          default: 'auto',
          description: 'true, false or "auto"',
        },
      },
    },
  },
} as const;

const stringList = (description: string) => ({
  type: ['array', 'null'],
  items: { type: 'string' },
  default: [],
  description,
});

const serviceSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    standalone: boolean(false),
    /** The pre-0.9 name of `standalone`; load.ts copies it over before the defaults are applied. */
    internal: { type: 'boolean' },
    instances: integer(1, 1),
    auto_start: boolean(true),
    preload: stringList('an array of module names (or null)'),
    depends: stringList('an array of service names'),
    request_target: {
      type: 'string',
      pattern: '^/',
      description: 'a string starting with "/" (e.g. "/echo")',
    },
    protocol: { type: 'string', enum: ['raw', 'LAppS'], default: 'raw' },
    max_inbound_message_size: integer(1, 16 * MiB),
    acl: aclSchema,
    extra_headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description: 'an object of header names and string values',
    },
    proto_alias: { type: 'string', minLength: 1 },
    // (ours) Free-form values for the service's code: the Lua global `settings`.
    settings: {
      type: 'object',
      default: {},
      description: 'an object of values for the service (the Lua global `settings`)',
    },
  },
} as const;

const directory = (defaultValue: string) => ({
  type: 'string',
  minLength: 1,
  default: defaultValue,
});

export const lappsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    directories: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        applications: directory('apps'),
        deploy: directory('deploy'),
        tmp: directory('tmp'),
        app_conf_dir: directory('etc'),
        workdir: directory('workdir'),
      },
    },
    services: {
      type: 'object',
      additionalProperties: serviceSchema,
      default: {},
      description: 'an object of services by name',
    },
  },
} as const;
