/**
 * Which routes Bun's native routes table may serve, and how.
 *
 * Bun matches its table before calling `fetch`, with its own path syntax and
 * priority, and answers some requests itself. A route goes into the table
 * only where Bun's answer cannot differ from `fetch`'s (behaviour checked on
 * Bun 1.4.5 over raw sockets):
 *
 * - GET routes with a fixed declarative reply, no middleware that may apply,
 *   on a path of plain segments ([A-Za-z0-9._~-], not "." or ".."). Bun
 *   matches those byte for byte on the raw path, never decoding, so any
 *   request it matches is routed to the same route by our router (an all-
 *   static path wins at every segment). A request Bun does not match
 *   (escapes, "/a/", other case, "//a") falls through to `fetch`.
 * - Keyed by method: a plain Response in Bun's table would answer every
 *   method; with `{ GET }`, POST and the rest reach `fetch` (405 with Allow).
 * - HEAD: Bun answers HEAD from the GET entry (status, headers, the body's
 *   Content-Length, no body), which is our answer when the GET route answers
 *   HEAD. Where a HEAD route of its own answers instead, HEAD goes to `fetch`.
 * - By default the entry is a small function, not a static Response: it
 *   hands targets over 8192 bytes to `fetch` (414), and Bun adds no ETag and
 *   never answers 304 for function routes. Static Responses (zero JavaScript
 *   per request) are opt-in: ListenOptions.bunStaticResponses.
 *
 * Parameter routes are left to `fetch`: Bun decodes parameters by its own
 * rules, so a Bun handler would have to route again anyway.
 */
import { parsePattern } from "../routing/pattern.js";
import { MAX_TARGET_LENGTH } from "../routing/router.js";
import { requestTarget } from "../routing/request-target.js";
import type { AppModel } from "./model.js";
import type { BunHandler, BunRoutes } from "./bun-types.js";
import { replyResponse } from "./compiled-reply.js";
import { mayApply } from "./prefix.js";

const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~-]+)+$/;

export function bunRoutes(app: AppModel, fallback: BunHandler, staticResponses: boolean): BunRoutes {
  const routes: BunRoutes = {};
  for (const record of app.records) {
    if (record.method !== "GET" || record.layers.length > 0 || typeof record.target === "function") continue;
    if (record.path !== "/" && !PLAIN_PATH.test(record.path)) continue;
    const pattern = parsePattern(record.path);
    if (app.layers.some((layer) => mayApply(layer, pattern))) continue;
    const get = app.router.match("GET", record.path);
    if (get.kind !== "route" || get.entry.value.record !== record) continue;
    const reply = get.entry.value.reply;
    if (reply === null || reply.template.fixed === null) continue;
    const head = app.router.match("HEAD", record.path);
    const headIsGet = head.kind === "route" && head.entry === get.entry;
    const GET: Response | BunHandler = staticResponses
      ? replyResponse(reply, {}, false)
      : (request) => (requestTarget(request.url).length > MAX_TARGET_LENGTH ? fallback(request) : replyResponse(reply, {}, false));
    routes[record.path] = headIsGet ? { GET } : { GET, HEAD: fallback };
  }
  return routes;
}
