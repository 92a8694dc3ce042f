// Differential fuzzing of the TypeScript port against the C++ core
// (build/router.wasm): the same random tables and targets on both, any
// difference fails (differential.ts says what is compared). `make test`
// runs a short seeded run; a long one:
//   make fuzz-differential FUZZ_SECONDS=600        (HOTPATH_DIFF_SECONDS)
//   HOTPATH_DIFF_SEED=123 picks the seed (default: fixed for the short run,
//   time-based for a long one); the seed is printed, so a failure replays.
import { describe, expect, it } from "vitest";

import { WasmRouter } from "../../../adapters/wasm.js";
import { newInstance } from "../support/node-files.js";
import { compareOnce, Random, type Difference } from "./differential.js";
import { compareDirectivesOnce, noneReached } from "./differential-directives.js";

const seconds = Number(process.env["HOTPATH_DIFF_SECONDS"] ?? 0);
const seed = Number(process.env["HOTPATH_DIFF_SEED"] ?? (seconds > 0 ? Date.now() % 2 ** 31 : 20261201));
const SHORT_TABLES = 1500;
const REQUESTS = 24;

describe("differential, directives and handler routes: TypeScript port = router.wasm", () => {
  it(
    seconds > 0 ? `random directive tables, requests and header fields for ${seconds} s (seed ${seed})` : `${SHORT_TABLES} random directive tables, ${REQUESTS} requests each (seed ${seed})`,
    async () => {
      const wasm = new WasmRouter(await newInstance());
      const random = new Random(seed ^ 0x5eed);
      const end = Date.now() + seconds * 1000;
      const found: Difference[] = [];
      let tables = 0;
      let loadedTables = 0;
      let requests = 0;
      const reached = noneReached();
      while (seconds > 0 ? Date.now() < end : tables < SHORT_TABLES) {
        const run = compareDirectivesOnce(random, wasm, REQUESTS, reached);
        tables++;
        if (run.loaded) loadedTables++;
        requests += run.requests;
        found.push(...run.differences);
        if (found.length >= 5) break;
      }
      console.log(`differential, directives (seed ${seed}): ${tables} tables (${loadedTables} loaded, ${tables - loadedTables} refused alike), ${requests} requests compared, ${found.length} differences; reached ${JSON.stringify(reached)}`);
      expect(found.map((d) => JSON.stringify(d))).toEqual([]);
      // Every kind of answer came up: preflights, 401s, handler routes with parameters, fields, echoes.
      for (const count of Object.values(reached)) expect(count).toBeGreaterThan(0);
      expect(loadedTables).toBeGreaterThan(tables / 3);
      expect(tables - loadedTables).toBeGreaterThan(tables / 20);
    },
    seconds * 1000 + 120_000,
  );
});

describe("differential: TypeScript router = router.wasm", () => {
  it(
    seconds > 0 ? `random tables and targets for ${seconds} s (seed ${seed})` : `${SHORT_TABLES} random tables, ${REQUESTS} targets each (seed ${seed})`,
    async () => {
      const wasm = new WasmRouter(await newInstance());
      const random = new Random(seed);
      const end = Date.now() + seconds * 1000;
      const found: Difference[] = [];
      let tables = 0;
      let loadedTables = 0;
      let requests = 0;
      while (seconds > 0 ? Date.now() < end : tables < SHORT_TABLES) {
        const run = compareOnce(random, wasm, REQUESTS);
        tables++;
        if (run.loaded) loadedTables++;
        requests += run.requests;
        found.push(...run.differences);
        if (found.length >= 5) break;
      }
      console.log(`differential (seed ${seed}): ${tables} tables (${loadedTables} loaded, ${tables - loadedTables} refused alike), ${requests} requests compared, ${found.length} differences`);
      expect(found.map((d) => JSON.stringify(d))).toEqual([]);
      // The generator must reach both sides' interesting paths, not only refusals.
      expect(loadedTables).toBeGreaterThan(tables / 3);
      expect(tables - loadedTables).toBeGreaterThan(tables / 20);
    },
    seconds * 1000 + 120_000,
  );
});
