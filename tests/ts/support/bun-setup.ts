// Preloaded by `bun test` (bunfig.toml): the timeout vitest.config.ts gives
// every test (Bun's default is 5 s, and bunfig's [test] timeout is not read).
// @ts-expect-error: bun:test has no types here (the bun package is the runtime alone)
import { setDefaultTimeout } from "bun:test";

(setDefaultTimeout as (ms: number) => void)(30_000);
