export function formatCell(value: unknown): string;
export function renderSuite(result: Record<string, unknown>, file: string): string;
export function renderResults(dir: string): string;
export function writeResults(dir: string, out: string): void;
