// HotpathServer.listen() on Bun (Bun.serve, in a real Bun child process)
// over real sockets: hotpath-server's socket cases (http1-suite.ts), with
// the limits Bun can hold (it has no header timeout, connection limit or
// write timeout to set: asking for one is an error, checked below).
import { afterAll, describe, expect, it } from "vitest";

import { HotpathServer } from "../../../adapters/index.js";
import { CASE_TABLE, chunkedPost, post } from "../support/http1-cases.js";
import { killBunServers, startBunScript, startBunServer } from "../support/bun-server.js";
import { root } from "../support/node-files.js";
import { completeResponses, parseAll, show } from "../support/http-responses.js";
import { exchange, RawClient } from "../support/raw-client.js";
import { onBun } from "../support/runtime.js";
import { socketCases } from "./http1-suite.js";

afterAll(killBunServers);

/** The limits Bun.serve cannot hold (adapters/server/bun-strict.ts). */
const NOT_ON_BUN = ["headerTimeoutMs", "maxConnections", "writeTimeoutMs"];

describe.skipIf(onBun)("HotpathServer on Bun (Bun.serve): hotpath-server's socket cases", () => {
  socketCases("bun", (options) => startBunServer(CASE_TABLE, Object.fromEntries(Object.entries(options).filter(([name]) => !NOT_ON_BUN.includes(name)))));

  it("Expect: 100-continue gets HTTP/1.1 100 Continue before the body, then the final answer", async () => {
    const server = await startBunServer(CASE_TABLE);
    const client = await RawClient.connect(server.port);
    try {
      await client.write(post("Content-Length: 5\r\nExpect: 100-continue\r\n"));
      expect(await client.waitFor(() => client.data.includes("\r\n\r\n"), 5_000), `no 100 Continue; got ${show(client.data)}`).toBe(true);
      expect(client.data.toString("latin1")).toMatch(/^HTTP\/1\.1 100 Continue\r\n/);
      await client.write("hello");
      await client.waitFor(() => completeResponses(client.data) >= 1, 5_000);
      expect(parseAll(client.data, false, false).map((r) => r.status), show(client.data)).toEqual([100, 201]);
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});

describe.skipIf(onBun)("HotpathServer on Bun: handlers that read the body", () => {
  it("whole within maxBodyBytes; past it Bun answers 413 and closes, and the handler's read fails", async () => {
    const server = await startBunScript([`${root}tests/bun/serve-readers.ts`, JSON.stringify({ maxBodyBytes: 1000 })]);
    try {
      const ask = async (parts: string[]) => {
        const reply = await exchange(server.port, parts, { delayMs: 50, timeoutMs: 3_000, until: (d) => completeResponses(d) >= 1, settleMs: 200 });
        return { statuses: parseAll(reply.data, false, reply.closedByServer).map((r) => r.status), closed: reply.closedByServer };
      };
      expect(await ask(chunkedPost("/read", [500, 500]))).toEqual({ statuses: [200], closed: false });
      expect(await ask(chunkedPost("/read", [600, 600]))).toEqual({ statuses: [413], closed: true });
      expect(await ask(chunkedPost("/stream", [400, 400]))).toEqual({ statuses: [200], closed: false });
      expect(await ask(chunkedPost("/stream", [600, 600]))).toEqual({ statuses: [413], closed: true });
      const reads = server.output().split("\n").filter((line) => /^(read|stream): /.test(line));
      expect(reads.slice(0, 3)).toEqual(["read: complete 1000", "read: failed", "stream: complete 800"]);
      expect(reads[3]).toMatch(/^stream: failed after (\d+)$/);
      expect(Number(/(\d+)$/.exec(reads[3]!)![1])).toBeLessThanOrEqual(1000);
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(!onBun)("the limits Bun.serve cannot hold (under bun test: listen() is Bun.serve)", () => {
  for (const name of NOT_ON_BUN) {
    it(`${name} given on Bun is a TypeError saying so`, async () => {
      const app = HotpathServer.fromRouteTable(CASE_TABLE);
      await expect(app.listen(0, { [name]: 1_000 })).rejects.toThrow(new RegExp(`${name}: Bun.serve cannot hold`));
    });
  }
  it("idleTimeoutMs over Bun's 255 s is a RangeError", async () => {
    const app = HotpathServer.fromRouteTable(CASE_TABLE);
    await expect(app.listen(0, { idleTimeoutMs: 256_000 })).rejects.toThrow(/at most 255 s/);
  });
});
