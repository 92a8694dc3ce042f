/**
 * The route verbs of every builder (HotpathServer, CServer): get, head,
 * post, put, patch, delete, options and all, generated from the one method
 * list (routing/methods.ts ROUTE_METHODS; find-my-way's http-methods.js is
 * the model), each recording a route through the builder's addRoute.
 */
import { ROUTE_METHODS, type RouteMethod } from "./routing/methods.js";

/** A verb's name: the method in lower case; ANY is `all`. */
export type VerbName<M extends RouteMethod> = M extends "ANY" ? "all" : Lowercase<M>;

/** Adds a route for the method (`all`: every method, including ones outside the list: ANY in a route table). */
type Verbs<Target> = {
  [M in RouteMethod as VerbName<M>]: <Self>(this: Self, path: string, target: Target) => Self;
};

export function verbName<M extends RouteMethod>(method: M): VerbName<M> {
  return (method === "ANY" ? "all" : method.toLowerCase()) as VerbName<M>;
}

export abstract class RouteRecorder<Target> {
  /** Records one route; throws (naming it) when it cannot be served. */
  protected abstract addRoute(method: RouteMethod, path: string, target: Target): void;

  /** @internal Records a route on any recorder, for adapters that copy routes from one to another. */
  static record<Target>(recorder: RouteRecorder<Target>, method: RouteMethod, path: string, target: Target): void {
    recorder.addRoute(method, path, target);
  }
}

export interface RouteRecorder<Target> extends Verbs<Target> {}

for (const method of ROUTE_METHODS) {
  Object.defineProperty(RouteRecorder.prototype, verbName(method), {
    value: function (this: RouteRecorder<unknown>, path: string, target: unknown) {
      RouteRecorder.record(this, method, path, target);
      return this;
    },
    writable: true,
    configurable: true,
  });
}
