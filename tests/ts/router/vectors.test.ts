// The TypeScript router (adapters/routing) on the shared vectors: the same
// table parser, matching and rendering rules as the C++ core, checked line by
// line, with the default walk and with the generated matcher (compile: true),
// on the target and on a URL holding it (as the fetch hosts route).
import { describe, expect, it } from "vitest";

import { ERROR_BODIES, ERROR_CONTENT_TYPE } from "../../../adapters/routing/answer.js";
import { renderTemplate } from "../../../adapters/routing/render.js";
import { targetStart } from "../../../adapters/routing/request-target.js";
import { Router } from "../../../adapters/routing/router.js";
import { parseRouteTable } from "../../../adapters/routing/table.js";
import { routingVectors, tableErrorVectors, tableFiles } from "../support/node-files.js";
import { tableOf } from "../support/vectors.js";

const encoder = new TextEncoder();

describe.each([
  ["walk", false],
  ["compiled", true],
] as const)("TypeScript router (%s), every routing vector", (_mode, compile) => {
  it.each(routingVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const router = new Router(parseRouteTable(tableOf(v, tableFiles)), { compile });
    const match = router.match(v.request.method, v.request.path);
    // As the fetch hosts route: the URL and where its target starts (the same target, not sliced).
    const path = v.request.path;
    if (path.startsWith("/") && !path.includes("#")) {
      const url = `http://vectors.test${path}`;
      expect(router.match(v.request.method, url, targetStart(url))).toEqual(match);
    }
    let status: number;
    let contentType: string;
    let body: string;
    let allow = "";
    if (match.kind === "route") {
      const route = match.entry.value;
      status = route.status;
      contentType = route.contentType;
      body = renderTemplate(route.template, match.params);
    } else {
      status = match.status;
      contentType = ERROR_CONTENT_TYPE;
      body = ERROR_BODIES[match.status]!;
      allow = match.allow;
    }
    expect(status).toBe(v.expect.status);
    const h = v.expect.headers;
    if ("content-type" in h) expect(contentType).toBe(h["content-type"] ?? "");
    if ("allow" in h) expect(allow).toBe(h["allow"] ?? "");
    if (h["content-length"] != null) expect(String(encoder.encode(body).length)).toBe(h["content-length"]);
    expect(match.head ? "" : body).toBe(v.expect.body);
  });
});

describe("TypeScript table parser, every table error", () => {
  it.each(tableErrorVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    let error: unknown;
    try {
      parseRouteTable(v.table);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "RouteTableError", line: v.line });
    expect((error as Error).message).toContain(v.message_contains);
    expect((error as Error).message.startsWith(`line ${v.line}: `)).toBe(true);
  });
});
