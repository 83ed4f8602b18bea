import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CliIo, run, type StartServer } from '../../src/cli/run.js';
import type { EffectiveConfig } from '../../src/config/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'config', 'fixtures');
const original = join(fixtures, 'lapps-0.9');
const bad = join(fixtures, 'bad');

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with captured output and an empty environment. */
async function lapps(argv: string[], extra: Partial<CliIo> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    ...extra,
  });
  return { code, stdout, stderr };
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('lapps check', () => {
  it('prints the effective configuration as JSON and exits 0', async () => {
    const result = await lapps(['check', '--conf-dir', original]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const described = JSON.parse(result.stdout);
    expect(described.confDir).toBe(original);
    expect(described.ws.port).toBe(5083);
    expect(Object.keys(described.lapps.services)).toContain('echo_lapps');
  });

  it('takes the conf dir from LAPPS_CONF_DIR', async () => {
    const result = await lapps(['check'], { env: { LAPPS_CONF_DIR: original } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).confDir).toBe(original);
  });

  it('prints a summary and then one line per problem on stderr, and exits 1', async () => {
    const result = await lapps(['check', '--conf-dir', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const [summary, ...problems] = lines(result.stderr);
    expect(summary).toBe('lapps: invalid configuration: 10 problems');
    expect(problems).toHaveLength(10);
    expect(problems).toContain(
      `${join(bad, 'ws.json')}: port: expected an integer from 0 to 65535, got 70000`,
    );
    for (const problem of problems) expect(problem).toMatch(/^\/.*\/(ws|lapps)\.json: \S+: /);
  });

  it('reports a missing conf dir', async () => {
    const result = await lapps(['check', '--conf-dir', join(here, 'no-such-dir')]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      'lapps: invalid configuration: 1 problem',
      `${join(here, 'no-such-dir')}: configuration directory not found (from --conf-dir)`,
    ]);
  });
});

describe('lapps start', () => {
  it('starts the server with the effective configuration and exits 0', async () => {
    const started: EffectiveConfig[] = [];
    const startServer: StartServer = async (config) => {
      started.push(config);
      return { url: 'ws://127.0.0.1:5083', close: async () => {} };
    };
    const result = await lapps(['start', '--conf-dir', original], { startServer });
    expect(result.code).toBe(0);
    expect(started).toHaveLength(1);
    expect(started[0]?.confDir).toBe(original);
  });

  it('prints one line and exits 1 on an invalid configuration', async () => {
    let called = false;
    const startServer: StartServer = async () => {
      called = true;
      throw new Error('not reached');
    };
    const result = await lapps(['start', '--conf-dir', bad], { startServer });
    expect(result.code).toBe(1);
    expect(called).toBe(false);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^lapps: cannot start: invalid configuration: .*ws\.json: port: .* \(and 9 more: "lapps check" lists them\)\n$/,
    );
  });

  it('prints one line and exits 1 when the server fails with a coded error', async () => {
    const startServer: StartServer = async () => {
      throw Object.assign(new Error('0.0.0.0:5083 is already in use'), {
        code: 'LAPPS_ERR_ADDRESS_IN_USE',
      });
    };
    const result = await lapps(['start', '--conf-dir', original], { startServer });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('lapps: cannot start: 0.0.0.0:5083 is already in use\n');
  });

  it('lets an uncoded error (a bug) through with its stack', async () => {
    const startServer: StartServer = async () => {
      throw new TypeError('undefined is not a function');
    };
    await expect(lapps(['start', '--conf-dir', original], { startServer })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('help and version', () => {
  it.each([['--help'], ['-h'], ['help'], ['check', '--help']])(
    '%j prints the usage and exits 0',
    async (...argv) => {
      const result = await lapps(argv);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^Usage: lapps <command> \[options\]/);
      for (const word of [
        'start',
        'check',
        '--conf-dir',
        'LAPPS_HOME',
        'LAPPS_CONF_DIR',
        'WS_CONFIG',
        'LAPPS_CONFIG',
      ]) {
        expect(result.stdout).toContain(word);
      }
    },
  );

  it.each([['--version'], ['-v']])('%s prints the package version and exits 0', async (flag) => {
    const manifest = JSON.parse(readFileSync(join(here, '..', '..', 'package.json'), 'utf8'));
    const result = await lapps([flag]);
    expect(result).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });
});

describe('usage errors', () => {
  it.each([
    [['frobnicate'], 'lapps: unknown command "frobnicate"'],
    [['check', '--frob'], "lapps: Unknown option '--frob'"],
    [['check', '--conf-dir'], "lapps: Option '--conf-dir <value>' argument missing"],
    [['check', 'extra'], 'lapps: unexpected argument "extra"'],
    [[], 'lapps: missing command'],
  ])('%j is a usage error: message and usage on stderr, exit 2', async (argv, message) => {
    const result = await lapps(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)[0]).toBe(message);
    expect(result.stderr).toContain('Usage: lapps');
  });
});
