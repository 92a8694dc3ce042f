/**
 * Which requests HotpathServer answers without running anything the user
 * wrote: a declarative reply (text(), json(), template(), ...) or one of the
 * router's own errors, when no middleware and no custom notFound applies.
 * `app.fetch` builds its Response from these the fast way; on Node the
 * server writes them straight to the socket without a Request or a Response
 * (listen-node.ts), since undici's objects cost more than everything else.
 * One decision, so both stay the same answer.
 */
import { errorAnswer, errorAnswerWith } from "../answer/errors.js";
import type { Answer } from "../answer/head.js";
import { ERROR_BODIES } from "../routing/answer.js";
import { evaluateDirectives, type HeaderLookup } from "../routing/directives.js";
import type { Match } from "../routing/router.js";
import { utf8Length } from "../routing/utf8.js";
import type { AppModel, RouteValue } from "./model.js";
import { replyBody, replyHead } from "./compiled-reply.js";
import { NO_HEADERS } from "./directive-plan.js";
import { directiveHead } from "./middleware/directive.js";
import type { Layer } from "./prefix.js";

/** True when `match` needs no handler, middleware or custom notFound (an app with no middleware at all). */
export function answersDirectly(match: Match<RouteValue>, appLayers: readonly Layer[], customNotFound: boolean): boolean {
  if (appLayers.length > 0) return false;
  if (match.kind === "route") return match.entry.value.reply !== null && match.entry.value.record.layers.length === 0;
  return match.status !== 404 || !customNotFound;
}

/**
 * The direct answer to `method target` (target: path and query as sent,
 * origin form), or null when the app must run (app.fetch then answers).
 * `header` reads the request's fields for the directives (fields of one
 * name joined by ", ", as Headers.get gives them).
 */
export function directAnswer(app: AppModel, method: string, target: string, header: HeaderLookup = NO_HEADERS): Answer | null {
  const match = app.router.match(method, target);
  if (app.layers.length === 0 && (match.kind !== "route" || match.entry.value.record.layers.length === 0)) {
    if (!answersDirectly(match, app.layers, app.customNotFound)) return null;
    if (match.kind === "route") {
      const reply = match.entry.value.reply!;
      const body = replyBody(reply, match.params);
      return { head: replyHead(reply.reply, reply.fixedLength >= 0 ? reply.fixedLength : utf8Length(body), match.head), body };
    }
    const answer = errorAnswer(match.status, match.allow, match.head);
    return { head: answer.head, body: answer.body };
  }
  // The directives decide first, as on app.fetch; JavaScript middleware in the way means app.fetch.
  const plan = app.plan();
  const index = match.kind === "route" ? match.entry.value.index : -1;
  let fields = plan.fields(0);
  if (plan.table !== null) {
    const outcome = evaluateDirectives(plan.table, index, method, header);
    fields = plan.fields(outcome.headerSet);
    if (outcome.status !== 0) return { head: directiveHead(outcome.status, fields, outcome.echo, match.head), body: outcome.status === 401 ? ERROR_BODIES[401]! : "" };
  }
  if (plan.chainFor(index, target) !== null) return null;
  if (match.kind === "route") {
    const reply = match.entry.value.reply;
    if (reply === null) return null;
    const body = replyBody(reply, match.params);
    return { head: replyHead(reply.reply, reply.fixedLength >= 0 ? reply.fixedLength : utf8Length(body), match.head, fields), body };
  }
  if (match.status === 404 && app.customNotFound) return null;
  const answer = errorAnswerWith(match.status, match.allow, match.head, fields);
  return { head: answer.head, body: answer.body };
}
