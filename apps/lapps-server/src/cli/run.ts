import { parseArgs } from 'node:util';
import { describeConfig } from '../config/describe.js';
import { ConfigError, formatProblem } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import type { EffectiveConfig } from '../config/types.js';
import { USAGE } from './usage.js';
import { packageVersion } from './version.js';

export interface Output {
  write(text: string): unknown;
}

/** What `startServer` from src/server gives back. */
export interface StartedServer {
  url: string;
  close(): Promise<void>;
}

export type StartServer = (config: EffectiveConfig) => Promise<StartedServer>;

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  /** Default: `startServer` from src/server (loaded only by `lapps start`). Tests pass a stand-in. */
  startServer?: StartServer;
}

/** Exit codes: 0 success, 1 bad configuration or failed start, 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Runs the `lapps` command line (without the node and script arguments) and resolves with the exit
 * code. For `start` it resolves once the server listens; the server then keeps the process alive
 * and handles SIGINT/SIGTERM itself.
 *
 * @example
 * process.exitCode = await run(['check', '--conf-dir', 'conf'], { stdout, stderr, env });
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  // `bench` has flags of its own: it parses them itself.
  if (argv[0] === 'bench') {
    const { runBench } = await import('../bench/bench-command.js');
    return runBench(argv.slice(1), io);
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return usageError(io, firstSentence((error as Error).message));
  }
  const { values, positionals } = parsed;

  if (values.version) {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (command === undefined) return usageError(io, 'missing command');
  if (command !== 'start' && command !== 'check') {
    return usageError(io, `unknown command "${command}"`);
  }
  if (extra.length > 0) return usageError(io, `unexpected argument "${extra[0]}"`);

  const options = {
    env: io.env,
    ...(values['conf-dir'] !== undefined && { confDir: values['conf-dir'] }),
  };
  return command === 'check' ? check(options, io) : start(options, io);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'conf-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    allowPositionals: true,
    strict: true,
  });
}

/** `lapps check`: the effective configuration on stdout, or every problem on stderr. */
function check(options: Parameters<typeof loadConfig>[0], io: CliIo): number {
  let config: EffectiveConfig;
  try {
    config = loadConfig(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const count = error.problems.length;
    io.stderr.write(
      `lapps: invalid configuration: ${count} ${count === 1 ? 'problem' : 'problems'}\n`,
    );
    for (const problem of error.problems) io.stderr.write(`${formatProblem(problem)}\n`);
    return EXIT_FAILURE;
  }
  io.stdout.write(`${describeConfig(config)}\n`);
  return EXIT_OK;
}

/** `lapps start`: a failure to start is one line on stderr, for people and for service managers. */
async function start(options: Parameters<typeof loadConfig>[0], io: CliIo): Promise<number> {
  try {
    const config = loadConfig(options);
    const startServer = io.startServer ?? (await import('../server/index.js')).startServer;
    await startServer(config);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ConfigError) {
      const [first, ...more] = error.problems.map(formatProblem);
      const rest = more.length === 0 ? '' : ` (and ${more.length} more: "lapps check" lists them)`;
      return cannotStart(io, `invalid configuration: ${first}${rest}`);
    }
    if (hasCode(error)) return cannotStart(io, error.message);
    throw error; // a bug, not a startup condition: let the stack show
  }
}

function hasCode(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

function cannotStart(io: CliIo, reason: string): number {
  io.stderr.write(`lapps: cannot start: ${reason.replaceAll('\n', ' ')}\n`);
  return EXIT_FAILURE;
}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`lapps: ${message}\n\n${USAGE}`);
  return EXIT_USAGE;
}

/** parseArgs messages go on with advice about "--"; the first sentence is the useful part. */
function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end === -1 ? message : message.slice(0, end);
}
