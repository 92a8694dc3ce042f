/**
 * The data model of a HotpathServer app: its routes as defined, what the
 * router holds for each, and what listeners and toRouteTable read. A leaf
 * module (Hono's src/router.ts is the model): the app class, the listeners,
 * the direct-answer decision and the table writer import it, and it imports
 * none of them, so no module needs the class to know the shape of an app.
 */
import type { HeaderField } from "../answer/head.js";
import type { RouteMethod } from "../routing/methods.js";
import type { Params, Router } from "../routing/router.js";
import type { Reply } from "../reply.js";
import type { CompiledReply } from "./compiled-reply.js";
import type { DirectivePlan } from "./directive-plan.js";
import type { Layer } from "./prefix.js";
import type { Handler } from "./types.js";

/** What a route answers with: a function, or a declarative reply (text(), template(), ...). */
export type RouteTarget = Handler | Reply;

/** A route as defined (mounted groups included), in order. */
export interface RouteRecord {
  readonly method: RouteMethod;
  readonly path: string;
  readonly target: RouteTarget;
  /** Group middleware (outermost first); app-level use() is not here. */
  readonly layers: readonly Layer[];
}

/** The router's value for a route. */
export interface RouteValue {
  readonly record: RouteRecord;
  /** Its position among the app's routes: its index in the route table (ROUTE_MIDDLEWARE's INDEX). */
  readonly index: number;
  readonly handler: Handler | null;
  readonly reply: CompiledReply | null;
}

/** What toRouteTable and the listeners read from an app. */
export interface AppModel {
  readonly records: readonly RouteRecord[];
  /** App-level middleware (use()), in order. */
  readonly layers: readonly Layer[];
  readonly customNotFound: boolean;
  readonly router: Router<RouteValue>;
  /** Which middleware is directives and which runs in the chain (made once per definition). */
  plan(): DirectivePlan;
  /** Changes whenever a route or middleware is added. */
  readonly version: number;
  /**
   * The answer to a GET request already routed to `value` with `params`,
   * when no JavaScript middleware applies (what fetch does next), with the
   * directives' fields of that route (when they read no request header):
   * for listeners whose runtime matched the route itself (Bun's routes table).
   * `target`: the request target, or null to take it from request.url if
   * anything asks (the query).
   */
  serve(value: RouteValue, request: Request, target: string | null, params: Params, fields: readonly HeaderField[]): Response | Promise<Response>;
}
