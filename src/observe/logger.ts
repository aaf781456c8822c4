/**
 * Structured logs (pino): JSON lines on stderr or in a log file, rendered for humans (pino-pretty)
 * when stderr is a terminal. Library code logs through here only; stdout stays for what the user
 * asked to see. Every line of a run carries its `runId`; lines about one stage carry `stage`
 * (`{ index, place, type }`).
 */
import { createRequire } from 'node:module';
import type { Logger, LevelWithSilent } from 'pino';

// What this module needs is loaded when first used, not on import (below: pino-pretty, pino,
// node:crypto); a pool worker imports this module and uses none of them.
const require = createRequire(import.meta.url);
// pino-pretty is only needed on a terminal; loaded on demand it spares every other run ~50 ms.
const requirePretty = (): typeof import('pino-pretty') => require('pino-pretty') as typeof import('pino-pretty');
// pino itself on the first logger: a pool worker imports this module (through the kernels'
// warnings) but logs nothing, and each worker would pay for it at start. Beside the bundle,
// scripts/bundle.mjs writes pino as one file (pino.cjs): node's loader took 34-40 ms for its ~30
// CommonJS files, one file 13-16 ms. tsc's modules and the sources (tests) have no such file.
let pinoModule: typeof import('pino') | undefined;
const pinoLib = (): typeof import('pino') => (pinoModule ??= loadPino());

function loadPino(): typeof import('pino') {
  try {
    return require('./pino.cjs') as typeof import('pino');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    return require('pino') as typeof import('pino');
  }
}

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface LoggerOptions {
  /** Minimum level; default `info`. */
  readonly level?: LevelWithSilent;
  /** Write JSON lines to this file instead of stderr. */
  readonly file?: string;
  /** Human-readable lines; default: when writing to stderr and stderr is a TTY. */
  readonly pretty?: boolean;
}

/**
 * Synchronous destinations: a CLI sets `process.exitCode` and lets the loop drain, and a failing
 * run must not lose its last lines to a buffer.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const { pino } = pinoLib();
  const level = options.level ?? 'info';
  // Level names rather than numbers: the lines are read by people and by grep as often as by tools.
  const base = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } };
  if (options.file !== undefined) return pino(base, pino.destination({ dest: options.file, sync: true, mkdir: true }));
  if (options.pretty ?? process.stderr.isTTY === true) {
    const prettify = requirePretty().prettyFactory({ colorize: process.stderr.isTTY === true, ignore: 'runId', translateTime: 'HH:MM:ss.l', singleLine: true, errorLikeObjectKeys: [] });
    return pino(base, {
      write(line: string) {
        beforeTerminalLine?.();
        process.stderr.write(prettify(line));
      },
    });
  }
  return pino(base, pino.destination({ fd: 2, sync: true }));
}

let root: Logger | undefined;
let beforeTerminalLine: (() => void) | undefined;

/**
 * Called before each human-readable line is written to the terminal: the progress bar erases
 * itself there, so a log line never lands in the middle of it (the bar is redrawn on its next tick).
 */
export function onTerminalLine(hook: (() => void) | undefined): void {
  beforeTerminalLine = hook;
}

/**
 * The process logger: `warn` on stderr until the CLI (or an embedder) configures it, so an
 * application embedding sluice hears about problems but not about every run.
 */
export function logger(): Logger {
  root ??= createLogger({ level: 'warn' });
  return root;
}

/** Replaces the process logger (the CLI does this from `--log-level` / `--log-file`). */
export function configureLogger(options: LoggerOptions | Logger): Logger {
  root = 'info' in options && typeof options.info === 'function' ? (options as Logger) : createLogger(options as LoggerOptions);
  return root;
}

/** A fresh run id: short enough to read, unique enough to grep across a scheduler's logs. */
export function newRunId(): string {
  // node:crypto's ~16 internal modules took a few ms of each worker's start.
  return (require('node:crypto') as typeof import('node:crypto')).randomUUID();
}

/** The logger for one run: every line carries the run id. */
export function runLogger(runId: string, parent: Logger = logger()): Logger {
  return parent.child({ runId });
}

/** The logger for one stage of a run. */
export function stageLogger(run: Logger, stage: { index: number; place: string; type: string }): Logger {
  return run.child({ stage });
}
