/**
 * Bun.serve held to hotpath-server's rules and limits (strict-request.ts,
 * limits.ts), as far as JavaScript can see: Bun parses every request and
 * hands over only a Request, so the checks read the method, the URL (Bun
 * keeps a "#" in it) and the headers (Bun joins repeated fields with ", ",
 * which an extra Host shows as an invalid Host value). The body limit is
 * Bun's own maxRequestBodySize (it answers 413 and closes); an answer waits
 * for its request's body, so that nothing is answered before Bun has framed
 * (and possibly refused) it. What Bun decides itself, before any
 * JavaScript, is listed in SECURITY.md.
 */
import type { BunHandler, BunRoutes } from "./bun-types.js";
import { givenLimits, type LimitName, type ServerLimits } from "./limits.js";
import { checkRequest, closesAfter, HAS_BODY, NO_BODY, REFUSAL_REASONS, type RequestHead } from "./strict-request.js";

/** Bun's idleTimeout is whole seconds, at most 255 (0 turns it off). */
const BUN_MAX_IDLE_SECONDS = 255;

// What Bun.serve has no setting or hook for: a header timeout (it never
// calls JavaScript before the head is in), a connection count, a write
// timeout apart from its idle timeout. Asked for explicitly, they are an
// error rather than a limit silently not held.
const UNSUPPORTED: readonly LimitName[] = ["headerTimeoutMs", "maxConnections", "writeTimeoutMs"];

/** Bun.serve's options for these limits; throws for a limit Bun cannot hold that `options` asks for. */
export function bunServeLimits(limits: ServerLimits, options: Partial<Record<LimitName, number | undefined>>): { maxRequestBodySize: number; idleTimeout: number } {
  const unsupported = givenLimits(options).filter((name) => UNSUPPORTED.includes(name));
  if (unsupported.length > 0) {
    throw new TypeError(`${unsupported.join(", ")}: Bun.serve cannot hold ${unsupported.length > 1 ? "these limits" : "this limit"} (see SECURITY.md); use adapter "node" or "c"`);
  }
  const idleTimeout = Math.ceil(limits.idleTimeoutMs / 1000);
  if (idleTimeout > BUN_MAX_IDLE_SECONDS) {
    throw new RangeError(`idleTimeoutMs: Bun.serve's idle timeout is at most ${BUN_MAX_IDLE_SECONDS} s, got ${limits.idleTimeoutMs} ms`);
  }
  return { maxRequestBodySize: limits.maxBodyBytes, idleTimeout };
}

/** `handler` behind the checks: a refused request is answered with hotpath-server's status and a close. */
export function strictHandler(handler: BunHandler, limits: ServerLimits): BunHandler {
  return (request) => {
    const head = headOf(request);
    const verdict = checkRequest(head, limits);
    if (verdict !== NO_BODY && verdict !== HAS_BODY) return refusal(verdict, request.method === "HEAD");
    let answer = handler(request);
    if (closesAfter(head)) answer = saysClose(answer);
    return verdict === NO_BODY ? answer : afterBody(request, answer);
  };
}

/** The routes table with each handler behind the checks (a static Response runs no JavaScript: unchecked). */
export function strictRoutes(routes: BunRoutes, limits: ServerLimits): BunRoutes {
  const out: BunRoutes = {};
  for (const [path, methods] of Object.entries(routes)) {
    const entry: BunRoutes[string] = {};
    for (const [method, target] of Object.entries(methods) as Array<["GET" | "HEAD", Response | BunHandler]>) {
      entry[method] = typeof target === "function" ? strictHandler(target, limits) : target;
    }
    out[path] = entry;
  }
  return out;
}

/** The head as Bun gives it: the target is the URL from its path on ("#" included); no Host means HTTP/1.0 (Bun refuses HTTP/1.1 without one). */
function headOf(request: Request): RequestHead {
  const url = request.url;
  const authority = url.indexOf("//");
  const slash = url.indexOf("/", authority < 0 ? 0 : authority + 2);
  const fields: string[] = [];
  let host = false;
  request.headers.forEach((value, name) => {
    fields.push(name, value);
    if (name === "host") host = true;
  });
  return { method: request.method, target: slash < 0 ? "/" : url.slice(slash), version: host ? "1.1" : "1.0", fields };
}

function refusal(status: number, head: boolean): Response {
  const reason = REFUSAL_REASONS[status] ?? "";
  // Bun closes the connection after an answer with Connection: close.
  return new Response(head ? null : reason, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", connection: "close", ...(head ? { "content-length": String(reason.length) } : {}) },
  });
}

/** Bun closes after a request with Connection: close without saying so; the answer says it, as hotpath-server's does. */
function saysClose(answer: Response | Promise<Response>): Response | Promise<Response> {
  const mark = (response: Response) => {
    try {
      response.headers.set("connection", "close");
    } catch {
      // immutable headers (a fetch() Response): Bun still closes
    }
    return response;
  };
  return answer instanceof Promise ? answer.then(mark) : mark(answer);
}

/**
 * The answer once the body is in: what the handler did not read is read
 * and dropped. If Bun refused the body meanwhile (413 past the limit, 400
 * for bad chunking), it has answered and closed: the answer is dropped.
 */
async function afterBody(request: Request, answer: Response | Promise<Response>): Promise<Response> {
  const response = await answer;
  const body = request.body;
  if (body !== null && !request.bodyUsed && !body.locked) {
    try {
      const reader = body.getReader();
      while (!(await reader.read()).done);
    } catch {
      // refused or cut by Bun: its own answer went out
    }
  }
  return response;
}
