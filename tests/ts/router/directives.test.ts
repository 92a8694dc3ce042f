// The TypeScript port of the directives and handler routes
// (adapters/routing/directives.ts, table-directives.ts) on the shared
// vectors, and held to the C++ core: for every vector, the header set and
// the answer's fields equal what the real router.wasm computes.
import { beforeAll, describe, expect, it } from "vitest";

import { ERROR_BODIES, ERROR_CONTENT_TYPE, statusHasBody } from "../../../adapters/routing/answer.js";
import { evaluateDirectives, headerSetFields } from "../../../adapters/routing/directives.js";
import { renderTemplate } from "../../../adapters/routing/render.js";
import { Router } from "../../../adapters/routing/router.js";
import { parseTable } from "../../../adapters/routing/table.js";
import { WasmRouter } from "../../../adapters/wasm.js";
import { directiveErrorVectors, directiveVectors, newInstance, routingVectors, tableFiles } from "../support/node-files.js";
import { requestFields, tableOf, vectorHandlerBody, type RoutingVector } from "../support/vectors.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: string;
  headerSet: number;
}

function lookupOf(v: RoutingVector): (name: string) => string | null {
  const fields = requestFields(v);
  return (name) => {
    const values = fields.filter(([f]) => f.toLowerCase() === name).map(([, value]) => value);
    return values.length === 0 ? null : values.join(", ");
  };
}

/** The answer of the TypeScript port: router, directives, rendering, the vectors' handler. */
function answer(v: RoutingVector): Answer {
  const table = parseTable(tableOf(v, tableFiles));
  const router = new Router(table.entries);
  const match = router.match(v.request.method, v.request.path);
  const routeIndex = match.kind === "route" ? match.entry.value.index : -1;
  const outcome = evaluateDirectives(table, routeIndex, v.request.method, lookupOf(v));
  const headers = new Map<string, string>();
  let status: number;
  let body: string;
  if (outcome.status === 204) {
    status = 204;
    body = "";
  } else if (outcome.status === 401) {
    status = 401;
    body = ERROR_BODIES[401]!;
    headers.set("content-type", ERROR_CONTENT_TYPE);
  } else if (match.kind === "route" && match.entry.value.kind === "handler") {
    status = 200;
    body = vectorHandlerBody(v.request.method, match.entry.value.path, Object.entries(match.params));
    headers.set("content-type", "text/plain; charset=utf-8");
  } else if (match.kind === "route") {
    status = match.entry.value.status;
    body = renderTemplate(match.entry.value.template, match.params);
    if (match.entry.value.contentType !== "") headers.set("content-type", match.entry.value.contentType);
  } else {
    status = match.status;
    body = ERROR_BODIES[match.status]!;
    headers.set("content-type", ERROR_CONTENT_TYPE);
    if (match.allow !== "") headers.set("allow", match.allow);
  }
  if (statusHasBody(status)) headers.set("content-length", String(encoder.encode(body).length));
  else body = "";
  const seen = new Set<string>();
  for (const [name, value] of headerSetFields(table, outcome.headerSet)) {
    const key = name.toLowerCase();
    const had = seen.has(key) ? headers.get(key) : undefined;
    headers.set(key, had === undefined ? value : `${had}, ${value}`);
    seen.add(key);
  }
  if (outcome.echo !== null) headers.set("access-control-allow-headers", outcome.echo);
  return { status, headers, body: match.head ? "" : body, headerSet: outcome.headerSet };
}

describe("TypeScript port, every directive vector", () => {
  it.each(directiveVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const a = answer(v);
    expect(a.status).toBe(v.expect.status);
    for (const [name, value] of Object.entries(v.expect.headers)) expect(a.headers.get(name) ?? null, name).toBe(value);
    expect(a.body).toBe(v.expect.body);
  });
});

describe("TypeScript table parser, every directive table error", () => {
  it.each(directiveErrorVectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    let error: unknown;
    try {
      parseTable(v.table);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ name: "RouteTableError", line: v.line });
    expect((error as Error).message).toContain(v.message_contains);
  });
});

describe("the port agrees with router.wasm", () => {
  let instance: WebAssembly.Instance;
  beforeAll(async () => {
    instance = await newInstance();
  });

  const everyVector = [...directiveVectors, ...routingVectors.filter((v) => !v.request.path.includes("\n"))];
  it.each(everyVector.map((v) => [v.id, v] as const))("%s: same header set, fields and needed headers", (_id, v) => {
    const text = tableOf(v, tableFiles);
    const table = parseTable(text);
    const router = new WasmRouter(instance);
    router.loadRoutes(text);
    const abi = router.exports;
    const needed = Array.from({ length: abi.needed_header_count() }, (_, i) =>
      decoder.decode(new Uint8Array(abi.memory.buffer, abi.needed_header_ptr(i), abi.needed_header_len(i))),
    );
    expect(needed).toEqual(table.neededHeaders);
    expect(abi.route_count()).toBe(table.entries.length);
    // route_request_headers with the needed values.
    const lookup = lookupOf(v);
    const block: number[] = [];
    for (const name of needed) {
      const value = lookup(name);
      if (value === null) block.push(0xff, 0xff, 0xff, 0xff);
      else {
        const bytes = encoder.encode(value);
        block.push(bytes.length & 0xff, (bytes.length >> 8) & 0xff, (bytes.length >> 16) & 0xff, bytes.length >>> 24, ...bytes);
      }
    }
    const target = encoder.encode(v.request.path);
    const [ptr] = router.writeInput(new Uint8Array([...target, ...block]));
    abi.route_request_headers(v.request.method in { GET: 0, HEAD: 1, POST: 2, PUT: 3, PATCH: 4, DELETE: 5, OPTIONS: 6 }
      ? ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].indexOf(v.request.method) : 7, ptr, target.length, ptr + target.length, block.length);
    const record = new Uint32Array(abi.memory.buffer, abi.response_record(), 14);
    const ours = answer(v);
    expect(record[9]).toBe(ours.headerSet);
    const packed = abi.header_set_text(record[9]!);
    const wasmText = decoder.decode(new Uint8Array(abi.memory.buffer, Number(packed >> 32n), Number(packed & 0xffffffffn)));
    const tsText = headerSetFields(table, ours.headerSet).map(([n, value]) => `${n}: ${value}\n`).join("");
    expect(tsText).toBe(wasmText);
  });
});
