import type { Context } from "../context.js";
import type { Middleware } from "../types.js";

export interface CorsOptions {
  /**
   * Allowed origins: "*" (default), one origin, a list (the request's Origin
   * is echoed when listed, else no Access-Control-Allow-Origin), or a
   * function returning the value to send (null: none).
   */
  origin?: string | readonly string[] | ((origin: string, c: Context) => string | null | undefined);
  /** Access-Control-Allow-Methods of preflight answers. */
  methods?: readonly string[];
  /** Access-Control-Allow-Headers of preflight answers (default: the requested ones). */
  allowHeaders?: readonly string[];
  /** Access-Control-Expose-Headers. */
  exposeHeaders?: readonly string[];
  /** Access-Control-Max-Age of preflight answers, in seconds. */
  maxAge?: number;
  /** Access-Control-Allow-Credentials: true. Needs an explicit origin (browsers refuse "*" with it). */
  credentials?: boolean;
}

const DEFAULT_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"];

/**
 * CORS (Fetch standard, "CORS protocol"). A preflight (OPTIONS with Origin
 * and Access-Control-Request-Method) is answered 204 here, before routing;
 * other requests get the Access-Control-* headers on whatever answer they
 * end with. Add it with app.use(cors()) so that it also covers 404 and 405.
 */
export function cors(options: CorsOptions = {}): Middleware {
  const origin = options.origin ?? "*";
  if (options.credentials === true && origin === "*") {
    throw new TypeError("cors(): credentials: true needs an explicit origin (browsers refuse '*' with credentials)");
  }
  const methods = (options.methods ?? DEFAULT_METHODS).join(", ");
  const allowHeaders = options.allowHeaders?.join(", ");
  const exposeHeaders = options.exposeHeaders?.join(", ") ?? "";
  const maxAge = options.maxAge;
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 0)) throw new RangeError(`cors(): maxAge must be a whole number of seconds, got ${maxAge}`);
  const varies = origin !== "*";

  const allowedOrigin = (c: Context): string | null => {
    const requested = c.req.headers.get("origin") ?? "";
    if (typeof origin === "string") return origin;
    if (typeof origin === "function") return origin(requested, c) ?? null;
    return origin.includes(requested) ? requested : null;
  };

  return async (c, next) => {
    const allowed = allowedOrigin(c);
    const headers = new Headers();
    if (allowed !== null) headers.set("access-control-allow-origin", allowed);
    if (options.credentials === true) headers.set("access-control-allow-credentials", "true");
    const preflight = c.req.method === "OPTIONS" && c.req.headers.has("origin") && c.req.headers.has("access-control-request-method");
    if (preflight) {
      headers.set("access-control-allow-methods", methods);
      const requested = c.req.headers.get("access-control-request-headers");
      const allow = allowHeaders ?? requested;
      if (allow) headers.set("access-control-allow-headers", allow);
      if (maxAge !== undefined) headers.set("access-control-max-age", String(maxAge));
      const vary = [varies ? "Origin" : "", allowHeaders === undefined && requested !== null ? "Access-Control-Request-Headers" : ""].filter(Boolean);
      if (vary.length > 0) headers.set("vary", vary.join(", "));
      return new Response(null, { status: 204, headers });
    }
    headers.forEach((value, name) => c.header(name, value));
    if (exposeHeaders !== "") c.header("access-control-expose-headers", exposeHeaders);
    if (varies) c.header("vary", "Origin", { append: true });
    await next();
  };
}
