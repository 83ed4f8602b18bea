import { pino } from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Structured log lines on stdout (JSON, one per line), or human-readable ones when stdout is a
 * terminal (or `pretty: true`).
 */
export function createLogger(level: LogLevel, prettyOption: 'auto' | boolean = 'auto'): Logger {
  const usePretty = prettyOption === 'auto' ? process.stdout.isTTY === true : prettyOption;
  if (usePretty) {
    return pino({ level }, pretty({ colorize: true, sync: true, ignore: 'pid,hostname' }));
  }
  return pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 1, sync: true }));
}

/** A logger that writes nothing (embedding and tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
