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
import { patternParams } from "../../../adapters/routing/pattern.js";
import { requestTarget, targetStart } from "../../../adapters/routing/request-target.js";
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

// The forms of issue 16: constraints, several parameters and static text in
// one segment, optional trailing segments, wildcards with static text.
const CONSTRAINTS = ["[0-9]+", "\\d+", "[a-z]+", "[a-z-]+", "(png|jpg)", "[0-9]{2,4}", "^[a-f0-9]+$", "(?:ab|a)b*", ".+", "[^.]+", "\\w{1,3}", "x|y|xy", "[A-Z][a-z]*", "(a|b)*c?", "\\.|-", "\\D", "[0-9a-f]{8}", ".*"];
const BAD_CONSTRAINTS = ["é*", "[0-9", "a**", "a+?", "(a", "a)", "\\q", "[z-a]", "a{2,1}", "", "a{999}", "[a/b]", "(?=a)", "a^", "[]", "*", "{2}"];
// After a constraint's "}" any text may follow a parameter; after a bare
// name, a name character would only make the name longer.
const SEPARATORS = ["-", ".", "~", "@", ".tar.", "--", "%2D", ","];
const AFTER_CONSTRAINT = ["h", "x", "_", "1", "-"];
const PREFIXES = ["v", "img-", "a", "%41", "caf%C3%A9", "-", "x.", "é", "assets"];
const SUFFIXES = [".png", ".json", "-", ".", "~x", "%41", "é", ".tar.gz", ".png.png"];

function paramText(r: Random, name: string, faults: boolean): string {
  const k = r.next();
  if (k < 0.5) return `:${name}`;
  if (faults && r.chance(0.2)) return `:${name}{${r.pick(BAD_CONSTRAINTS)}}`;
  return `:${name}{${r.pick(CONSTRAINTS)}}`;
}

function newName(r: Random, names: string[], faults: boolean, i: number): string {
  let name = r.pick(NAMES);
  if (names.includes(name) && !(faults && r.chance(0.2))) name = `${name}${i}${names.length}`;
  names.push(name);
  return name;
}

