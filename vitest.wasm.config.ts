// The router.wasm test matrix (make test-wasm-toolchains): the Node wasm
// suites (both ABIs, both adapters, every shared vector, 0-1 MB inputs,
// memory exhaustion, load_routes and every table-error vector, the LRU) on
// each build of HOTPATH_WASM_BUILDS, one Vitest project per build named after
// its toolchain, and tests/wasm/ comparing the builds with the first one.
//   HOTPATH_WASM_BUILDS="default=build/router.wasm emscripten=build/wasm-emscripten/router.wasm ..."
// (the Makefile owns the list). The workerd suite runs once per build with
// HOTPATH_WASM (vitest.workers.config.ts).
import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

export interface WasmBuild {
  name: string;
  path: string;  // from the repository root
}

declare module "vitest" {
  export interface ProvidedContext {
    wasmBuilds: WasmBuild[];
  }
}

const spec = process.env["HOTPATH_WASM_BUILDS"];
if (!spec) throw new Error("HOTPATH_WASM_BUILDS is not set: run make test-wasm-toolchains");
const builds: WasmBuild[] = spec.trim().split(/\s+/).map((entry) => {
  const [name, path] = entry.split("=");
  if (!name || !path) throw new Error(`HOTPATH_WASM_BUILDS: "${entry}" is not name=path`);
  if (!existsSync(path)) throw new Error(`HOTPATH_WASM_BUILDS: ${path} does not exist (build it first)`);
  return { name, path };
});

const suites = ["tests/ts/wasm/abi.test.ts", "tests/ts/wasm/vectors.test.ts", "tests/ts/wasm/lru-cache.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    projects: [
      ...builds.map((build) => ({
        extends: true as const,
        test: { name: build.name, include: suites, env: { HOTPATH_WASM: build.path } },
      })),
      { extends: true as const, test: { name: "toolchains", include: ["tests/wasm/**/*.test.ts"], provide: { wasmBuilds: builds } } },
    ],
  },
});
