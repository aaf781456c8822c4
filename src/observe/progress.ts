/**
 * Progress of a running job. The pipeline only bumps counters it already keeps (the source's
 * rows and bytes); this module reads them on a timer, so the per-batch cost is nothing and the
 * display's cost is bounded by its refresh rate. On a TTY: one self-overwriting line with a bar;
 * elsewhere: a log line every few seconds.
 */
import type { StageMetrics } from '../flow/meter.js';
import { onTerminalLine, type Logger } from './logger.js';
import { formatBytes, formatCount, formatDuration, formatRate } from './format.js';

export interface ProgressOptions {
  /** Where the bar goes (stderr): drawn only when it is a TTY. */
  readonly stream: NodeJS.WriteStream;
  readonly tty: boolean;
  /** Log lines when not on a TTY. */
  readonly log: Logger;
  /** Refresh period; default 200 ms on a TTY, 5 s otherwise. */
  readonly intervalMs?: number;
  /** Rows the source will produce, when known (a `rows` option). */
  readonly rowsTotal?: number;
}

export interface ProgressState {
  readonly rows: number;
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
  readonly bytesRead: number;
  readonly bytesTotal?: number;
  /** 0..1 when a total (bytes, else rows) is known. */
  readonly fraction?: number;
  readonly etaMs?: number;
}

/** What the display shows, from the source's counters: pure, so it is tested without a clock. */
export function progressState(source: Pick<StageMetrics, 'rowsOut' | 'bytesRead' | 'bytesTotal'>, elapsedMs: number, rowsTotal?: number): ProgressState {
  const rowsPerSecond = elapsedMs > 0 ? (source.rowsOut / elapsedMs) * 1000 : 0;
  const fraction =
    source.bytesTotal !== undefined && source.bytesTotal > 0
      ? Math.min(1, source.bytesRead / source.bytesTotal)
      : rowsTotal !== undefined && rowsTotal > 0
        ? Math.min(1, source.rowsOut / rowsTotal)
        : undefined;
  const etaMs = fraction !== undefined && fraction > 0 ? (elapsedMs * (1 - fraction)) / fraction : undefined;
  return {
    rows: source.rowsOut,
    elapsedMs,
    rowsPerSecond,
    bytesRead: source.bytesRead,
    ...(source.bytesTotal === undefined ? {} : { bytesTotal: source.bytesTotal }),
    ...(fraction === undefined ? {} : { fraction }),
    ...(etaMs === undefined ? {} : { etaMs }),
  };
}

/** `1,234,567 rows, 2.1 M rows/s, 120 MiB of 337 MiB, 36%, ETA 3s`. */
export function describeProgress(state: ProgressState): string {
  const parts = [`${formatCount(state.rows)} rows`, formatRate(state.rowsPerSecond)];
  if (state.bytesRead > 0 || state.bytesTotal !== undefined) parts.push(state.bytesTotal === undefined ? formatBytes(state.bytesRead) : `${formatBytes(state.bytesRead)} of ${formatBytes(state.bytesTotal)}`);
  if (state.fraction !== undefined) parts.push(`${Math.floor(state.fraction * 100)}%`);
  parts.push(state.etaMs === undefined ? `elapsed ${formatDuration(state.elapsedMs)}` : `ETA ${formatDuration(state.etaMs)}`);
  return parts.join(', ');
}

export function progressBar(fraction: number | undefined, width: number): string {
  if (fraction === undefined) return '';
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] `;
}

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;
  /** Times the display was drawn or logged. */
  renders = 0;
  private readonly started = performance.now();

  constructor(
    private readonly source: StageMetrics,
    private readonly options: ProgressOptions,
  ) {}

  start(): this {
    const every = this.options.intervalMs ?? (this.options.tty ? 200 : 5000);
    // unref: a finished run must not wait for the next tick.
    this.timer = setInterval(() => this.render(), every).unref();
    if (this.options.tty) onTerminalLine(() => this.erase());
    return this;
  }

  /** Stops the display and erases the bar, so the summary starts on a clean line. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.tty) onTerminalLine(undefined);
    this.erase();
  }

  private erase(): void {
    if (this.drawn) this.options.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  render(): void {
    this.renders++;
    const state = progressState(this.source, performance.now() - this.started, this.options.rowsTotal);
    if (this.options.tty) {
      const width = Math.max(10, Math.min(30, (this.options.stream.columns ?? 80) - 80));
      const line = `${progressBar(state.fraction, width)}${describeProgress(state)}`;
      this.options.stream.write(`\r\x1b[2K${line.slice(0, (this.options.stream.columns ?? 120) - 1)}`);
      this.drawn = true;
    } else {
      this.options.log.info({ progress: state }, `progress: ${describeProgress(state)}`);
    }
  }
}
