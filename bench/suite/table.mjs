// The route table (bench/c-core.tsv format, see README "The route table"):
// parsing, and the answer a GET of one path should get, so that every target
// can be checked against the same expected status, type and body.
import { readFileSync } from "node:fs";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "ANY"]);

function unescapeBody(text, where) {
  return text.replace(/\\(.)?/g, (_, c) => {
    const map = { t: "\t", n: "\n", r: "\r", "\\": "\\" };
    if (c === undefined || !(c in map)) throw new Error(`${where}: bad escape in body`);
    return map[c];
  });
}

/** Rows of a TSV route table: { line, method, path, segments, status, contentType, body }. */
export function parseTable(file) {
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  const rows = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    const where = `${file}:${index + 1}`;
    if (line.trim() === "" || line.startsWith("#")) return;
    const fields = line.split("\t");
    if (fields.length < 4 || fields.length > 5) throw new Error(`${where}: expected 4 or 5 tab-separated fields`);
    const [method, path, status, contentType, body = ""] = fields;
    if (!METHODS.has(method)) throw new Error(`${where}: unknown method ${method}`);
    if (!path.startsWith("/")) throw new Error(`${where}: path must start with /`);
    if (!/^[2-5]\d\d$/.test(status)) throw new Error(`${where}: bad status ${status}`);
    const segments = path.slice(1).split("/").map((s) => {
      if (s.startsWith(":")) return { kind: "param", name: s.slice(1) };
      if (s.startsWith("*")) return { kind: "wild", name: s.slice(1) };
      return { kind: "static", text: decodeURIComponent(s) };
    });
    rows.push({ line: index + 1, method, path, segments, status: Number(status), contentType, body: unescapeBody(body, where) });
  });
  return rows;
}

// Static before parameter before wildcard at every segment, with backtracking.
function matchSegments(segments, parts, i = 0, params = {}) {
  if (i === segments.length) return i === parts.length ? params : null;
  const seg = segments[i];
  if (seg.kind === "wild") return { ...params, [seg.name]: parts.slice(i).join("/") };
  if (i >= parts.length) return null;
  if (seg.kind === "static") return seg.text === parts[i] ? matchSegments(segments, parts, i + 1, params) : null;
  if (parts[i] === "") return null;
  return matchSegments(segments, parts, i + 1, { ...params, [seg.name]: parts[i] });
}

function specificity(row) {
  const rank = { static: 0, param: 1, wild: 2 };
  return row.segments.map((s) => rank[s.kind]);
}

function compareSpecificity(a, b) {
  const x = specificity(a), y = specificity(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return y.length - x.length;
}

/** What `GET path` should answer: { status, contentType, body } (throws if the table has no GET for it). */
export function expectedAnswer(rows, target) {
  const path = target.split(/[?#]/)[0];
  const raw = path.slice(1).split("/");
  const parts = raw.map((p) => decodeURIComponent(p));
  const candidates = rows
    .filter((r) => r.method === "GET" || r.method === "ANY")
    .map((r) => ({ row: r, params: matchSegments(r.segments, parts) }))
    .filter((c) => c.params !== null)
    .sort((a, b) => compareSpecificity(a.row, b.row) || (a.row.method === "GET" ? -1 : 1));
  if (candidates.length === 0) throw new Error(`no GET route of the table matches ${target} (set BENCH_EXPECT, or pick another BENCH_PATH)`);
  const { row, params } = candidates[0];
  const plain = !/json|html|xml/i.test(row.contentType);
  const body = row.body.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (all, name) => {
    if (!(name in params)) return all;
    const value = params[name];
    if (!plain && /["\\<>&'\u0000-\u001f]/.test(value)) {
      throw new Error(`${target}: the parameter needs ${row.contentType} escaping; set BENCH_EXPECT to the expected body`);
    }
    return value;
  });
  return { status: row.status, contentType: row.contentType, body, route: `${row.method} ${row.path}` };
}
