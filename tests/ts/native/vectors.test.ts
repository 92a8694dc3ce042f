// The shared routing vectors (tests/vectors/routing.jsonl) through the real
// build/hotpath-server over real sockets on 127.0.0.1: one server per
// distinct route table, one keep-alive connection per server, every request
// sent as raw bytes `METHOD TARGET HTTP/1.1\r\nHost: t\r\n\r\n` so lowercase
// methods and odd targets reach the server unchanged.
//
// Skipped here, each with its reason in the test name, and answered by the
// HTTP layer instead (checked by the last describe block):
// - targets that are not origin-form (RFC 9112 3.2.1): "hello", "*", "?x=1"
//   are malformed request lines for GET (400); "http://example.com/" is
//   absolute-form, which native/README.md routes by its path (so "/": 200);
// - targets containing '#': a fragment is not part of any request-target form
//   (RFC 9112 3.2, RFC 9110 4.2.4), so the HTTP layer answers 400, or 414 when
//   the target is over 8192 bytes (the 414 rule comes first).
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { killAllServers, serverBuilt, startServer, type NativeServer } from "./server.js";
import { parseAll, show } from "../support/http-responses.js";
import { exchange } from "../support/raw-client.js";
import { SequentialClient } from "../support/sequential-client.js";
import { routingVectors, tableFiles } from "../support/node-files.js";
import { tableOf, type RoutingVector } from "../support/vectors.js";
import { vectorProblems as problems } from "../support/vector-problems.js";

afterAll(killAllServers);

/** Why the HTTP layer, not the router, answers this vector (null: the router does). */
function httpLayerReason(vector: RoutingVector): string | null {
  const target = vector.request.path;
  if (!target.startsWith("/")) return "not origin-form (RFC 9112 3.2.1): answered by the HTTP layer";
  if (target.includes("#")) return "'#' is not allowed in a request-target (RFC 9112 3.2.1): the HTTP layer answers 400";
  return null;
}

function requestBytes(vector: RoutingVector): string {
  return `${vector.request.method} ${vector.request.path} HTTP/1.1\r\nHost: t\r\n\r\n`;
}

// One group per distinct table text, in file order.
const groups = new Map<string, { label: string; vectors: RoutingVector[] }>();
for (const vector of routingVectors) {
  const table = tableOf(vector, tableFiles);
  let group = groups.get(table);
  if (!group) {
    group = { label: vector.table_file ?? `inline table of ${vector.id}`, vectors: [] };
    groups.set(table, group);
  }
  group.vectors.push(vector);
}

it("build/hotpath-server is built (make native)", () => {
  expect(serverBuilt, "build/hotpath-server is missing: run `make native`").toBe(true);
});

describe.skipIf(!serverBuilt)("routing.jsonl through hotpath-server over 127.0.0.1", () => {
  for (const [table, group] of groups) {
    describe(group.label, () => {
      let server: NativeServer | undefined;
      let client: SequentialClient | undefined;

      beforeAll(async () => {
        server = await startServer(table);
        client = new SequentialClient(server.port);
      }, 30_000);

      afterAll(async () => {
        client?.close();
        await server?.stop();
      }, 30_000);

      for (const vector of group.vectors) {
        const reason = httpLayerReason(vector);
        if (reason !== null) {
          it.skip(`${vector.id} (skipped: ${reason})`, () => {});
          continue;
        }
        it(vector.id, async () => {
          const response = await client!.request(requestBytes(vector), vector.request.method === "HEAD");
          expect(problems(vector, response), `${vector.id}: ${JSON.stringify(requestBytes(vector).slice(0, 200))}`).toEqual([]);
        });
      }
    });
  }
});

describe.skipIf(!serverBuilt)("vector targets the HTTP layer answers (not origin-form, or with '#')", () => {
  const skipped = routingVectors.filter((vector) => httpLayerReason(vector) !== null);
  let servers = new Map<string, NativeServer>();

  beforeAll(async () => {
    for (const vector of skipped) {
      const table = tableOf(vector, tableFiles);
      if (!servers.has(table)) servers.set(table, await startServer(table));
    }
  }, 30_000);

  afterAll(async () => {
    const all = [...servers.values()];
    servers = new Map();
    for (const server of all) await server.stop();
  }, 30_000);

  it("covers the vectors skipped above", () => {
    // 5 not origin-form, 6 with a fragment, as of this writing; fail loudly if
    // the vector file changes so that nothing is skipped any more.
    expect(skipped.length).toBeGreaterThan(0);
  });

  for (const vector of skipped) {
    const target = vector.request.path;
    let expected: number;
    let body: string | null = null;
    let why: string;
    if (target.length > 8192) {
      expected = 414;
      why = "over 8192 bytes: 414 first";
    } else if (target.includes("#")) {
      expected = 400;
      why = "'#' in the request-target: 400";
    } else if (/^http:\/\/[^/?#]+(\/|$)/i.test(target)) {
      // Absolute-form (RFC 9112 3.2.2): native/README.md routes its path.
      const path = target.replace(/^http:\/\/[^/?#]+/i, "") || "/";
      const twin = routingVectors.find((v) => v.request.method === vector.request.method && v.request.path === path && tableOf(v, tableFiles) === tableOf(vector, tableFiles));
      expected = twin?.expect.status ?? 200;
      body = twin?.expect.body ?? null;
      why = `absolute-form: routed as ${path}`;
    } else {
      expected = 400;
      why = "neither origin-form nor absolute-form (asterisk-form is for OPTIONS only): 400";
    }
    it(`${vector.id}: ${JSON.stringify(target.slice(0, 40))} → ${expected} (${why})`, async () => {
      const server = servers.get(tableOf(vector, tableFiles))!;
      const request = `${vector.request.method} ${target} HTTP/1.1\r\nHost: t\r\n\r\n`;
      const reply = await exchange(server.port, request, {
        until: (data) => {
          try {
            return parseAll(data, vector.request.method === "HEAD", false).length >= 1;
          } catch {
            return false;
          }
        },
      });
      const responses = parseAll(reply.data, vector.request.method === "HEAD", reply.closedByServer);
      const ctx = `sent ${show(request, 120)}\ngot ${show(reply.data)}`;
      expect(responses.length, `one answer\n${ctx}`).toBe(1);
      expect(responses[0]!.status, ctx).toBe(expected);
      if (body !== null) expect(responses[0]!.text, ctx).toBe(body);
    });
  }
});
