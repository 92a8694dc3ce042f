// llhttp's request corpus (tests/conformance) over real sockets, against
// hotpath-server and HotpathServer on Node and on Bun: each listener's
// outcome (the statuses it answers, whether it closes) must be
// hotpath-server's, run side by side, except where the runtime decides
// before any JavaScript runs (CORPUS_DIFFERENCES, listed in SECURITY.md),
// where it must be exactly what is listed. Vitest on Node only (Node's
// listener runs in this process; Bun's in a real bun child).
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { HotpathServer, type RunningServer } from "../../../adapters/index.js";
import { killAllServers, serverBuilt, startServer, type NativeServer } from "../native/server.js";
import { killBunServers, startBunServer, type BunServer } from "../support/bun-server.js";
import { CORPUS, CORPUS_TABLE, corpusOutcomes } from "../support/conformance-corpus.js";
import { CORPUS_DIFFERENCES, type Runtime } from "../support/http1-differences.js";
import { onBun } from "../support/runtime.js";

describe.skipIf(onBun || !serverBuilt)("llhttp's corpus over sockets: HotpathServer on Node and Bun answer as hotpath-server", () => {
  let native: NativeServer;
  let node: RunningServer;
  let bun: BunServer;
  let expected: Map<string, string>;
  beforeAll(async () => {
    native = await startServer(CORPUS_TABLE);
    node = await HotpathServer.fromRouteTable(CORPUS_TABLE).listen(0, { hostname: "127.0.0.1" });
    bun = await startBunServer(CORPUS_TABLE);
    expected = await corpusOutcomes(native.port);
  }, 60_000);
  afterAll(async () => {
    await node?.stop();
    await bun?.stop();
    await native?.stop();
    killBunServers();
    await killAllServers();
  }, 30_000);

  it(`the corpus: ${CORPUS.length} cases, each listed difference names one`, () => {
    expect(CORPUS.length).toBe(119);
    const ids = new Set(CORPUS.map((c) => c.id));
    for (const runtime of ["node", "bun"] as const) {
      for (const d of CORPUS_DIFFERENCES[runtime]) expect(ids.has(d.id), `${runtime}: ${d.id}`).toBe(true);
    }
  });

  const check = (runtime: Runtime, port: () => number) => async () => {
    const got = await corpusOutcomes(port());
    const listed = new Map(CORPUS_DIFFERENCES[runtime].map((d) => [d.id, d]));
    const wrong: string[] = [];
    for (const [id, want] of expected) {
      const d = listed.get(id);
      if (d !== undefined && d.native !== want) wrong.push(`${id}: hotpath-server gives ${want}, the listed difference says ${d.native}`);
      const runtimeWant = d?.runtime ?? want;
      if (got.get(id) !== runtimeWant) wrong.push(`${id}: ${runtime} gives ${got.get(id)}, expected ${runtimeWant}${d ? " (listed difference)" : " (hotpath-server's)"}`);
    }
    expect(wrong).toEqual([]);
  };
  it("on Node (node:http): hotpath-server's outcome, or the listed difference", check("node", () => node.port), 30_000);
  it("on Bun (Bun.serve): hotpath-server's outcome, or the listed difference", check("bun", () => bun.port), 30_000);
});
