/** Which runtime runs the suites: Vitest on Node, or `bun test` (tests/ts/README.md). */
export const onBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
