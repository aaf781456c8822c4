/**
 * Warnings from library code that has no run at hand (kernel selection, say): through the
 * process logger, so they land where every other line does (stderr or the log file).
 */
import { logger } from './logger.js';

const said = new Set<string>();

export function warn(message: string, fields: Record<string, unknown> = {}): void {
  logger().warn(fields, message);
}

/** Says `message` once per process for `key`, however many runs ask. */
export function warnOnce(key: string, message: string): void {
  if (said.has(key)) return;
  said.add(key);
  warn(message, { key });
}
