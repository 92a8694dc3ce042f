/**
 * Which routes Bun's native routes table may serve, and how.
 *
 * Bun matches its table before calling `fetch`, with its own path syntax and
 * priority, and answers some requests itself. A route goes into the table
 * only where Bun's answer cannot differ from `fetch`'s (behaviour checked on
 * Bun 1.4.5 over raw sockets):
 *
 * - GET routes, no middleware that may apply, on a path of up to 32 plain
 *   segments ([A-Za-z0-9._~-], not "." or "..") and `:name` parameters. Bun matches
 *   the raw target, never decoding static text and never normalising: "/a/",
 *   "//a", "/A", "/a/./b", an empty parameter all miss and reach `fetch`.
 * - Fixed declarative replies (no parameter): any request Bun matches is
 *   routed to the same route by our router (an all-static path wins at every
 *   segment).
 * - Routes with parameters, or with a function handler: only when no other
 *   GET, HEAD or ANY route overlaps the pattern (some path matching both),
 *   so whatever request Bun sends there, our router takes this route too. Bun
 *   decodes a parameter by its own rules ("%zz" becomes U+FFFD where we
 *   answer 400, "%2F" a "/", and a raw "#" stays in it), so the entry takes
 *   Bun's value only when the URL has no "%" and no "#": the value is then
 *   the raw segment, which is ours; otherwise it hands the request to
 *   `fetch`. Any app middleware added later sends it to `fetch` too.
 * - Keyed by method: a plain Response in Bun's table would answer every
 *   method; with `{ GET }`, POST and the rest reach `fetch` (405 with Allow).
 * - HEAD: Bun answers HEAD from the GET entry (status, headers, the body's
 *   Content-Length, no body), which is our answer when the GET route answers
 *   HEAD with a declarative reply. Where a HEAD route of its own answers, or
 *   the route runs a handler (whose body length is only known once read),
 *   HEAD goes to `fetch`.
 * - By default an entry is a function, not a static Response: it hands
 *   URLs over 8192 characters to `fetch` (414 for a target over 8192
 *   bytes, the route's answer below that), and Bun adds no ETag and never
 *   answers 304 for function routes. Static Responses (zero JavaScript per
 *   request) are opt-in: ListenOptions.bunStaticResponses.
 */
import { parsePattern, patternShapes, type PatternSegment } from "../routing/pattern.js";
import { MAX_TARGET_LENGTH } from "../routing/limits.js";
import type { BunHandler, BunRoutes } from "./bun-types.js";
import { evaluateDirectives } from "../routing/directives.js";
import { replyResponseWith } from "./compiled-reply.js";
import { NO_HEADERS } from "./directive-plan.js";
import type { AppModel } from "./model.js";
import { mayApply } from "./prefix.js";

const PLAIN_SEGMENT = /^(?!\.\.?$)[A-Za-z0-9._~-]+$/;
// Bun 1.4.5's router goes wrong from 100 segments on (a request one segment
// longer matches, its last parameter cut; found by the shared vectors over a
// real Bun server): deeper patterns stay with fetch.
const MAX_SEGMENTS = 32;
const PARAM_SEGMENT = /^:[A-Za-z_][A-Za-z0-9_]*$/;
// Names an object may already hold: Bun's params object could answer them from its prototype.
const SAFE_NAME = (name: string) => !(name in Object.prototype);

export function bunRoutes(app: AppModel, fallback: BunHandler, staticResponses: boolean): BunRoutes {
  const routes: BunRoutes = {};
  const patterns = app.records.map((record) => parsePattern(record.path));
  const plan = app.plan();
  // Directives that read no request header give each route one field set
  // (a HEADER chain): such routes can still be Bun's, with their fields.
  // Anything else that may apply (JavaScript middleware, CORS, REQUIRE_HEADER)
  // keeps the route with fetch.
  const constantFields = plan.needed.length === 0;
  const layerCount = app.layers.length;
  app.records.forEach((record, index) => {
    if (record.method !== "GET") return;
    if (constantFields ? plan.routeChain(index).length > 0 : record.layers.length > 0) return;
    const segments = record.path === "/" ? [] : record.path.slice(1).split("/");
    if (segments.length > MAX_SEGMENTS) return;
    if (!segments.every((s) => PLAIN_SEGMENT.test(s) || (PARAM_SEGMENT.test(s) && SAFE_NAME(s.slice(1))))) return;
    const pattern = patterns[index]!;
    if ((constantFields ? plan.appChain : app.layers).some((layer) => mayApply(layer, pattern))) return;
    const fields = plan.table === null ? plan.fields(0) : plan.fields(evaluateDirectives(plan.table, index, "GET", NO_HEADERS).headerSet);
    const names = pattern.filter((s) => s.kind === "param").map((s) => s.text);
    // The route our router takes for a request of this shape must be this one.
    const sample = record.path.replace(/:[A-Za-z0-9_]+/g, "x");
    const get = app.router.match("GET", sample);
    if (get.kind !== "route" || get.entry.value.record !== record) return;
    const { reply } = get.entry.value;
    const head = app.router.match("HEAD", sample);
    const headIsGet = head.kind === "route" && head.entry === get.entry;
    if (reply !== null && reply.template.fixed !== null && names.length === 0) {
      const GET: Response | BunHandler = staticResponses
        ? replyResponseWith(reply, {}, false, fields)
        : (request) =>
            // (The URL's length bounds the target's: a long one goes to fetch, which knows.)
            request.url.length > MAX_TARGET_LENGTH || app.layers.length !== layerCount ? fallback(request) : replyResponseWith(reply, {}, false, fields);
      routes[record.path] = headIsGet ? { GET } : { GET, HEAD: fallback };
      return;
    }
    // GET and HEAD requests are routed among GET, HEAD and ANY routes only.
    const rivals = (j: number) => j !== index && ["GET", "HEAD", "ANY"].includes(app.records[j]!.method);
    // A rival with optional segments matches each of its shapes.
    if (patterns.some((other, j) => rivals(j) && patternShapes(other).some((shape) => overlaps(pattern, shape)))) return;
    const value = get.entry.value;
    const GET: BunHandler = (request) => {
      const url = request.url;
      if (url.length > MAX_TARGET_LENGTH || url.includes("%") || url.includes("#") || app.layers.length !== layerCount) return fallback(request);
      const theirs = (request as Request & { params: Record<string, string> }).params;
      const params: Record<string, string> = {};
      for (const name of names) params[name] = theirs[name]!;
      return app.serve(value, request, null, params, fields);  // the target: from request.url if asked for
    };
    routes[record.path] = headIsGet && reply !== null ? { GET } : { GET, HEAD: fallback };
  });
  return routes;
}

/**
 * Whether some path matches both patterns (a parameter matches any
 * non-empty segment). Conservative for the other forms: a segment pattern
 * (constraint, several parts) is taken to match like a parameter, a
 * wildcard with static text like a wildcard.
 */
export function overlaps(a: readonly PatternSegment[], b: readonly PatternSegment[]): boolean {
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    // A pattern that ends here matches no longer path; a wildcard needs its segment (maybe empty).
    if (x === undefined || y === undefined) return x === y;
    if (x.kind === "wildcard" || y.kind === "wildcard") return true;
    if (x.kind === "static" && y.kind === "static" && x.text !== y.text) return false;
    if ((x.kind === "static" && x.text === "" && y.kind === "param") || (y.kind === "static" && y.text === "" && x.kind === "param")) return false;
  }
}
