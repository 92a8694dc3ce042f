// Node tests of the TypeScript adapters against the real build/router.wasm.
// The workerd tests have their own config (vitest.workers.config.ts).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/ts/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
