// The reply helpers and the route-table writer: defaults and checks of the
// helpers, exact TSV output, and escaping that no user value can break out
// of. Round trips go through the real table parser (build/router.wasm's
// load_routes), so "escaped" means "read back as written" by the C++ core.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { html, json, jsonTemplate, template, text, type Reply } from "../../../adapters/reply.js";
import { escapeBody, pathParams, routeTableText, toTableLine, type ReplyRoute } from "../../../adapters/route-table-writer.js";
import { createFastWasmFetch } from "../../../adapters/wasm.js";
import { newInstance, root } from "../support/node-files.js";

/** Serves `routes` through router.wasm, loaded from the writer's table text. */
async function serve(routes: ReplyRoute[]): Promise<(path: string, method?: string) => Response> {
  const app = createFastWasmFetch({ instance: await newInstance(), routes: routeTableText(routes), cache: false });
  return (path, method = "GET") => app.fetch(new Request(`http://h${path}`, { method }));
}

describe("reply helpers", () => {
  it("have the documented defaults and return frozen reply objects", () => {
    expect(text("ok")).toEqual({ kind: "reply", status: 200, contentType: "text/plain; charset=utf-8", body: "ok", templated: false });
    expect(html("<p>hi</p>")).toMatchObject({ contentType: "text/html; charset=utf-8", body: "<p>hi</p>", templated: false });
    expect(json({ ok: true })).toMatchObject({ contentType: "application/json; charset=utf-8", body: '{"ok":true}', templated: false });
    expect(template("hello {name}")).toMatchObject({ contentType: "text/plain; charset=utf-8", body: "hello {name}", templated: true });
    expect(jsonTemplate({ id: "{id}" })).toMatchObject({ contentType: "application/json; charset=utf-8", body: '{"id":"{id}"}', templated: true });
    for (const reply of [text("a"), html("a"), json(1), template("a"), jsonTemplate("a")]) {
      expect(Object.isFrozen(reply)).toBe(true);
      expect(reply.status).toBe(200);
    }
  });

  it("take a status and a content type", () => {
    expect(text("gone", 410, "text/plain")).toMatchObject({ status: 410, contentType: "text/plain" });
    expect(json([1, "two"], 201, "application/vnd.x+json")).toMatchObject({ status: 201, body: '[1,"two"]', contentType: "application/vnd.x+json" });
    expect(text("", 204)).toMatchObject({ status: 204, body: "" });
    expect(html("", 304, "")).toMatchObject({ status: 304, contentType: "" });
  });

  it("reject statuses outside 200..599 and non-integers with RangeError", () => {
    for (const status of [0, 100, 199, 600, 200.5, Number.NaN, Infinity]) {
      expect(() => text("x", status)).toThrow(RangeError);
      expect(() => jsonTemplate({}, status)).toThrow(RangeError);
    }
  });

  it("reject a body on 204 and 304", () => {
    expect(() => text("x", 204)).toThrow(RangeError);
    expect(() => template("{x}", 304)).toThrow(RangeError);
    expect(() => json(null, 204)).toThrow(/204 reply has no body/);
  });

  it("reject values with no JSON form", () => {
    expect(() => json(undefined)).toThrow(TypeError);
    expect(() => jsonTemplate(() => 1)).toThrow(TypeError);
    expect(() => json(1n)).toThrow(TypeError);  // JSON.stringify's own error
  });
});

