import type { Middleware } from "../types.js";

/** Sets a response header on every answer it runs for (routes, 404, 405, 500 alike). */
export function header(name: string, value: string): Middleware {
  new Headers().set(name, value);  // a bad name or value fails here, not on the first request
  return async (c, next) => {
    c.header(name, value);
    await next();
  };
}
