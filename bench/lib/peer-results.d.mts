export function median(values: number[]): number;
export function compareResults(expected: Record<string, unknown>[], actual: unknown, tolerance?: number): string | null;