describe("toTableLine and routeTableText", () => {
  it("write bench/c-core.tsv exactly", () => {
    const routes: ReplyRoute[] = [
      { method: "GET", path: "/", reply: text("ok") },
      { method: "HEAD", path: "/", reply: text("") },
      { method: "GET", path: "/hello/:name", reply: template("hello {name}") },
      { method: "HEAD", path: "/hello/:name", reply: text("") },
      { method: "GET", path: "/json", reply: json({ ok: true }) },
      { method: "HEAD", path: "/json", reply: text("", 200, "application/json; charset=utf-8") },
    ];
    expect(routeTableText(routes)).toBe(readFileSync(`${root}bench/c-core.tsv`, "utf8"));
  });

  it("write ANY, empty content types for 204 and an empty table", () => {
    expect(toTableLine("ANY", "/*rest", text("any"))).toBe("ANY\t/*rest\t200\ttext/plain; charset=utf-8\tany\n");
    expect(toTableLine("DELETE", "/x", text("", 204, ""))).toBe("DELETE\t/x\t204\t\t\n");
    expect(routeTableText([])).toBe("");
  });

  it("escape backslash, tab, LF and CR in bodies, and nothing else", () => {
    expect(escapeBody("a\\b\tc\nd\re")).toBe("a\\\\b\\tc\\nd\\re");
    expect(escapeBody("\\t")).toBe("\\\\t");  // a literal backslash-t stays two characters
    expect(escapeBody('{"ok":true} é 😀')).toBe('{"ok":true} é 😀');
    const line = toTableLine("GET", "/x", text("a\tb\nc\\d\r\n\\n"));
    expect(line.split("\n")).toEqual([expect.any(String), ""]);  // one line
    expect(line.split("\t")).toHaveLength(5);  // five fields
  });

  it("round-trip awkward bodies through the real table parser", async () => {
    const bodies = ["a\tb\nc\\d\r\n", "\\t\\n\\\\", "\\", "trailing backslash\\", "\r\n\r\n", "tab\t\tend\t", "é 😀 \u2028"];
    const routes = bodies.map((body, i): ReplyRoute => ({ method: "GET", path: `/b${i}`, reply: text(body) }));
    const get = await serve(routes);
    for (const [i, body] of bodies.entries()) expect(await get(`/b${i}`).text()).toBe(body);
  });

  it("keep an injected line inside its body", async () => {
    const evil = "x\nGET\t/admin\t200\ttext/plain\tpwned\n";
    const line = toTableLine("GET", "/a", text(evil));
    expect(line.match(/\n/g)).toHaveLength(1);
    const get = await serve([{ method: "GET", path: "/a", reply: text(evil) }]);
    expect(await get("/a").text()).toBe(evil);
    expect(get("/admin").status).toBe(404);
  });

  it("reject paths that could inject a field or line, or that the table forbids", () => {
    const bad = ["/a\tb", "/a\nGET\t/x\t200\ttext/plain\tx", "/a\rb", "/a b", "/a?x=1", "/a#top", "a", "", "/a\u0000", "/a\u007f"];
    for (const path of bad) {
      expect(() => toTableLine("GET", path, text("x"))).toThrow(`route GET ${JSON.stringify(path)}:`);
    }
    expect(() => toTableLine("GET", "/a b", text("x"))).toThrow(/must not contain " "/);
    expect(toTableLine("GET", "/caf%C3%A9/café", text("x"))).toBe("GET\t/caf%C3%A9/café\t200\ttext/plain; charset=utf-8\tx\n");
  });

  it("reject content types that are not printable ASCII, or that a tab would cut", () => {
    for (const type of ["text/plain\nGET\t/x\t200\ttext/plain\tx", "text/plain\r", "text/plàin", "a\u0000", "\u00a0text/html"]) {
      expect(() => text("x", 200, type)).toThrow(/^reply: invalid content type .*: only printable ASCII is allowed$/);
      const forged: Reply = { kind: "reply", status: 200, contentType: type, body: "x", templated: false };
      expect(() => toTableLine("GET", "/x", forged)).toThrow(/route GET "\/x": reply: invalid content type .* printable ASCII/);
    }
    // A tab is a field's byte (the table reads it so), but would end the table's field.
    expect(text("x", 200, "text/plain;\tq=1").contentType).toBe("text/plain;\tq=1");
    expect(() => toTableLine("GET", "/x", text("x", 200, "text/plain\tx"))).toThrow(/route GET "\/x": content type .* holds a tab/);
  });

  it("reject a blank content type but for 204 and 304, as a table line does", () => {
    for (const type of ["", " ", "\t "]) {
      expect(() => text("x", 200, type)).toThrow(/^reply: missing content type \(it may be empty only for status 204 and 304\)$/);
      expect(() => template("x", 404, type)).toThrow(/missing content type/);
    }
    expect(text("", 204, "").contentType).toBe("");
    expect(text("", 304, "").contentType).toBe("");
    const forged: Reply = { kind: "reply", status: 200, contentType: "", body: "x", templated: false };
    expect(() => toTableLine("GET", "/x", forged)).toThrow(/route GET "\/x": reply: missing content type/);
  });

  it("reject unknown methods, and replies forged past the helpers' checks", () => {
    for (const method of ["get", "FOO", "GET\t/x", "ANY "]) expect(() => toTableLine(method, "/x", text("x"))).toThrow(/method must be one of/);
    const forged = { kind: "reply", status: 99, contentType: "text/plain", body: "x", templated: false } as const;
    expect(() => toTableLine("GET", "/x", forged)).toThrow(/route GET "\/x": reply status must be an integer/);
    const bodied204: Reply = { ...text("", 204), body: "x" };
    expect(() => toTableLine("GET", "/x", bodied204)).toThrow(/204 reply has no body/);
  });

  it("reject text with lone UTF-16 surrogates (no UTF-8 form)", () => {
    expect(() => toTableLine("GET", "/x", text("a\ud800b"))).toThrow(/lone UTF-16 surrogate/);
    expect(() => toTableLine("GET", "/\udc00", text("x"))).toThrow(/lone UTF-16 surrogate/);
  });
});

