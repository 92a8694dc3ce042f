// The differential fuzzer's directive half: random tables with MIDDLEWARE
// (HEADER, CORS, REQUIRE_HEADER), ROUTE_MIDDLEWARE, ROUTE and handler routes
// (PROXY, PROXY_UNIX, PROXY_TCP), faults included, and random requests with
// random header fields, fed to the TypeScript port (parseTable, the router,
// evaluateDirectives, headerSetFields) and to build/router.wasm through
// WasmRouter (route_request_headers, the response record, header_set_text,
// the parameters of handler routes). Every difference is reported: load
// error line and message, needed headers, status, handler, route, header
// set, fields, echo, content type, Allow, HEAD, body, parameters.
import { ERROR_BODIES, ERROR_CONTENT_TYPE } from "../../../adapters/routing/answer.js";
import { evaluateDirectives, headerSetFields, type HeaderLookup } from "../../../adapters/routing/directives.js";
import { renderTemplate } from "../../../adapters/routing/render.js";
import { Router } from "../../../adapters/routing/router.js";
import { parseTable, type ParsedTable } from "../../../adapters/routing/table.js";
import { byteString } from "../../../adapters/routing/utf8.js";
import type { WasmRouter } from "../../../adapters/wasm.js";
import { pathOf, randomTarget, type Difference, type Random } from "./differential.js";

const HEADER_NAMES = ["X-App", "x-app", "Vary", "Cache-Control", "X-Powered-By", "Content-Type", "Allow", "bad name", "X-É", "Set-Cookie"];
const HEADER_VALUES = ["demo", "", "a b", "Origin", "no-cache", "é", " lead", "trail ", "a\u0001b", "x, y"];
const REQUIRE_NAMES = ["X-Key", "x-key", "Authorization", "authorization", "X-Other"];
const REQUIRE_VALUES = ["k", "K", "Bearer s3cret", "Basic abc", "", "é", "Bearer", "k k"];
const ORIGINS = ["*", "https://a.test", "https://a.test,https://b.test", " https://a.test , https://b.test ", "https://b.test,https://a.test,null", "", "*,https://a.test", "a b", " * "];
const CORS_METHODS = ["", "GET,POST", "GET, PUT, DELETE", "G E T", "PROPFIND"];
const CORS_HEADERS = ["", "x-a,x-b", "*", "Content-Type", "bad header"];
const CREDENTIALS = ["", "true", "false", "yes"];
const MAX_AGES = ["", "0", "600", "2147483647", "-1", "2147483648", "1.5"];
const PROXY_ADDRESSES = ["/tmp/fallback.sock", "127.0.0.1:9000", "127.0.0.1\t9000", "localhost:0", "", "host:65536"];

function middlewareLine(r: Random, faults: boolean): string {
  const k = r.next();
  // Each list starts with its valid values: without faults, mostly those.
  const name = (list: readonly string[], valid: number) => r.pick(faults || r.chance(0.05) ? list : list.slice(0, valid));
  if (k < 0.4) return ["MIDDLEWARE", "HEADER", name(HEADER_NAMES, 5), name(HEADER_VALUES, 5)].join("\t");
  if (k < 0.7) return ["MIDDLEWARE", "REQUIRE_HEADER", name(REQUIRE_NAMES, 5), name(REQUIRE_VALUES, 4)].join("\t");
  const fields = ["MIDDLEWARE", "CORS", name(ORIGINS, 5), name(CORS_METHODS, 3), name(CORS_HEADERS, 4), name(CREDENTIALS, 3), name(MAX_AGES, 4)];
  const keep = 3 + r.int(5);
  return fields.slice(0, keep).join("\t");
}

function routeMiddlewareLine(r: Random, routes: number, faults: boolean): string {
  const index = faults && r.chance(0.1) ? String(routes + r.int(3)) : String(r.int(Math.max(routes, 1)));
  const k = r.next();
  if (faults && k < 0.05) return ["ROUTE_MIDDLEWARE", index, "CORS", "*"].join("\t");
  if (k < 0.5) return ["ROUTE_MIDDLEWARE", index, "HEADER", r.pick(HEADER_NAMES.slice(0, faults ? undefined : 5)), r.pick(HEADER_VALUES.slice(0, faults ? undefined : 5))].join("\t");
  return ["ROUTE_MIDDLEWARE", index, "REQUIRE_HEADER", r.pick(REQUIRE_NAMES), r.pick(REQUIRE_VALUES.slice(0, faults ? undefined : 4))].join("\t");
}

