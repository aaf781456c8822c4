/** Number, size, rate and duration formats shared by the summary table and the progress display. */
// Grouped by hand: constructing Intl.NumberFormat loads ICU data, 19-26 ms on the start of every
// command (the summary is printed by every run); Intl stays for what plain digits cannot say.
let intl: Intl.NumberFormat | undefined;

/** `n` rounded, with thousands separators: exactly what Intl.NumberFormat('en-US') writes. */
export function formatCount(n: number): string {
  const rounded = Math.round(n);
  if (!Number.isFinite(rounded) || Math.abs(rounded) >= 1e21 || Object.is(rounded, -0)) return (intl ??= new Intl.NumberFormat('en-US')).format(rounded);
  const digits = String(Math.abs(rounded));
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return rounded < 0 ? `-${grouped}` : grouped;
}

export function formatRate(rowsPerSecond: number): string {
  return rowsPerSecond >= 1e6 ? `${(rowsPerSecond / 1e6).toFixed(1)} M rows/s` : `${formatCount(rowsPerSecond)} rows/s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
