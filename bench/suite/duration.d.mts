// Types of duration.mjs, for the tests that import it.
export function parseDuration(name: string, text: string, options?: { min?: number; whole?: boolean }): number | Error;
export function envDuration(name: string, fallback: number, options?: { min?: number; whole?: boolean }): number;
