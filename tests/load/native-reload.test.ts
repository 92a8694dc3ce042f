// 10,000 reloads under load (issue 18, make test-load): the check of
// tests/ts/native/reload.test.ts ten times over. LOAD_RELOADS changes the count.
import { afterAll, expect, it } from "vitest";

import { reloadUnderLoad } from "../ts/native/reload-under-load.js";
import { killAllServers, serverBuilt } from "../ts/native/server.js";

afterAll(killAllServers);

const RELOADS = Number(process.env["LOAD_RELOADS"] ?? 10_000);

it.skipIf(!serverBuilt)(`${RELOADS} reloads under load: every answer from the old or the new table, RSS flat, no crash`, async ({ annotate }) => {
  const f = await reloadUnderLoad({ reloads: RELOADS, clients: 16, log: (line) => console.log(`[load] ${line}`) });
  const summary = `${f.reloads} reloads and ${f.requests} requests in ${f.seconds.toFixed(1)} s (${f.answersFromA} answers from table A, ${f.answersFromB} from B); ` +
    `RSS ${f.rssStartKiB} KiB at start, ${f.rssWarmKiB} KiB after 1,000 reloads, ${f.rssEndKiB} KiB at the end; at most ${f.mostInUse} replaced tables in use, ${f.finalInUse} at the end`;
  console.log(`[load] ${summary}`);
  await annotate(summary);
  expect(f.answersFromA).toBeGreaterThan(0);
  expect(f.answersFromB).toBeGreaterThan(0);
  expect(f.finalInUse).toBe(0);
  expect(f.mostInUse).toBeLessThanOrEqual(16);
  // A table kept after its replacement costs about 0.5 MiB: 10,000 of them
  // would be 5 GiB; flat means less than 32 tables' worth of growth.
  expect(f.rssEndKiB - f.rssWarmKiB, summary).toBeLessThan(16 * 1024);
}, 900_000);
