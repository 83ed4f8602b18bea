/** One thing wrong with the configuration: where it is and what was expected. */
export interface ConfigProblem {
  /** The file (or, for a missing conf dir, the directory) as an absolute path. */
  file: string;
  /** The key path inside the file, e.g. `services.echo.instances`; `''` for the file as a whole. */
  path: string;
  /** What was expected and what was found, e.g. `expected an integer >= 1, got "two"`. */
  message: string;
}

/** `<file>: <path>: <message>`, the form used in error messages and by `lapps check`. */
export function formatProblem(problem: ConfigProblem): string {
  return problem.path === ''
    ? `${problem.file}: ${problem.message}`
    : `${problem.file}: ${problem.path}: ${problem.message}`;
}

/**
 * Thrown by `loadConfig` with every problem found in both files, so that one run of `lapps check`
 * shows them all. The message lists the problems, one per line.
 */
export class ConfigError extends Error {
  readonly code = 'LAPPS_ERR_CONFIG' as const;
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