function routeLine(r: Random, faults: boolean): string {
  const { method, path, names } = pathOf(r, faults);
  const k = r.next();
  if (k < 0.35) {
    const word = r.pick(["PROXY", "PROXY", "PROXY_UNIX", "PROXY_TCP"]);
    const address = word === "PROXY" ? [] : [faults ? r.pick(PROXY_ADDRESSES) : word === "PROXY_UNIX" ? "/tmp/f.sock" : "127.0.0.1:9000"];
    return [word, method, path, ...address].join("\t");
  }
  const body = names.length > 0 && r.chance(0.6) ? `v {${r.pick(names)}}` : "ok";
  const status = r.pick(["200", "201", "204", "401", "404"]);
  const line = [method, path, status, status === "204" ? "" : "text/plain", status === "204" ? "" : body].join("\t");
  return r.chance(0.2) ? `ROUTE\t${line}` : line;
}

/** A random table with directives and handler routes. */
export function randomDirectiveTable(r: Random): string {
  const faults = r.chance(0.25);
  const routes: string[] = [];
  for (let i = 0, n = 1 + r.int(6); i < n; i++) routes.push(routeLine(r, faults));
  const lines = [...routes];
  for (let i = 0, n = r.int(5); i < n; i++) lines.splice(r.int(lines.length + 1), 0, middlewareLine(r, faults));
  for (let i = 0, n = r.int(4); i < n; i++) lines.splice(r.int(lines.length + 1), 0, routeMiddlewareLine(r, routes.length, faults));
  return lines.join("\n") + "\n";
}

const REQUEST_METHODS = ["GET", "GET", "HEAD", "POST", "OPTIONS", "OPTIONS", "PUT", "DELETE", "PATCH", "PROPFIND"];
const REQUEST_FIELDS: readonly [string, readonly (string | null)[]][] = [
  ["origin", ["https://a.test", "https://b.test", "null", "", null, null]],
  ["access-control-request-method", ["GET", "PUT", "", null, null]],
  ["access-control-request-headers", ["x-a", "", "X-A, x-b", "é", null, null]],
  ["x-key", ["k", "K", "kk", "", "k, k", null]],
  ["authorization", ["Bearer s3cret", "Bearer s3cre", "Basic abc", "bearer s3cret", null]],
  ["x-other", ["x", null]],
];

/** Random header fields of a request: name -> value (fields of one name already joined by ", "). */
function randomFields(r: Random): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, values] of REQUEST_FIELDS) {
    const value = r.pick(values);
    if (value !== null) fields.set(name, value);
  }
  return fields;
}

