export interface Suite { name: string; file: string; manual: boolean }
export const benchDir: string;
export const resultsDir: string;
export function discoverSuites(dir?: string): Suite[];
export function selectSuites(all: Suite[], names: string[]): Suite[];
