import { availableParallelism } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  type ConfigProblem,
  defaultConfigDir,
  describeConfig,
  loadConfig,
} from '../../src/config/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const original = join(fixtures, 'lapps-0.9');

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A conf dir holding the given files; objects are written as JSON, strings as they are. */
function confDir(files: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lapps-config-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** The problems loadConfig throws for these files (fails the test if it does not throw). */
function problemsOf(files: Record<string, unknown>): ConfigProblem[] {
  const dir = confDir(files);
  try {
    loadConfig({ confDir: dir, env: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const ws = (content: unknown) => ({ 'ws.json': content });
const services = (entries: Record<string, unknown>) => ({ 'lapps.json': { services: entries } });

describe('defaults', () => {
  it('gives every key its default when both files are missing, with a note for each', () => {
    const dir = confDir();
    const config = loadConfig({ confDir: dir, env: {} });
    expect(config.confDir).toBe(dir);
    expect(config.wsFile).toBe(join(dir, 'ws.json'));
    expect(config.lappsFile).toBe(join(dir, 'lapps.json'));
    expect(config.ws).toMatchObject({
      ip: '0.0.0.0',
      port: 5083,
      workers: {
        workers: availableParallelism(),
        max_connections: 10000,
        auto_fragment: false,
        stall_timeout_ms: 10000,
      },
      acl: { policy: 'allow', exclude: [] },
      tls: false,
      tls_server_version: 3,
      tls_client_version: 3,
      tls_certificates: { cert: '', key: '' },
      connections: {
        max_per_ip: 1024,
        handshake_timeout_ms: 5000,
        ping_interval_ms: 30000,
        idle_timeout_ms: 60000,
        close_timeout_ms: 3000,
        max_outbound_buffer: 4 * 1024 * 1024,
        max_header_bytes: 8192,
        max_headers: 100,
      },
      shutdown_timeout_ms: 5000,
      log: { level: 'info', pretty: 'auto' },
    });
    expect(config.ws.tls_certificates.ca).toBeUndefined();
    expect(config.lapps.services).toEqual([]);
    expect(config.lapps.directories.applications).toBe(join(dir, 'apps'));
    expect(config.notes).toHaveLength(2);
    expect(config.notes[0]).toMatch(/^ws\.json: not found/);
    expect(config.notes[1]).toMatch(/^lapps\.json: not found/);
  });

  it('fills in every service key', () => {
    const config = loadConfig({
      confDir: confDir(services({ echo: { request_target: '/echo' }, feed: { standalone: true } })),
      env: {},
    });
    expect(config.lapps.services).toEqual([
      {
        name: 'echo',
        standalone: false,
        instances: 1,
        auto_start: true,
        preload: [],
        depends: [],
        request_target: '/echo',
        protocol: 'raw',
        max_inbound_message_size: 16 * 1024 * 1024,
        acl: { policy: 'allow', exclude: [] },
        extra_headers: {},
        proto_alias: undefined,
        settings: {},
      },
      expect.objectContaining({ name: 'feed', standalone: true, request_target: undefined }),
    ]);
  });

  it('keeps `settings` as given, any JSON; a non-object is refused by key path', () => {
    const settings = {
      url: 'ws://127.0.0.1:5083/echo',
      connections: 100,
      nested: [1, { a: null }],
    };
    const config = loadConfig({
      confDir: confDir(services({ feed: { standalone: true, settings } })),
      env: {},
    });
    expect(config.lapps.services[0]?.settings).toEqual(settings);
    expect(() =>
      loadConfig({
        confDir: confDir(services({ feed: { standalone: true, settings: [1] } })),
        env: {},
      }),
    ).toThrow(/services\.feed\.settings/);
  });

  it('accepts port 0 (an ephemeral port, for tests)', () => {
    expect(loadConfig({ confDir: confDir(ws({ port: 0 })), env: {} }).ws.port).toBe(0);
  });

  it('reports a missing conf dir by name', () => {
    const dir = join(tmpdir(), 'lapps-no-such-dir', 'conf');
    expect(() => loadConfig({ confDir: dir, env: {} })).toThrow(ConfigError);
    try {
      loadConfig({ confDir: dir, env: {} });
    } catch (error) {
      expect((error as ConfigError).code).toBe('LAPPS_ERR_CONFIG');
      expect((error as ConfigError).problems).toEqual([
        { file: dir, path: '', message: 'configuration directory not found (from --conf-dir)' },
      ]);
    }
  });
});

describe('a LAppS 0.9 configuration', () => {
  const config = loadConfig({ confDir: original, env: {} });

  it('loads unchanged', () => {
    expect(config.ws.workers.max_connections).toBe(40000);
    expect(config.ws.tls).toBe(true);
    expect(config.ws.tls_server_version).toBe(4);
    expect(config.ws.tls_certificates).toEqual({
      ca: '/opt/lapps/etc/ssl/certs/localhost.ca.pem',
      cert: '/opt/lapps/etc/ssl/certs/localhost.crt',
      key: '/opt/lapps/etc/ssl/certs/localhost.key',
    });
    expect(config.ws.acl.exclude).toEqual(['192.168.13.0/24', '10.11.12.13']);
    // In start order: echo_lapps depends on time_broadcast.
    expect(config.lapps.services.map((s) => s.name)).toEqual([
      'echo',
      'time_broadcast',
      'echo_lapps',
      'benchmark',
    ]);
    const [echo, , echoLapps] = config.lapps.services;
    expect(echo).toMatchObject({ protocol: 'raw', request_target: '/echo', preload: [] });
    expect(echoLapps).toMatchObject({
      protocol: 'LAppS',
      request_target: '/echo_lapps',
      max_inbound_message_size: 2097152,
      depends: ['time_broadcast'],
      acl: { policy: 'deny', exclude: ['127.0.0.1', '10.0.0.0/8'] },
      extra_headers: { 'X-Served-By': 'LAppS' },
      proto_alias: 'lapps',
    });
  });

  it('reads the pre-0.9 "internal" as standalone', () => {
    const benchmark = config.lapps.services.find((s) => s.name === 'benchmark');
    expect(benchmark).toMatchObject({ standalone: true, depends: ['echo'], auto_start: false });
    expect(benchmark).not.toHaveProperty('internal');
    expect(config.notes).toContain(
      'lapps.json: services.benchmark.internal is read as standalone (its pre-0.9 name)',
    );
  });

  it('notes every key that only tuned the C++ server', () => {
    for (const key of [
      'listeners',
      'connection_weight',
      'lapps_config_auto_save',
      'workers.max_poll_events',
      'workers.max_poll_wait_ms',
      'workers.max_inbounds_skip',
      'workers.input_buffer_size',
    ]) {
      expect(config.notes).toContain(`ws.json: ${key} is accepted for compatibility and ignored`);
    }
    for (const key of ['deploy', 'tmp', 'app_conf_dir', 'workdir']) {
      expect(config.notes).toContain(
        `lapps.json: directories.${key} is accepted for compatibility and ignored`,
      );
    }
    // Worker processes are real now: a count above 1 is no longer a note.
    expect(config.notes.some((n) => n.includes('workers.workers'))).toBe(false);
    expect(config.ws.workers.workers).toBe(3);
  });

  it('runs one worker process per core by default, with a 10 s stall timeout', () => {
    const config = loadConfig({ confDir: confDir(ws({ port: 5083 })), env: {} });
    expect(config.ws.workers.workers).toBe(availableParallelism());
    expect(config.ws.workers.stall_timeout_ms).toBe(10000);
  });

  it('notes nothing for keys that are not present', () => {
    const quiet = loadConfig({
      confDir: confDir(ws({ port: 5083, workers: { workers: 1 } })),
      env: {},
    });
    expect(quiet.notes.filter((n) => n.startsWith('ws.json'))).toEqual([]);
  });
});

describe('problems', () => {
  const cases: [string, Record<string, unknown>, string, string, RegExp][] = [
    // [what, files, file, key path, message]
    [
      'a misspelt key',
      ws({ workers: { max_conections: 5 } }),
      'ws.json',
      'workers.max_conections',
      /^unknown key "max_conections" \(did you mean "max_connections"\?\)$/,
    ],
    [
      'an unknown key with nothing close',
      ws({ colour: 'blue' }),
      'ws.json',
      'colour',
      /^unknown key "colour"$/,
    ],
    [
      'an unknown service key',
      services({ e: { request_target: '/e', protocl: 'raw' } }),
      'lapps.json',
      'services.e.protocl',
      /did you mean "protocol"/,
    ],
    [
      'a wrong type',
      services({ echo: { request_target: '/echo', instances: 'two' } }),
      'lapps.json',
      'services.echo.instances',
      /^expected an integer >= 1, got "two"$/,
    ],
    [
      'a port out of range',
      ws({ port: 70000 }),
      'ws.json',
      'port',
      /^expected an integer from 0 to 65535, got 70000$/,
    ],
    ['a negative port', ws({ port: -1 }), 'ws.json', 'port', /got -1$/],
    [
      'a fractional count',
      ws({ workers: { max_connections: 1.5 } }),
      'ws.json',
      'workers.max_connections',
      /^expected an integer >= 1, got 1.5$/,
    ],
    [
      'a negative size',
      ws({ connections: { max_outbound_buffer: -1 } }),
      'ws.json',
      'connections.max_outbound_buffer',
      /^expected an integer >= 1, got -1$/,
    ],
    [
      'a negative message size',
      services({ e: { request_target: '/e', max_inbound_message_size: -5 } }),
      'lapps.json',
      'services.e.max_inbound_message_size',
      /got -5$/,
    ],
    [
      'a timeout setTimeout cannot hold',
      ws({ connections: { idle_timeout_ms: 2 ** 31 } }),
      'ws.json',
      'connections.idle_timeout_ms',
      /^expected an integer from 0 to 2147483647/,
    ],
    [
      'an unknown protocol',
      services({ e: { request_target: '/e', protocol: 'foo' } }),
      'lapps.json',
      'services.e.protocol',
      /^expected "raw" or "LAppS", got "foo"$/,
    ],
    [
      'a protocol in the wrong case',
      services({ e: { request_target: '/e', protocol: 'lapps' } }),
      'lapps.json',
      'services.e.protocol',
      /got "lapps"$/,
    ],
    [
      'an unknown ACL policy',
      ws({ acl: { policy: 'block' } }),
      'ws.json',
      'acl.policy',
      /^expected "allow" or "deny", got "block"$/,
    ],
    [
      'an ACL entry that is not an address',
      ws({ acl: { exclude: ['10.0.0.1', 'localhost'] } }),
      'ws.json',
      'acl.exclude[1]',
      /^expected an IPv4 or IPv6 address or CIDR .*got "localhost"$/,
    ],
    [
      'an IPv4 prefix over 32',
      ws({ acl: { exclude: ['10.0.0.0/33'] } }),
      'ws.json',
      'acl.exclude[0]',
      /got "10.0.0.0\/33"$/,
    ],
    [
      'an IPv6 prefix over 128',
      services({ e: { request_target: '/e', acl: { exclude: ['fd00::/129'] } } }),
      'lapps.json',
      'services.e.acl.exclude[0]',
      /got "fd00::\/129"$/,
    ],
    [
      'a listen address that is not an IP',
      ws({ ip: 'example.org' }),
      'ws.json',
      'ip',
      /^expected an IPv4 or IPv6 address/,
    ],
    [
      'a TLS version other than 3 or 4',
      ws({ tls_server_version: 2 }),
      'ws.json',
      'tls_server_version',
      /^expected 3 \(TLS 1.2 and later\) or 4 \(TLS 1.3 only\), got 2$/,
    ],
    [
      'a TLS client version of the wrong type',
      ws({ tls_client_version: '4' }),
      'ws.json',
      'tls_client_version',
      /got "4"$/,
    ],
    [
      'TLS without a certificate',
      ws({ tls: true, tls_certificates: { key: 'k.pem' } }),
      'ws.json',
      'tls_certificates.cert',
      /^expected the path of a PEM file \(required when tls is true\), got ""$/,
    ],
    [
      'a bad log level',
      ws({ log: { level: 'verbose' } }),
      'ws.json',
      'log.level',
      /^expected one of "trace", "debug", .*got "verbose"$/,
    ],
    [
      'a bad pretty setting',
      ws({ log: { pretty: 'yes' } }),
      'ws.json',
      'log.pretty',
      /^expected true, false or "auto", got "yes"$/,
    ],
    [
      'a section of the wrong type',
      ws({ workers: 4 }),
      'ws.json',
      'workers',
      /^expected an object, got 4$/,
    ],
    [
      'a file that is not an object',
      ws([1, 2]),
      'ws.json',
      '',
      /^expected an object, got an array$/,
    ],
    [
      'a service that is not an object',
      services({ e: true }),
      'lapps.json',
      'services.e',
      /^expected an object, got true$/,
    ],
    [
      'a preload entry that is not a string',
      services({ s: { standalone: true, preload: ['nap', 3] } }),
      'lapps.json',
      'services.s.preload[1]',
      /^expected a string, got 3$/,
    ],
    [
      'an extra header that is not a string',
      services({ e: { request_target: '/e', extra_headers: { 'X-A': 1 } } }),
      'lapps.json',
      'services.e.extra_headers.X-A',
      /^expected a string, got 1$/,
    ],
    [
      'a network service without a request target',
      services({ e: {} }),
      'lapps.json',
      'services.e.request_target',
      /required unless standalone is true\), got nothing$/,
    ],
    [
      'a request target without the leading slash',
      services({ e: { request_target: 'echo' } }),
      'lapps.json',
      'services.e.request_target',
      /^expected a string starting with "\/".*got "echo"$/,
    ],
    [
      'two services on one request target',
      services({ a: { request_target: '/x' }, b: { request_target: '/x' } }),
      'lapps.json',
      'services.b.request_target',
      /got "\/x" \(also used by service "a"\)$/,
    ],
    [
      'depends naming an unknown service',
      services({
        a: { request_target: '/a', depends: ['b', 'ech'] },
        b: { standalone: true },
        echo: { standalone: true },
      }),
      'lapps.json',
      'services.a.depends[1]',
      /got "ech" \(did you mean "echo"\?\)$/,
    ],
    [
      'a dependency cycle',
      services({
        a: { standalone: true, depends: ['b'] },
        b: { standalone: true, depends: ['c'] },
        c: { standalone: true, depends: ['a'] },
      }),
      'lapps.json',
      'services.a.depends',
      /^expected no dependency cycle, got a -> b -> c -> a$/,
    ],
    [
      'internal contradicting standalone',
      services({ s: { standalone: false, internal: true, request_target: '/s' } }),
      'lapps.json',
      'services.s.internal',
      /^expected the same value as standalone/,
    ],
    [
      'a service name that cannot be a folder name',
      services({ '../x': { standalone: true } }),
      'lapps.json',
      'services.../x',
      /^expected a service name of letters/,
    ],
    [
      'an empty applications directory',
      { 'lapps.json': { directories: { applications: '' } } },
      'lapps.json',
      'directories.applications',
      /^expected a non-empty string, got ""$/,
    ],
    [
      'invalid JSON',
      { 'ws.json': '{\n  "port": 5083,\n  "ip": "0.0.0.0",\n}\n' },
      'ws.json',
      '',
      /^invalid JSON at line 4, column 1: expected a key in double quotes, got "}"$/,
    ],
  ];

  it.each(cases)(
    'reports %s with file, key path and expectation',
    (_, files, file, path, message) => {
      const problems = problemsOf(files);
      const problem = problems.find((p) => p.path === path);
      expect(problem, JSON.stringify(problems, null, 2)).toBeDefined();
      expect(problem?.file.endsWith(`/${file}`)).toBe(true);
      expect(problem?.message).toMatch(message);
    },
  );

  it('reports one problem per bad value', () => {
    // Ajv reports a type error plus one per anyOf branch for this value.
    expect(problemsOf(ws({ log: { pretty: 3 } }))).toHaveLength(1);
  });

  it('reports every problem in both files at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ confDir: join(fixtures, 'bad'), env: {} });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const where = error?.problems.map((p) => `${p.file.split('/').pop()}: ${p.path}`);
    expect(where).toEqual([
      'ws.json: port',
      'ws.json: workers.max_conections',
      'ws.json: workers.workers',
      'ws.json: acl.policy',
      'ws.json: acl.exclude[0]',
      'ws.json: tls_server_version',
      'lapps.json: services.echo.instances',
      'lapps.json: services.echo.protocol',
      'lapps.json: services.echo2.request_target',
      'lapps.json: services.echo2.depends[0]',
    ]);
    expect(error?.message.split('\n')).toHaveLength(10);
    expect(error?.message).toContain(
      `${join(fixtures, 'bad', 'lapps.json')}: services.echo.instances: expected an integer >= 1, got "two"`,
    );
  });

  it('accepts valid ACL entries of both families', () => {
    const acl = {
      policy: 'deny',
      exclude: ['10.0.0.0/8', '10.1.2.3', '::1', 'fd00::/8', '0.0.0.0/0'],
    };
    const config = loadConfig({ confDir: confDir(ws({ acl })), env: {} });
    expect(config.ws.acl).toEqual(acl);
  });

  it('ignores a service that depends on itself, with a note (as LAppS 0.9 did)', () => {
    const config = loadConfig({
      confDir: confDir(services({ s: { standalone: true, depends: ['s'] } })),
      env: {},
    });
    expect(config.lapps.services[0]?.depends).toEqual([]);
    expect(config.notes).toContain(
      'lapps.json: services.s.depends lists the service itself, ignored',
    );
  });

  it('accepts preload: null and internal agreeing with standalone', () => {
    const config = loadConfig({
      confDir: confDir(services({ s: { standalone: true, internal: true, preload: null } })),
      env: {},
    });
    expect(config.lapps.services[0]).toMatchObject({ standalone: true, preload: [] });
  });
});

describe('paths', () => {
  const relative = join(fixtures, 'relative');

  it('resolves relative directories against the folder holding lapps.json', () => {
    const config = loadConfig({ confDir: relative, env: {} });
    expect(config.lapps.directories.applications).toBe(resolve(fixtures, 'apps'));
    expect(config.lapps.directories.deploy).toBe(join(relative, 'deploy'));
  });

  it('resolves relative directories against LAPPS_HOME when it is set', () => {
    const config = loadConfig({ confDir: relative, env: { LAPPS_HOME: '/srv/lapps' } });
    expect(config.lapps.directories.applications).toBe('/srv/apps');
    expect(config.lapps.directories.tmp).toBe('/srv/lapps/tmp');
  });

  it('resolves relative certificate paths against the conf dir', () => {
    const config = loadConfig({ confDir: relative, env: { LAPPS_HOME: '/srv/lapps' } });
    expect(config.ws.tls_certificates).toEqual({
      ca: '/etc/ssl/ca.pem',
      cert: join(relative, 'ssl', 'server.crt'),
      key: join(relative, 'ssl', 'server.key'),
    });
  });

  it('finds the conf dir: --conf-dir, then LAPPS_CONF_DIR, then $LAPPS_HOME/etc/conf', () => {
    const home = confDir({ 'etc/conf/ws.json': { port: 1 } });
    const other = confDir(ws({ port: 2 }));
    const third = confDir(ws({ port: 3 }));
    expect(loadConfig({ env: { LAPPS_HOME: home } }).ws.port).toBe(1);
    expect(loadConfig({ env: { LAPPS_HOME: home, LAPPS_CONF_DIR: other } }).ws.port).toBe(2);
    expect(loadConfig({ confDir: third, env: { LAPPS_CONF_DIR: other } }).ws.port).toBe(3);
    expect(loadConfig({ env: { LAPPS_HOME: home } }).confDir).toBe(join(home, 'etc', 'conf'));
  });

  it('names where a missing conf dir came from', () => {
    const env = { LAPPS_HOME: join(tmpdir(), 'lapps-no-such-home') };
    expect(() => loadConfig({ env })).toThrow(
      /configuration directory not found \(from LAPPS_HOME\)/,
    );
  });

  it('falls back to the built-in example, which loads', () => {
    expect(defaultConfigDir()).toMatch(/[/\\]example[/\\]conf$/);
    expect(loadConfig({ env: {} }).confDir).toBe(defaultConfigDir());
  });

  it('reads WS_CONFIG and LAPPS_CONFIG as names inside the conf dir', () => {
    const dir = confDir({
      'ws.json': { port: 1 },
      'my-ws.json': { port: 2 },
      'my-lapps.json': { services: { s: { standalone: true } } },
    });
    const config = loadConfig({
      confDir: dir,
      env: { WS_CONFIG: 'my-ws.json', LAPPS_CONFIG: 'my-lapps.json' },
    });
    expect(config.ws.port).toBe(2);
    expect(config.wsFile).toBe(join(dir, 'my-ws.json'));
    expect(config.lapps.services.map((s) => s.name)).toEqual(['s']);
  });

  it('uses an absolute WS_CONFIG or LAPPS_CONFIG as is', () => {
    const dir = confDir();
    const elsewhere = confDir({ 'w.json': { port: 7 }, 'l.json': { services: {} } });
    const config = loadConfig({
      confDir: dir,
      env: { WS_CONFIG: join(elsewhere, 'w.json'), LAPPS_CONFIG: join(elsewhere, 'l.json') },
    });
    expect(config.ws.port).toBe(7);
    expect(config.lappsFile).toBe(join(elsewhere, 'l.json'));
  });

  it('labels problems with the file named by WS_CONFIG', () => {
    const dir = confDir({ 'custom.json': { port: 'x' } });
    try {
      loadConfig({ confDir: dir, env: { WS_CONFIG: 'custom.json' } });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems[0]?.file).toBe(join(dir, 'custom.json'));
    }
  });
});

describe('describeConfig', () => {
  it('prints both effective files as JSON, services keyed by name', () => {
    const config = loadConfig({ confDir: original, env: {} });
    const described = JSON.parse(describeConfig(config));
    expect(described.ws.port).toBe(5083);
    expect(described.ws.connections.max_headers).toBe(100);
    // Start order: echo_lapps depends on time_broadcast.
    expect(Object.keys(described.lapps.services)).toEqual([
      'echo',
      'time_broadcast',
      'echo_lapps',
      'benchmark',
    ]);
    expect(described.lapps.services.benchmark).toMatchObject({ standalone: true, instances: 4 });
    expect(described.lapps.services.echo).not.toHaveProperty('name');
    expect(described.notes).toEqual(config.notes);
    expect(described.confDir).toBe(original);
  });
});

describe('service start order', () => {
  it('starts services after the services they depend on, otherwise in file order', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadConfig } = await import('../../src/config/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'lapps-order-'));
    writeFileSync(join(dir, 'ws.json'), '{}');
    writeFileSync(
      join(dir, 'lapps.json'),
      JSON.stringify({
        services: {
          feed: { standalone: true, depends: ['bus', 'store'] },
          store: { request_target: '/store', depends: ['bus'] },
          web: { request_target: '/web' },
          bus: { request_target: '/bus' },
        },
      }),
    );
    const config = loadConfig({ confDir: dir, env: {} });
    expect(config.lapps.services.map((s) => s.name)).toEqual(['bus', 'store', 'feed', 'web']);
  });
});

describe('services the server runs', () => {
  it('routes raw and LAppS-protocol network services, not standalone ones', async () => {
    const { serverOptionsFrom } = await import('../../src/server/server-options.js');
    const config = loadConfig({ confDir: original, env: {} });
    expect(serverOptionsFrom(config).services.map((s) => [s.name, s.target, s.protocol])).toEqual([
      ['echo', '/echo', 'raw'],
      ['echo_lapps', '/echo_lapps', 'LAppS'],
    ]);
  });
});

describe('mqr', () => {
  it('defaults to queues in the server, with their limits', () => {
    const config = loadConfig({ confDir: confDir(), env: {} });
    expect(config.ws.mqr).toEqual({
      backend: 'in-server',
      capacity: 10000,
      max_message_size: 1024 * 1024,
      redis: { url: 'redis://127.0.0.1:6379', key_prefix: 'lapps:' },
    });
  });

  it('takes a Redis backend with its URL', () => {
    const config = loadConfig({
      confDir: confDir(ws({ mqr: { backend: 'redis', redis: { url: 'rediss://db:6380/2' } } })),
      env: {},
    });
    expect(config.ws.mqr.backend).toBe('redis');
    expect(config.ws.mqr.redis.url).toBe('rediss://db:6380/2');
  });

  it('names each bad mqr key', () => {
    const problems = problemsOf(
      ws({
        mqr: { backend: 'rabbit', capacity: 0, redis: { url: 'http://x', port: 1 } },
      }),
    );
    expect(problems.map((p) => p.path).sort()).toEqual([
      'mqr.backend',
      'mqr.capacity',
      'mqr.redis.port',
      'mqr.redis.url',
    ]);
    expect(problems.find((p) => p.path === 'mqr.backend')?.message).toContain(
      '"in-server" or "redis"',
    );
  });
});
