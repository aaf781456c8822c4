/**
 * The one place library code writes diagnostics: stderr, prefixed, never stdout (stdout carries
 * only what the user asked to see).
 */
const said = new Set<string>();

export function warn(message: string): void {
  process.stderr.write(`sluice: warning: ${message}\n`);
}

/** Says `message` once per process for `key`, however many runs ask. */
export function warnOnce(key: string, message: string): void {
  if (said.has(key)) return;
  said.add(key);
  warn(message);
}