interface Seen {
  status: number;
  handler: boolean;
  route: number;
  headerSet: number;
  fields: string[];
  echo: string;
  contentType: string;
  allow: string;
  head: boolean;
  body: string;
  params: [string, string][];
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

function tsSeen(table: ParsedTable, router: Router<ParsedTable["entries"][number]["value"]>, method: string, target: string, header: HeaderLookup): Seen {
  const match = router.match(method, target);
  const route = match.kind === "route" ? match.entry.value : null;
  const outcome = evaluateDirectives(table, route?.index ?? -1, method, header);
  const fields = headerSetFields(table, outcome.headerSet).map(([name, value]) => `${name}: ${byteString(value)}`);
  const base = { route: route?.index ?? -1, headerSet: outcome.headerSet, fields, echo: outcome.echo ?? "", head: match.head, allow: "", params: [] as [string, string][] };
  if (outcome.status === 204) return { ...base, status: 204, handler: false, contentType: "", body: "" };
  if (outcome.status === 401) return { ...base, status: 401, handler: false, contentType: ERROR_CONTENT_TYPE, body: ERROR_BODIES[401]! };
  if (route === null) return { ...base, status: match.status, handler: false, contentType: ERROR_CONTENT_TYPE, allow: match.allow, body: ERROR_BODIES[match.status]! };
  if (route.kind === "handler") return { ...base, status: 0, handler: true, contentType: "", body: "", params: Object.entries(match.params) };
  const body = decoder.decode(new TextEncoder().encode(renderTemplate(route.template, match.params)));
  return { ...base, status: route.status, handler: false, contentType: route.contentType, body };
}

function wasmSeen(wasm: WasmRouter, method: string, target: string, header: HeaderLookup): Seen {
  const a = wasm.route(method, target, wasm.neededHeaders.map((name) => header(name)));
  const fields = wasm.headerFields(a.headerSet).map(([name, value]) => `${name}: ${value}`);
  const params = a.handler && a.paramCount > 0 ? Object.entries(wasm.params(a.route)) : [];
  return {
    status: a.status,
    handler: a.handler,
    route: a.route,
    headerSet: a.headerSet,
    fields,
    echo: a.echo,
    contentType: a.handler ? "" : a.contentType,
    allow: a.allow,
    head: a.head,
    body: a.handler ? "" : decoder.decode(a.body),
    params,
  };
}

// Keys in one order, whichever order each side built them in.
function canonical(seen: Seen): string {
  return JSON.stringify(Object.fromEntries(Object.entries(seen).sort(([a], [b]) => (a < b ? -1 : 1))));
}

function loadResult(load: () => void): string {
  try {
    load();
    return "loaded";
  } catch (error) {
    const e = error as { line?: number; message: string };
    return `line ${e.line}: ${e.message}`;
  }
}

/** How often each kind of answer came up (the generator must reach them all). */
export interface Reached {
  preflight: number;
  unauthorized: number;
  handler: number;
  handlerParams: number;
  fields: number;
  echo: number;
}

export function noneReached(): Reached {
  return { preflight: 0, unauthorized: 0, handler: 0, handlerParams: 0, fields: 0, echo: 0 };
}

/** One random directive table and `requests` random requests; the differences found. */
export function compareDirectivesOnce(r: Random, wasm: WasmRouter, requests: number, reached: Reached = noneReached()): { differences: Difference[]; loaded: boolean; requests: number } {
  const text = randomDirectiveTable(r);
  let table: ParsedTable | null = null;
  const tsLoad = loadResult(() => (table = parseTable(text)));
  const wasmLoad = loadResult(() => wasm.loadRoutes(text));
  if (tsLoad !== wasmLoad) return { differences: [{ table: text, what: "load", ts: tsLoad, wasm: wasmLoad }], loaded: false, requests: 0 };
  if (table === null) return { differences: [], loaded: false, requests: 0 };
  const parsed: ParsedTable = table;
  const differences: Difference[] = [];
  if (JSON.stringify(parsed.neededHeaders) !== JSON.stringify(wasm.neededHeaders)) {
    differences.push({ table: text, what: "needed headers", ts: parsed.neededHeaders, wasm: wasm.neededHeaders });
  }
  const router = new Router(parsed.entries);
  for (let i = 0; i < requests; i++) {
    const method = r.pick(REQUEST_METHODS);
    const target = randomTarget(r, text);
    const fields = randomFields(r);
    const header: HeaderLookup = (name) => fields.get(name) ?? null;
    const ts = tsSeen(parsed, router, method, target, header);
    const wa = wasmSeen(wasm, method, target, header);
    reached.preflight += ts.status === 204 && ts.headerSet !== 0 ? 1 : 0;
    reached.unauthorized += ts.status === 401 && ts.body === "Unauthorized" ? 1 : 0;
    reached.handler += ts.handler ? 1 : 0;
    reached.handlerParams += ts.params.length > 0 ? 1 : 0;
    reached.fields += ts.fields.length > 0 ? 1 : 0;
    reached.echo += ts.echo !== "" ? 1 : 0;
    if (canonical(ts) !== canonical(wa)) {
      differences.push({ table: text, request: { method, target }, what: `answer with fields ${JSON.stringify([...fields])}`, ts, wasm: wa });
    }
  }
  return { differences, loaded: true, requests };
}
