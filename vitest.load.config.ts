// Load and fault tests (tests/load/, `make test-load`) of build/hotpath-server
// and of HotpathServer on Node and Bun: bounded, loopback only, about 5
// minutes, so not part of `make test`.
// One file at a time: the tests measure the server, not each other.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/load/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
