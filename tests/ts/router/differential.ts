// The differential fuzzer's engine: random route tables and request targets,
// fed to the TypeScript port (parser, both matchers, renderer) and to the C++
// core compiled as build/router.wasm, with every difference reported: load
// error line and message, status, content type, Allow, HEAD, body bytes, and
// through a probe table (the same methods and paths, each body naming its
// line and echoing its parameters) the route chosen and its parameters.
// Run by differential.test.ts (a short seeded run in `make test`, a long one
// with `make fuzz-differential`).
import { ERROR_BODIES, ERROR_CONTENT_TYPE } from "../../../adapters/routing/answer.js";
import { renderTemplate } from "../../../adapters/routing/render.js";
import { Router } from "../../../adapters/routing/router.js";
import { parseRouteTable, type TableRoute } from "../../../adapters/routing/table.js";
import type { RouteEntry } from "../../../adapters/routing/router.js";
import { WasmRouter } from "../../../adapters/wasm.js";

// ---- seeded randomness --------------------------------------------------------

export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }
  /** mulberry32 */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

// ---- tables -------------------------------------------------------------------

const METHODS = ["GET", "GET", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "ANY", "ANY"];
const BAD_METHODS = ["get", "FOO", "", "HEADER", "MIDDLEWARE", "Any", "CONNECT"];
const STATICS = ["a", "b", "users", "new", "x", "v1", "%41", "caf%C3%A9", "café", "a%2Fb", "", "files", "%7E", "-", "."];
const BAD_STATICS = ["%zz", "%4", "a b", "%C3", "a?b", "a#b"];
const NAMES = ["id", "name", "x", "y", "p1", "__proto__", "constructor", "toString", "rest"];
const STATUSES = ["200", "200", "201", "204", "304", "404", "500", "302"];
const BAD_STATUSES = ["199", "600", "20x", "", "2000"];
const TYPES = ["text/plain", "application/json", "text/html", "application/problem+json", "image/svg+xml", "text/plain; charset=utf-8", "TEXT/HTML", "Application/JSON; x=1", "text/xml"];
const LITERALS = ["hello ", "ok", "{", "}", '"', "\\n", "\\t", "\\r", "\\\\", "<&>'", "é", ":", "{x", "{{", "[", "]", ","];
const BAD_LITERALS = ["\\q", "\\", "\\u0041"];

interface LineSpec {
  method: string;
  path: string;
  names: string[];
}

export function pathOf(r: Random, faults: boolean): LineSpec {
  const count = r.int(5);
  const segments: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r.next();
    if (kind < 0.55) segments.push(faults && r.chance(0.03) ? r.pick(BAD_STATICS) : r.pick(STATICS));
    else if (kind < 0.85 || i < count - 1) {
      let name = r.pick(NAMES);
      if (names.includes(name) && !(faults && r.chance(0.2))) name = `${name}${i}`;
      segments.push(`:${name}`);
      names.push(name);
    } else {
      const name = r.chance(0.3) ? "" : r.pick(NAMES);
      segments.push(`*${name}`);
      if (name !== "") names.push(name);
    }
  }
  if (faults && r.chance(0.02)) segments.push("*w", "after");
  const method = faults && r.chance(0.02) ? r.pick(BAD_METHODS) : r.pick(METHODS);
  return { method, path: "/" + segments.join("/"), names };
}

function bodyOf(r: Random, names: readonly string[], json: boolean, faults: boolean): string {
  let body = "";
  const parts = r.int(5);
  for (let i = 0; i < parts; i++) {
    const k = r.next();
    if (k < 0.35 && names.length > 0) body += `{${r.pick(names)}}`;
    else if (k < 0.4 && faults) body += `{${r.pick(NAMES)}}`;  // may name no parameter
    else if (k < 0.5 && json) body += r.chance(0.5) ? `"${names.length ? `{${r.pick(names)}}` : "v"}"` : '{"k":';
    else if (faults && k < 0.52) body += r.pick(BAD_LITERALS);
    else body += r.pick(LITERALS);
  }
  return body;
}

/** A random table: mostly valid lines, some faults, comments, blanks, CRLF, a BOM. */
export function randomTable(r: Random): string {
  const faults = r.chance(0.25);
  const lines: string[] = [];
  const count = r.int(12);
  for (let i = 0; i < count; i++) {
    const k = r.next();
    if (k < 0.05) {
      lines.push(r.chance(0.5) ? "# comment" : r.chance(0.5) ? "" : " \t ");
      continue;
    }
    const { method, path, names } = pathOf(r, faults);
    let status = faults && r.chance(0.03) ? r.pick(BAD_STATUSES) : r.pick(STATUSES);
    const empty = status === "204" || status === "304";
    let type = empty && r.chance(0.5) ? "" : r.pick(TYPES);
    if (faults && r.chance(0.03)) type = r.chance(0.5) ? "" : "text/pl\u0001ain";
    let body = empty && !(faults && r.chance(0.2)) ? "" : bodyOf(r, names, type.toLowerCase().includes("json"), faults);
    if (method === "HEAD" && r.chance(0.5)) body = "";
    if (!faults && !/^\d{3}$/.test(status)) status = "200";
    const fields = [method, path, status, type];
    if (body !== "" || r.chance(0.7)) fields.push(body);
    if (faults && r.chance(0.02)) fields.push("extra");
    lines.push(fields.join("\t"));
  }
  // Duplicates of a shape, now and then.
  if (lines.length > 0 && r.chance(0.1)) lines.push(r.pick(lines));
  let text = lines.join(r.chance(0.1) ? "\r\n" : "\n");
  if (r.chance(0.8)) text += "\n";
  if (r.chance(0.03)) text = "\ufeff" + text;
  return text;
}

