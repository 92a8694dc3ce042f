/**
 * The shared routing vectors (tests/vectors/), for the TypeScript runners.
 * Text in, cases out, so the same code serves Node (fs) and workerd (?raw).
 */
export interface RoutingVector {
  id: string;
  table?: string;
  table_file?: string;
  /** headers: one value, or a list for several fields of one name. */
  request: { method: string; path: string; headers?: Record<string, string | string[]> };
  /** handler: the answer comes from the vectors' handler (a handler route). */
  expect: { status: number; headers: Record<string, string | null>; body: string; handler?: boolean };
}

export function parseJsonl<T>(text: string): T[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/** The request's header fields, in order: [name, value] per field. */
export function requestFields(vector: RoutingVector): [string, string][] {
  const fields: [string, string][] = [];
  for (const [name, value] of Object.entries(vector.request.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) fields.push([name, one]);
  }
  return fields;
}

/**
 * The vectors' handler (tests/vectors/README.md, "Handler routes"): its body
 * for a request method, a route pattern and the decoded parameters.
 */
export function vectorHandlerBody(method: string, pattern: string, params: readonly (readonly [string, string])[]): string {
  return `handler ${method} ${pattern}${params.map(([name, value]) => ` ${name}=${value}`).join("")}`;
}

export function tableOf(vector: RoutingVector, files: Record<string, string>): string {
  if (vector.table !== undefined) return vector.table;
  const text = files[vector.table_file ?? ""];
  if (text === undefined) throw new Error(`${vector.id}: unknown table file ${vector.table_file}`);
  return text;
}

/**
 * Why a vector cannot run through a fetch Request, or null. These are limits
 * of the Fetch standard, not of the router: the raw-ABI runners cover them.
 */
export function fetchSkipReason(vector: RoutingVector): string | null {
  const { method, path } = vector.request;
  if (!path.startsWith("/")) return "request.url always carries an absolute path";
  if (/^(get|head|post|put|delete|options)$/i.test(method) && method !== method.toUpperCase()) {
    return "Fetch uppercases these method names";
  }
  if (/^(connect|trace|track)$/i.test(method)) return "Fetch forbids this method";
  if (path.includes("#") && vector.expect.status === 414) return "fragments never reach a server";
  // workerd's Request takes only the methods its HTTP layer knows (not
  // "constructor" and the like): such a request can never reach a Worker.
  const seen = requestMethod(method);
  if (seen === null) return "this runtime's Fetch refuses this method";
  // Bun 1.4.5's Request turns "constructor", "__proto__", "toString" and the
  // like into GET (a property lookup of its own): what reaches the app is
  // then another request. Checked, not assumed: a fixed Bun runs them.
  if (seen !== method && seen !== method.toUpperCase()) return `this runtime's Request turns the method ${method} into ${seen}`;
  return null;
}

const taken = new Map<string, string | null>();
/** The method a Request made with `method` reports, or null when the runtime refuses it. */
function requestMethod(method: string): string | null {
  let seen = taken.get(method);
  if (seen === undefined) {
    try {
      seen = new Request("http://vectors.test/", { method }).method;
    } catch {
      seen = null;
    }
    taken.set(method, seen);
  }
  return seen;
}

/**
 * Differences between a Response and a vector's expectation ([] when none).
 * An in-process Response with a body need not carry Content-Length: the
 * runtime sends the body's length. So a missing header is compared through
 * the body; a HEAD response (no body) must carry it.
 */
export async function mismatches(vector: RoutingVector, response: Response): Promise<string[]> {
  const problems: string[] = [];
  const { expect } = vector;
  if (response.status !== expect.status) problems.push(`status ${response.status}, expected ${expect.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  for (const [name, value] of Object.entries(expect.headers)) {
    let actual = response.headers.get(name);
    if (name === "content-length" && actual === null && response.body !== null && vector.request.method !== "HEAD") {
      actual = String(bytes.length);
    }
    if (actual !== value) problems.push(`${name}: ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`);
  }
  const body = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);  // a leading U+FEFF is body text
  if (body !== expect.body) problems.push(`body ${JSON.stringify(body.slice(0, 200))}, expected ${JSON.stringify(expect.body.slice(0, 200))}`);
  return problems;
}
