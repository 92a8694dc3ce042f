// Reloads do not leak (issue 18), in make test, make test-asan and make
// test-valgrind: HOTPATH_RELOADS (default 1,000) SIGHUPs while 8 keep-alive
// connections request without pause; tests/load/native-reload.test.ts does
// the same 10,000 times. Every answer whole from one table, the server alive,
// replaced tables freed (its own count), and, for the release build, its
// RSS flat: under ASan (freed memory is quarantined) or valgrind (its shadow
// memory) the resident size says nothing about the server, so there the
// count of replaced tables still in use is the measure.
import { afterAll, expect, it } from "vitest";

import { reloadUnderLoad } from "./reload-under-load.js";
import { killAllServers, serverBuilt } from "./server.js";

afterAll(killAllServers);

const RELOADS = Number(process.env["HOTPATH_RELOADS"] ?? 1_000);
const instrumented = process.env["HOTPATH_SERVER_BINARY"] !== undefined;

it.skipIf(!serverBuilt)(`${RELOADS} reloads under load: every answer from the old or the new table, tables freed, ${instrumented ? "RSS reported" : "RSS flat"}`, async (...args: unknown[]) => {
  // A rest parameter: Bun takes a test function with one declared parameter
  // for a done-callback test and waits for it to be called.
  const context = args[0];
  const f = await reloadUnderLoad({ reloads: RELOADS, log: (line) => console.log(`[reload] ${line}`) });
  const summary = `${f.reloads} reloads and ${f.requests} requests in ${f.seconds.toFixed(1)} s (${f.answersFromA} answers from table A, ${f.answersFromB} from B); ` +
    `RSS ${f.rssStartKiB} KiB at start, ${f.rssWarmKiB} KiB after warm-up, ${f.rssEndKiB} KiB at the end; at most ${f.mostInUse} replaced tables in use, ${f.finalInUse} at the end`;
  console.log(`[reload] ${summary}`);
  // Vitest's task annotation; Bun's test context has none (the summary is logged above).
  const annotate = (context as { annotate?: (message: string) => Promise<unknown> } | undefined)?.annotate;
  if (typeof annotate === "function") await annotate(summary);
  expect(f.answersFromA, "answers from table A").toBeGreaterThan(0);
  expect(f.answersFromB, "answers from table B").toBeGreaterThan(0);
  expect(f.finalInUse, "every replaced table freed once the loops are idle").toBe(0);
  // A loop holds a table only within one batch of events: a few at most,
  // never a growing number (one per reload would be a leak).
  expect(f.mostInUse, "replaced tables in use at any reload").toBeLessThanOrEqual(16);
  if (!instrumented) {
    // A table kept after its replacement costs about 0.5 MiB: flat means less than 32 tables' worth.
    expect(f.rssEndKiB - f.rssWarmKiB, summary).toBeLessThan(16 * 1024);
  }
}, 600_000);
