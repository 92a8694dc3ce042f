// The one owner of an answer's head (adapters/answer/head.ts): the HEAD and
// 204/304 rules, the Content-Length written only when no body goes out, extra
// fields in order; and the verbs every route builder gets from the one
// method list (adapters/route-recorder.ts).
import { describe, expect, it } from "vitest";

import { answerHead, answerHeaders, answerResponse, responseInit } from "../../../adapters/answer/head.js";
import { CServer } from "../../../adapters/c.js";
import { HotpathServer, text } from "../../../adapters/index.js";
import { verbName } from "../../../adapters/route-recorder.js";
import { ROUTE_METHODS } from "../../../adapters/routing/methods.js";

describe("answerHead", () => {
  it.each([
    [200, false, { contentLength: 5, sendsBody: true }],
    [200, true, { contentLength: 5, sendsBody: false }],
    [204, false, { contentLength: -1, sendsBody: false }],
    [204, true, { contentLength: -1, sendsBody: false }],
    [304, true, { contentLength: -1, sendsBody: false }],
    [404, true, { contentLength: 5, sendsBody: false }],
  ] as const)("status %i, HEAD %s", (status, head, expected) => {
    expect(answerHead(status, "text/plain", "", 5, head)).toMatchObject(expected);
  });

  it("writes Content-Length only when no body goes out (or when asked), never for 204/304", () => {
    expect(answerHeaders(answerHead(200, "text/plain", "", 5, false)).get("content-length")).toBeNull();
    expect(answerHeaders(answerHead(200, "text/plain", "", 5, true)).get("content-length")).toBe("5");
    expect(answerHeaders(answerHead(200, "text/plain", "", 5, false), true).get("content-length")).toBe("5");
    expect(answerHeaders(answerHead(204, "", "", 0, true), true).has("content-length")).toBe(false);
    expect(answerHeaders(answerHead(304, "text/plain", "", 0, false), true).has("content-length")).toBe(false);
  });

  it("puts Content-Type, Allow, then the extra fields in order (a name twice is two values)", () => {
    const head = answerHead(405, "text/plain; charset=utf-8", "GET, HEAD", 18, false, [["x-a", "1"], ["vary", "Origin"], ["vary", "Accept"]]);
    const headers = answerHeaders(head);
    expect([...headers]).toEqual([["allow", "GET, HEAD"], ["content-type", "text/plain; charset=utf-8"], ["vary", "Origin, Accept"], ["x-a", "1"]]);
  });

  it("leaves the default status out of the init, and sends no body for HEAD", async () => {
    expect(responseInit(answerHead(200, "text/plain", "", 2, false)).status).toBeUndefined();
    expect(responseInit(answerHead(201, "text/plain", "", 2, false)).status).toBe(201);
    const response = answerResponse(answerHead(200, "text/plain", "", 2, true), "ok");
    expect([response.status, response.headers.get("content-length"), await response.text()]).toEqual([200, "2", ""]);
  });
});

describe("route verbs from the one method list", () => {
  it.each(ROUTE_METHODS.map((m) => [m, verbName(m)] as const))("%s is %s on HotpathServer and CServer", async (method, verb) => {
    const app = (new HotpathServer() as unknown as Record<string, (path: string, target: unknown) => HotpathServer>)[verb]!.call(new HotpathServer(), "/v", text("v"));
    const [record] = HotpathServer.definition(app).records;
    expect(record).toMatchObject({ method, path: "/v" });
    const c = (new CServer() as unknown as Record<string, (path: string, target: unknown) => CServer>)[verb]!.call(new CServer(), "/v", text("v"));
    expect(c.routeTable()).toBe(`${method}\t/v\t200\ttext/plain; charset=utf-8\tv\n`);
  });
});
