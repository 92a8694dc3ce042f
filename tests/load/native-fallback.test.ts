// Load and fault tests of handler routes (make test-load): build/hotpath-server
// with a real fallback (tests/fallback/app.mjs on Node) over 127.0.0.1.
// Every assertion is about correctness (each answer whole, in order, from
// the right route; exit status); figures are printed.
import { afterAll, describe, expect, it } from "vitest";

import { killAllServers, serverBuilt, startServer } from "../ts/native/server.js";
import { distProblem, FallbackApp, killAllFallbacks } from "../ts/support/fallback-app.js";
import { parseAll, parseResponses } from "../ts/support/http-responses.js";
import { RawClient, sleep } from "../ts/support/raw-client.js";

afterAll(async () => {
  await killAllServers();
  await killAllFallbacks();
});

const TABLE = [
  "GET\t/hello/:name\t200\ttext/plain\thello {name}",
  "PROXY\tGET\t/dyn/:name",
  "PROXY\tGET\t/hang/:n",
  "PROXY\tGET\t/sleep/:ms",
  "PROXY\tGET\t/hanging",
  "",
].join("\n");

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: t\r\n\r\n`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function answersOn(client: RawClient, count: number, timeoutMs: number): Promise<ReturnType<typeof parseAll>> {
  await client.waitFor(() => {
    try {
      return parseResponses(client.data).responses.length >= count;
    } catch {
      return true;
    }
  }, timeoutMs);
  return parseAll(client.data, false, client.closedByServer);
}

describe.skipIf(!serverBuilt || distProblem() !== null)("handler routes under load", () => {
  it("200 connections, 20 pipelined requests each, handler and table routes mixed: every answer in order", async () => {
    const app = await FallbackApp.start(TABLE);
    // About 2,700 handler requests at once: more room than the default 1,024.
    const server = await startServer(TABLE, { flags: ["--fallback", app.flag, "--fallback-max-inflight", "4096"] });
    const started = Date.now();
    const clients = await Promise.all(range(200).map(() => RawClient.connect(server.port)));
    const expected: string[][] = [];
    await Promise.all(clients.map((c, i) => {
      const paths = range(20).map((j) => ((i + j) % 3 === 0 ? `/hello/t${i}-${j}` : (i + j) % 3 === 1 ? `/dyn/d${i}-${j}` : `/sleep/${(i * 7 + j) % 40}`));
      expected.push(paths.map((p) => (p.startsWith("/hello/") ? `hello ${p.slice(7)}` : p.startsWith("/dyn/") ? `hello ${p.slice(5)}` : `slept ${p.slice(7)}`)));
      return c.write(paths.map(GET).join(""));
    }));
    const all = await Promise.all(clients.map((c) => answersOn(c, 20, 60_000)));
    all.forEach((answers, i) => expect(answers.map((a) => a.text), `connection ${i}`).toEqual(expected[i]));
    console.log(`[load] 4000 mixed pipelined requests over 200 connections answered in order in ${Date.now() - started} ms`);
    clients.forEach((c) => c.destroy());
    await server.stop();
    await app.stop();
  }, 120_000);

  it("the fallback crashes and restarts five times under load: every answer is 200 or 502, none is lost, and it answers again", async () => {
    const app = await FallbackApp.start(TABLE);
    const server = await startServer(TABLE, { flags: ["--fallback", app.flag] });
    let running = true;
    const counts = { ok: 0, badGateway: 0 };
    const workers = range(16).map(async (w) => {
      let n = 0;
      while (running) {
        const client = await RawClient.connect(server.port);
        await client.write(range(10).map((j) => GET(`/dyn/w${w}-${n}-${j}`)).join("") + GET(`/hello/w${w}`));
        const answers = await answersOn(client, 11, 20_000);
        expect(answers.length).toBe(11);
        answers.slice(0, 10).forEach((a, j) => {
          expect([200, 502]).toContain(a.status);
          if (a.status === 200) expect(a.text).toBe(`hello w${w}-${n}-${j}`);
          a.status === 200 ? ++counts.ok : ++counts.badGateway;
        });
        expect(answers[10]!.text).toBe(`hello w${w}`);
        client.destroy();
        ++n;
      }
    });
    let current = app;
    for (let i = 0; i < 5; ++i) {
      await sleep(400);
      await current.kill();
      await sleep(200);
      current = await FallbackApp.start(TABLE, { socketPath: app.socketPath });
    }
    await sleep(400);
    running = false;
    await Promise.all(workers);
    console.log(`[load] 5 fallback crashes under load: ${counts.ok} answered 200, ${counts.badGateway} answered 502`);
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.badGateway).toBeGreaterThan(0);
    const client = await RawClient.connect(server.port);
    await client.write(range(4).map((j) => GET(`/dyn/end${j}`)).join(""));
    expect((await answersOn(client, 4, 10_000)).map((a) => a.status)).toEqual([200, 200, 200, 200]);
    client.destroy();
    await server.stop();
    await current.stop();
  }, 120_000);

  it("SIGTERM with requests hanging in the fallback: each is answered 504 within the grace period, then exit 0", async () => {
    const app = await FallbackApp.start(TABLE);
    const server = await startServer(TABLE, { flags: ["--fallback", app.flag] });
    const clients = await Promise.all(range(20).map(() => RawClient.connect(server.port)));
    await Promise.all(clients.map((c, i) => c.write(GET(`/hang/${i}`))));
    await sleep(500);
    const stopped = Date.now();
    server.signal("SIGTERM");
    const exit = await server.exited;
    const took = Date.now() - stopped;
    expect(exit.code).toBe(0);
    for (const c of clients) {
      const answers = parseAll(c.data, false, true);
      expect(answers.map((a) => a.status)).toEqual([504]);
    }
    console.log(`[load] SIGTERM with 20 requests hanging: all answered 504, exit 0 after ${took} ms (grace 10 s)`);
    clients.forEach((c) => c.destroy());
    await app.kill();
  }, 60_000);
});