/** The probe of a loaded table: same methods and paths, bodies naming the line and its parameters. */
export function probeTable(routes: readonly RouteEntry<TableRoute>[]): string {
  return routes
    .map(({ value }) => {
      const names = value.path.split("/").filter((s) => /^[:*]./.test(s)).map((s) => s.slice(1));
      return `${value.method}\t${value.path}\t200\ttext/plain\tL${value.line}${names.map((n) => `|${n}={${n}}`).join("")}`;
    })
    .join("\n");
}

// ---- requests -----------------------------------------------------------------

const REQUEST_METHODS = ["GET", "GET", "GET", "HEAD", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "constructor", "__proto__", "get", "ANY", "*", "toString"];
const VALUES = ["a", "b", "users", "new", "x", "7", "%41", "%61", "caf%C3%A9", "café", "a%2Fb", "%2F", "", "%zz", "%C3", "%E2%82", "%00", "%20", "a b", "\u0001", "\u007f", "é", "€", "😀", "files", "v1", "%7E", "~", ".", "..", "%2e", "+", "%25", "%", "a%", "ü%C3%BC"];

/** A random request target, often near the table's own segments. */
export function randomTarget(r: Random, table: string): string {
  const words = table.split(/[\t\n/\r]/).filter((w) => w !== "" && w.length < 12 && !/^[:*]/.test(w));
  const count = r.int(6);
  let path = "";
  for (let i = 0; i < count; i++) path += "/" + (r.chance(0.5) && words.length > 0 ? r.pick(words) : r.pick(VALUES));
  if (path === "" || r.chance(0.1)) path += "/";
  if (r.chance(0.02)) path = r.pick(["", "*", "a/b", "?x", "#f"]) + path.slice(1);
  if (r.chance(0.15)) path += r.pick(["?", "?q=1", "?a=%zz&b", "#frag", "?x#y", "#", "?é"]);
  if (r.chance(0.01)) path += "/" + "x".repeat(8192 - path.length - 1 + r.int(3) - 1);
  if (r.chance(0.005)) path += "?" + "é".repeat(2800);
  return path;
}

// ---- one comparison -------------------------------------------------------------

export interface Seen {
  status: number;
  contentType: string;
  allow: string;
  head: boolean;
  body: string;
}

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });  // a leading U+FEFF is text
const encoder = new TextEncoder();

function tsAnswer(router: Router<TableRoute>, method: string, target: string): Seen {
  const match = router.match(method, target);
  if (match.kind === "route") {
    const route = match.entry.value;
    const body = renderTemplate(route.template, match.params);
    // As bytes and back, as the Wasm side's are read.
    return { status: route.status, contentType: route.contentType, allow: "", head: match.head, body: decoder.decode(encoder.encode(body)) };
  }
  return { status: match.status, contentType: ERROR_CONTENT_TYPE, allow: match.allow, head: match.head, body: ERROR_BODIES[match.status]! };
}

function wasmAnswer(router: WasmRouter, method: string, target: string): Seen {
  const a = router.route(method, target);
  return { status: a.status, contentType: a.contentType, allow: a.allow, head: a.head, body: decoder.decode(a.body) };
}

export interface Difference {
  table: string;
  request?: { method: string; target: string };
  what: string;
  ts: unknown;
  wasm: unknown;
}

function loaded(load: () => void): string {
  try {
    load();
    return "loaded";
  } catch (error) {
    const e = error as { line?: number; message: string };
    return `line ${e.line}: ${e.message}`;
  }
}

/** Runs one random table and `requests` random requests; the differences found. */
export function compareOnce(r: Random, wasm: WasmRouter, requests: number): { differences: Difference[]; loaded: boolean; requests: number } {
  const table = randomTable(r);
  const differences: Difference[] = [];
  let entries: RouteEntry<TableRoute>[] = [];
  const tsLoad = loaded(() => (entries = parseRouteTable(table)));
  const wasmLoad = loaded(() => wasm.loadRoutes(table));
  if (tsLoad !== wasmLoad) return { differences: [{ table, what: "load", ts: tsLoad, wasm: wasmLoad }], loaded: false, requests: 0 };
  if (tsLoad !== "loaded") return { differences, loaded: false, requests: 0 };
  const walk = new Router(entries);
  const compiled = new Router(entries, { compile: true });
  const targets = Array.from({ length: requests }, () => ({ method: r.pick(REQUEST_METHODS), target: randomTarget(r, table) }));
  const check = (label: string, request: { method: string; target: string }, a: Seen, b: Seen, c: Seen) => {
    const left = JSON.stringify(a);
    if (left !== JSON.stringify(c)) differences.push({ table, request, what: label, ts: a, wasm: c });
    else if (left !== JSON.stringify(b)) differences.push({ table, request, what: `${label}: walk vs compiled`, ts: a, wasm: b });
  };
  for (const request of targets) {
    check("answer", request, tsAnswer(walk, request.method, request.target), tsAnswer(compiled, request.method, request.target), wasmAnswer(wasm, request.method, request.target));
  }
  // The probe: which route, with which parameters.
  const probe = probeTable(entries);
  const probeEntries = parseRouteTable(probe);
  wasm.loadRoutes(probe);
  const probeWalk = new Router(probeEntries);
  const probeCompiled = new Router(probeEntries, { compile: true });
  for (const request of targets) {
    check("route and params", request, tsAnswer(probeWalk, request.method, request.target), tsAnswer(probeCompiled, request.method, request.target), wasmAnswer(wasm, request.method, request.target));
  }
  return { differences, loaded: true, requests: 2 * requests };
}