describe("placeholders", () => {
  it("are read from :name and *name, wherever they stand in a segment", () => {
    expect(pathParams("/users/:id/files/*rest")).toEqual(["id", "rest"]);
    expect(pathParams("/a/*")).toEqual([]);
    expect(pathParams("/a:b/x")).toEqual(["b"]);  // a raw ':' starts a parameter
    expect(pathParams("/a%3Ab/x")).toEqual([]);  // %3A is a literal ':'
    expect(pathParams("/f/:from-:to/:id{[0-9]+}.json/*p.png")).toEqual(["from", "to", "id", "p"]);
    expect(pathParams("/v/:a?/:b{[0-9]+}?")).toEqual(["a", "b"]);
  });

  it("accept the route syntax the table accepts, and refuse what it refuses with its words", () => {
    expect(toTableLine("GET", "/post/:id{[0-9]{4}}/:type?", template("{id} {type}"))).toBe("GET\t/post/:id{[0-9]{4}}/:type?\t200\ttext/plain; charset=utf-8\t{id} {type}\n");
    expect(() => toTableLine("GET", "/a?b", text("x"))).toThrow(/spaces, control bytes, '\?' and '#' are not allowed/);
    expect(() => toTableLine("GET", "/a/:id{a**}", text("x"))).toThrow(/invalid constraint 'a\*\*' of parameter 'id'/);
  });

  it("are rejected in fixed bodies, since the table has no brace escape", () => {
    expect(() => toTableLine("GET", "/hello/:name", text("hello {name}"))).toThrow(
      /route GET "\/hello\/:name": the body contains \{name\}, which the route table would read as a placeholder/,
    );
    expect(() => toTableLine("GET", "/", html("<script>if (a) {x}</script>"))).toThrow(/\{x\}.*template\(\)/);
    expect(() => toTableLine("GET", "/", json({ a: "{b}" }))).toThrow(/jsonTemplate\(\)/);
  });

  it("leave other braces alone in fixed bodies", () => {
    for (const body of ['{"ok":true}', "{ x }", "{1a}", "{a-b}", "{}", "{{", "a}{b"]) {
      expect(toTableLine("GET", "/", text(body))).toBe(`GET\t/\t200\ttext/plain; charset=utf-8\t${body}\n`);
    }
    expect(toTableLine("GET", "/", json({ ok: true, list: [{}] }))).toContain('{"ok":true,"list":[{}]}');
  });

  it("in templates must name a parameter of the route", () => {
    expect(toTableLine("GET", "/hello/:name", template("hello {name}"))).toBe("GET\t/hello/:name\t200\ttext/plain; charset=utf-8\thello {name}\n");
    expect(toTableLine("GET", "/f/*path", template("{path}{path}"))).toContain("\t{path}{path}\n");
    expect(() => toTableLine("GET", "/hello/:name", template("hello {nam}"))).toThrow(
      'route GET "/hello/:name": placeholder {nam} names no parameter of the path (parameters: name)',
    );
    expect(() => toTableLine("GET", "/", jsonTemplate({ id: "{id}" }))).toThrow(/\{id\} names no parameter .*parameters: none/);
  });

  it("are substituted and escaped by the real renderer", async () => {
    const get = await serve([
      { method: "GET", path: "/hello/:name", reply: template("hello {name}\t!") },
      { method: "GET", path: "/users/:id", reply: jsonTemplate({ id: "{id}", tags: ["{id}", 1], "{id}": null }) },
      { method: "GET", path: "/page/:t", reply: template("<b>{t}</b>", 200, "text/html; charset=utf-8") },
    ]);
    expect(await get("/hello/r%C3%A9").text()).toBe("hello ré\t!");
    const user = get("/users/x%22,%22admin%22:true");
    expect(user.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await user.json()).toEqual({ id: 'x","admin":true', tags: ['x","admin":true', 1], 'x","admin":true': null });
    expect(await get("/page/%3Ci%3E").text()).toBe("<b>&lt;i&gt;</b>");
  });
});
