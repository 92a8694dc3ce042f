// Tests that run inside workerd (the Workers runtime) through
// @cloudflare/vitest-pool-workers: the Worker of wrangler.toml, importing the
// real build/router.wasm.
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./worker/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
    }),
  ],
  test: {
    include: ["tests/workers/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
