import { TEXT_TYPE } from "../../reply.js";
import type { Middleware } from "../types.js";
import { constantTimeEqual } from "./constant-time.js";

const encoder = new TextEncoder();

/**
 * Lets a request through only when its header `name` equals `value` (a
 * shared secret: compared as UTF-8 bytes in constant time); otherwise 401
 * "Unauthorized". For Authorization, the 401 names the expected scheme in
 * WWW-Authenticate (RFC 9110 11.6.1).
 */
export function requireHeader(name: string, value: string): Middleware {
  new Headers().set(name, value);  // a bad name or value fails here
  const expected = encoder.encode(value);
  const headers: Record<string, string> = { "content-type": TEXT_TYPE };
  if (name.toLowerCase() === "authorization") headers["www-authenticate"] = value.split(" ")[0] || "Bearer";
  return async (c, next) => {
    const given = c.req.headers.get(name);
    if (given === null || !constantTimeEqual(encoder.encode(given), expected)) {
      return new Response("Unauthorized", { status: 401, headers });
    }
    await next();
  };
}
