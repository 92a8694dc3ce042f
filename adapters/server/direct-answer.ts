/**
 * Which requests HotpathServer answers without running anything the user
 * wrote: a declarative reply (text(), json(), template(), ...) or one of the
 * router's own errors, when no middleware and no custom notFound applies.
 * `app.fetch` builds its Response from these the fast way; on Node the
 * server writes them straight to the socket without a Request or a Response
 * (listen-node.ts), since undici's objects cost more than everything else.
 * One decision, so both stay the same answer.
 */
import { ERROR_BODIES, ERROR_CONTENT_TYPE, statusHasBody } from "../routing/answer.js";
import { renderTemplate } from "../routing/render.js";
import type { Match } from "../routing/router.js";
import type { AppDefinition, RouteValue } from "./app.js";
import { replyLength } from "./compiled-reply.js";
import type { Layer } from "./prefix.js";
import { byteLength } from "./responses.js";

/** True when `match` needs no handler, middleware or custom notFound. */
export function answersDirectly(match: Match<RouteValue>, appLayers: readonly Layer[], customNotFound: boolean): boolean {
  if (appLayers.length > 0) return false;
  if (match.kind === "route") return match.entry.value.reply !== null && match.entry.value.record.layers.length === 0;
  return match.status !== 404 || !customNotFound;
}

/** An answer as plain data: what a Response would carry. */
export interface PlainAnswer {
  readonly status: number;
  /** "" for none. */
  readonly contentType: string;
  /** "" for none (only 405 has one). */
  readonly allow: string;
  /** null for none (HEAD, 204, 304); a HEAD answer still reports the GET body's length. */
  readonly body: string | null;
  /** The Content-Length to send, or -1 for none (204, 304). */
  readonly contentLength: number;
}

/**
 * The direct answer to `method target` (target: path and query as sent,
 * origin form), or null when the app must run (app.fetch then answers).
 */
export function plainAnswer(app: AppDefinition, method: string, target: string): PlainAnswer | null {
  const match = app.router.match(method, target);
  if (!answersDirectly(match, app.layers, app.customNotFound)) return null;
  if (match.kind === "route") {
    const reply = match.entry.value.reply!;
    const status = reply.status;
    if (!statusHasBody(status)) return { status, contentType: reply.reply.contentType, allow: "", body: null, contentLength: -1 };
    const body = renderTemplate(reply.template, match.params);
    return { status, contentType: reply.reply.contentType, allow: "", body: match.head ? null : body, contentLength: replyLength(reply, body) };
  }
  const body = ERROR_BODIES[match.status] ?? "";
  return { status: match.status, contentType: ERROR_CONTENT_TYPE, allow: match.allow, body: match.head ? null : body, contentLength: byteLength(body) };
}
