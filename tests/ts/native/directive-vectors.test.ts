// The shared directive vectors (tests/vectors/directives.jsonl) through the
// real build/hotpath-server over real sockets on 127.0.0.1, every one of
// them: one server per distinct table, each with a real fallback
// (tests/fallback/app.mjs: serveFallback() on Node, a child process) that
// answers the handler routes as the vectors' handler does
// (tests/vectors/README.md, "Handler routes"). Request header fields go
// on the wire as the vector lists them, after `Host: t`.
//
// The tables' PROXY_UNIX and PROXY_TCP addresses (/tmp/hotpath-app.sock,
// 127.0.0.1:9000) are pointed at the fallback's own socket and port
// (pointedAt); PROXY lines go to --fallback, the same socket. So a vector
// with `"handler": true` is answered by the fallback over each transport.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { killAllServers, serverBuilt, startServer, type NativeServer } from "./server.js";
import { distProblem, FallbackApp, killAllFallbacks, pointedAt } from "../support/fallback-app.js";
import { directiveVectors, tableFiles } from "../support/node-files.js";
import { SequentialClient } from "../support/sequential-client.js";
import { vectorProblems } from "../support/vector-problems.js";
import { requestFields, tableOf, type RoutingVector } from "../support/vectors.js";

afterAll(async () => {
  await killAllServers();
  await killAllFallbacks();
});

function requestBytes(vector: RoutingVector): string {
  const fields = requestFields(vector).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  return `${vector.request.method} ${vector.request.path} HTTP/1.1\r\nHost: t\r\n${fields}\r\n`;
}

const groups = new Map<string, RoutingVector[]>();
for (const vector of directiveVectors) {
  const table = tableOf(vector, tableFiles);
  groups.set(table, [...(groups.get(table) ?? []), vector]);
}

it("covers the handler vectors and every other directive vector", () => {
  expect(directiveVectors.filter((v) => v.expect.handler).length).toBeGreaterThanOrEqual(4);
  expect(directiveVectors.length).toBeGreaterThanOrEqual(50);
});

it("the Node fallback is built (dist/adapters/fallback)", () => {
  expect(distProblem()).toBeNull();
});

describe.skipIf(!serverBuilt || distProblem() !== null)("directives.jsonl through hotpath-server and a fallback over 127.0.0.1", () => {
  let index = 0;
  for (const [table, vectors] of groups) {
    describe(`table ${++index} (${vectors[0]!.id}, ${vectors.length} vectors)`, () => {
      let app: FallbackApp | undefined;
      let server: NativeServer | undefined;
      let client: SequentialClient | undefined;

      beforeAll(async () => {
        app = await FallbackApp.start(table, { vectorHandlerOnly: true });
        server = await startServer(pointedAt(table, app), { flags: ["--fallback", app.flag] });
        client = new SequentialClient(server.port);
      }, 30_000);

      afterAll(async () => {
        client?.close();
        await server?.stop();
        await app?.stop();
      }, 30_000);

      for (const vector of vectors) {
        it(`${vector.id}${vector.expect.handler ? " (the fallback answers)" : ""}`, async () => {
          const request = requestBytes(vector);
          const response = await client!.request(request, vector.request.method === "HEAD");
          expect(vectorProblems(vector, response), `${vector.id}: ${JSON.stringify(request.slice(0, 300))}\n${app!.output()}`).toEqual([]);
        });
      }
    });
  }
});