export function pathOf(r: Random, faults: boolean): LineSpec {
  const count = r.int(5);
  const segments: string[] = [];
  const names: string[] = [];
  let optional = false;
  for (let i = 0; i < count; i++) {
    const kind = r.next();
    const lastOne = i === count - 1;
    if (optional || (lastOne && kind < 0.12)) {
      // Optional trailing segments (and, with faults, a required one after them).
      if (optional && faults && r.chance(0.1)) segments.push(r.pick(STATICS));
      else segments.push(`${paramText(r, newName(r, names, faults, i), faults)}?`);
      optional = true;
    } else if (kind < 0.45) segments.push(faults && r.chance(0.03) ? r.pick(BAD_STATICS) : r.pick(STATICS));
    else if (kind < 0.62 || (i < count - 1 && kind < 0.85)) segments.push(paramText(r, newName(r, names, faults, i), faults));
    else if (kind < 0.78 || i < count - 1) {
      // Several parameters and static text in one segment.
      let text = r.chance(0.4) ? r.pick(PREFIXES) : "";
      const params = 1 + r.int(3);
      for (let p = 0; p < params; p++) {
        if (p > 0 && !(faults && r.chance(0.05))) text += text.endsWith("}") && r.chance(0.5) ? r.pick(AFTER_CONSTRAINT) : r.pick(SEPARATORS);
        text += paramText(r, newName(r, names, faults, i), faults);
      }
      if (r.chance(0.5) || (params === 1 && !/[{]/.test(text) && text.startsWith(":"))) text += r.pick(SUFFIXES);
      if (faults && r.chance(0.05)) text = r.pick([":na-me", ":a:b", ":a?-:b", "*x*", ":x*", "a:", ":1x", ":a{1}-", "*a-b"]);
      segments.push(text);
    } else {
      const name = r.chance(0.3) ? "" : newName(r, names, faults, i);
      const k = r.next();
      if (k < 0.5) segments.push(`*${name}`);
      else if (k < 0.75) segments.push(`*${name}${r.pick(SUFFIXES)}`);
      else segments.push(`${r.pick(PREFIXES)}*${name}${r.chance(0.5) ? r.pick(SUFFIXES) : ""}`);
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
      const names = patternParams(value.path).filter((n) => n !== "");
      return `${value.method}\t${value.path}\t200\ttext/plain\tL${value.line}${names.map((n) => `|${n}={${n}}`).join("")}`;
    })
    .join("\n");
}

// ---- requests -----------------------------------------------------------------

const REQUEST_METHODS = ["GET", "GET", "GET", "HEAD", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "constructor", "__proto__", "get", "ANY", "*", "toString"];
const VALUES = ["a", "b", "users", "new", "x", "7", "%41", "%61", "caf%C3%A9", "café", "a%2Fb", "%2F", "", "%zz", "%C3", "%E2%82", "%00", "%20", "a b", "\u0001", "\u007f", "é", "€", "😀", "files", "v1", "%7E", "~", ".", "..", "%2e", "+", "%25", "%", "a%", "ü%C3%BC"];

const SAMPLES = ["123", "2024", "7", "ab", "a-b", "a-b-c", "x.png", "a.b.c", "file.tar.gz", "ams-lhr", "ab-12", "img-5.png", "v2", "v1.2", "assets", "assets-v2", ".png", "x.jpg", "png", "jpg", "abc", "xy", "c", "deadbeef", "DEADBEEF", "Ab", "a~b", "2h30m", "a@b", "é-ü", "%41-%42", "a%2Db", "a.png.png", "ab--cd", "x.tar.gz", "caf%C3%A9-1", "-", ".", "a_b"];

// A value for a pattern segment of the table: its static text kept, each
// parameter replaced by a sample, each wildcard by a few segments.
function sampleOf(r: Random, segment: string): string {
  return segment
    .replace(/:[A-Za-z0-9_]*(\{(?:[^{}]|\{[^{}]*\})*\})?\??/g, () => r.pick(SAMPLES))
    .replace(/\*[A-Za-z0-9_]*/g, () => Array.from({ length: r.int(3) }, () => r.pick(SAMPLES)).join("/"));
}

/** A random request target, often near the table's own segments. */
export function randomTarget(r: Random, table: string): string {
  const paths = table.split("\n").map((line) => line.split("\t")[1] ?? "").filter((p) => p.startsWith("/"));
  const words = table.split(/[\t\n/\r]/).filter((w) => w !== "" && w.length < 12 && !/[:*]/.test(w));
  // Half the time, follow one of the table's paths, segment by segment.
  if (paths.length > 0 && r.chance(0.5)) {
    const segments = r.pick(paths).slice(1).split("/");
    const kept = segments.slice(0, segments.length - (r.chance(0.3) ? r.int(segments.length + 1) : 0));
    let path = "/" + kept.map((s) => (r.chance(0.1) ? r.pick(VALUES) : /[:*]/.test(s) ? sampleOf(r, s) : s)).join("/");
    if (r.chance(0.1)) path += "/" + r.pick(SAMPLES);
    if (r.chance(0.1)) path += r.pick(["?", "?q=1", "#f"]);
    return path;
  }
  const count = r.int(6);
  let path = "";
  for (let i = 0; i < count; i++) path += "/" + (r.chance(0.5) && words.length > 0 ? r.pick(words) : r.chance(0.3) ? r.pick(SAMPLES) : r.pick(VALUES));
  if (path === "" || r.chance(0.1)) path += "/";
  if (r.chance(0.02)) path = r.pick(["", "*", "a/b", "?x", "#f"]) + path.slice(1);
  if (r.chance(0.15)) path += r.pick(["?", "?q=1", "?a=%zz&b", "#frag", "?x#y", "#", "?é"]);
  if (r.chance(0.01)) path += "/" + "x".repeat(8192 - path.length - 1 + r.int(3) - 1);
  if (r.chance(0.005)) path += "?" + "é".repeat(2800);
  if (r.chance(0.005)) path += "/" + "a-".repeat(1000 + r.int(1000)) + r.pick(["x", "1", ".png"]);
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

function tsAnswer(router: Router<TableRoute>, method: string, target: string, start = 0): Seen {
  const match = router.match(method, target, start);
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

// A route's parameters as sorted [name, value] pairs (JSON), or "" for no route.
function paramsSeen(router: Router<TableRoute>, method: string, target: string): string {
  const match = router.match(method, target);
  return match.kind === "route" ? JSON.stringify(Object.entries(match.params).sort()) : "";
}

function wasmParams(router: WasmRouter, method: string, target: string): string {
  const a = router.route(method, target);
  return a.route < 0 || a.status >= 400 ? "" : JSON.stringify(Object.entries(router.params(a.route)).sort());
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
    // As the fetch hosts route: the request's URL and where its target starts, never sliced.
    const url = `http://fuzz.test${request.target.startsWith("/") ? "" : "/"}${request.target}`;
    const start = targetStart(url);
    const sliced = requestTarget(url);
    const expected = JSON.stringify(tsAnswer(probeWalk, request.method, sliced));
    const inUrl: [string, Seen][] = [
      ["walk", tsAnswer(probeWalk, request.method, url, start)],
      ["compiled", tsAnswer(probeCompiled, request.method, url, start)],
    ];
    for (const [label, seen] of inUrl) {
      if (JSON.stringify(seen) !== expected) differences.push({ table, request: { method: request.method, target: url }, what: `route in the URL (${label}) vs the sliced target`, ts: JSON.parse(expected), wasm: seen });
    }
    // The parameters as a handler gets them (WasmRouter.params: from the target's text where undecoded).
    const tsParams = paramsSeen(probeWalk, request.method, request.target);
    const wasmSeen = wasmParams(wasm, request.method, request.target);
    if (wasmSeen !== tsParams) differences.push({ table, request, what: "WasmRouter.params", ts: tsParams, wasm: wasmSeen });
  }
  return { differences, loaded: true, requests: 2 * requests };
}
