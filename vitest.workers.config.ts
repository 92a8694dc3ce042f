// Tests that run inside workerd (the Workers runtime) through
// @cloudflare/vitest-pool-workers: the Worker of wrangler.toml, importing the
// real build/router.wasm, or the build HOTPATH_WASM names (a path from the
// repository root; make test-wasm-toolchains runs this suite on each
// toolchain's build): every import of build/router.wasm, the Worker's and the
// tests', then resolves to that file.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const wasm = process.env["HOTPATH_WASM"];
if (wasm !== undefined && !existsSync(wasm)) throw new Error(`HOTPATH_WASM=${wasm}: no such file (build it first)`);

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./worker/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
    }),
  ],
  resolve: {
    alias: wasm === undefined ? [] : [{ find: /^(\.\.\/)+build\/router\.wasm$/, replacement: resolve(wasm) }],
  },
  test: {
    include: ["tests/workers/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
