/// <reference types="node" />
// tsconfig.build.json loads no global types; this module is Node/Bun only.
// Its node: modules are imported when listening, never at load time: a
// bundler (wrangler's esbuild) hoists static imports of builtins to the top
// of a Worker bundle, where they would fail without nodejs_compat.
/**
 * A fetch handler on node:http: each IncomingMessage becomes a Request (the
 * raw target and Host, the headers, the body as a stream), and the Response
 * is written back as it is, Content-Length included (a HEAD answer keeps
 * the GET's Content-Length and sends no body).
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";

import { errorResponse, internalError } from "../answer/errors.js";
import type { Answer } from "../answer/head.js";
import { writeAnswer } from "../answer/node.js";
import { LISTEN_BACKLOG, type ServerLimits } from "./limits.js";
import { NodeRequest } from "./node-request.js";
import { admitRequest, drain, guardServer, nodeServerOptions, refuse, RequestBody } from "./node-strict.js";
import { HAS_BODY } from "./strict-request.js";
import type { BunHandler } from "./bun-types.js";
import type { RunningServer } from "./types.js";

// Named through variables so that no bundler resolves them: a Worker bundle
// holds this module (every importer of @hotpath/server does) but never
// listens, and wrangler warns about each node: import it can see.
const NODE_HTTP: string = "node:http";

// In-flight requests get this long to finish on stop() before their
// connections are closed.
const STOP_GRACE_MS = 10_000;

/** Answers a request without running the app, or null (see direct-answer.ts); `header` reads its fields. */
export type DirectAnswer = (method: string, target: string, header: (lowerName: string) => string | null) => Answer | null;

export async function listenNode(
  fetch: BunHandler,
  port: number,
  hostname: string,
  reusePort: boolean,
  limits: ServerLimits,
  direct?: DirectAnswer,
): Promise<RunningServer> {
  if (reusePort && !nodeHasReusePort()) {
    throw new Error(`reusePort needs Node >= 22.12 or Bun (this is Node ${process.versions.node})`);
  }
  const { createServer } = await (import(NODE_HTTP) as Promise<typeof import("node:http")>);
  // Every request passes hotpath-server's rules and limits first
  // (node-strict.ts); one with a body is answered once its body is in.
  const onRequest = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    const admitted = admitRequest(req, res, limits);
    if (admitted < 0) return;
    if (expectsContinue) res.writeContinue();
    if (admitted === HAS_BODY) void serve(fetch, req, res, new RequestBody(req, limits.maxBodyBytes));
    else if (direct === undefined || !answeredDirectly(direct, req, res)) void serve(fetch, req, res, null);
  };
  const server = createServer(nodeServerOptions(limits), (req, res) => onRequest(req, res, false));
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, true));
  guardServer(server, limits);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: hostname, backlog: LISTEN_BACKLOG, ...(reusePort ? { reusePort } : {}) }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const actual = typeof address === "object" && address !== null ? address.port : port;
  let stopped: Promise<void> | null = null;
  return { port: actual, stop: () => (stopped ??= stop(server)) };
}

function stop(server: Server): Promise<void> {
  return drain(server, STOP_GRACE_MS);
}

function nodeHasReusePort(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 12);
}

async function serve(fetch: BunHandler, req: IncomingMessage, res: ServerResponse, body: RequestBody | null): Promise<void> {
  let response: Response;
  const request = toRequest(req, body);
  if (request !== null) {
    res.once("close", () => {
      if (!res.writableFinished) request.clientGone();
    });
  }
  try {
    const answer = request === null ? errorResponse(400, "", req.method === "HEAD") : fetch(request);
    // A body past the limit is refused at once (below), whatever the handler does.
    const answered = body === null ? await answer : await Promise.race([answer, body.tooLarge()]);
    if (answered === undefined) void Promise.resolve(answer).then((late) => late.body?.cancel().catch(() => {}));  // refused meanwhile
    response = answered ?? new Response(null);
  } catch {
    response = internalError();
  }
  if (body !== null && (await body.end()) !== "complete") {
    void response.body?.cancel().catch(() => {});
    if (body.refusal === 0) res.destroy();  // the client went away
    else refuse(req, res, body.refusal);
    return;
  }
  try {
    await write(response, res);
  } catch {
    res.destroy();  // the body stream failed midway: the client sees a cut answer, never a hang
  }
}

// Only requests whose Request would carry exactly the raw target are
// answered directly, so the router sees what app.fetch would see in
// request.url. The WHATWG URL parser keeps a target byte for byte unless it
// has a dot segment (resolved), a "\\" (read as "/"), or a byte it
// percent-encodes or drops (space, controls, quotes, <>^`{|}#, non-ASCII,
// and ' in the query). Anything else goes through fetch, as before.
const URL_SAFE_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*)?$/;
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=[/?]|$)/i;

// Fetch refuses these methods (new Request throws), so app.fetch never sees them: 400.
const FETCH_FORBIDDEN = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * Writes the direct answer for a request whose answer needs no Request or
 * Response (a declarative reply or a router error, no middleware); false
 * when the app has to run.
 */
function answeredDirectly(direct: DirectAnswer, req: IncomingMessage, res: ServerResponse): boolean {
  const target = req.url ?? "";
  const method = req.method ?? "";
  if (FETCH_FORBIDDEN.has(method) || !URL_SAFE_TARGET.test(target) || DOT_SEGMENT.test(target)) return false;
  if (!hostMakesUrl(req.headers.host || "localhost")) return false;
  const answer = direct(method, target, (name) => rawHeader(req.rawHeaders, name));
  if (answer === null) return false;
  writeAnswer(res, answer);
  return true;
}

// A field's value as the Request's Headers.get would give it (toRequest
// appends every raw field): every field of the name, case-insensitive, in
// order, joined by ", ".
function rawHeader(raw: readonly string[], lowerName: string): string | null {
  let value: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length !== lowerName.length || raw[i]!.toLowerCase() !== lowerName) continue;
    const one = raw[i + 1]!.replace(/^[\t ]+|[\t ]+$/g, "");  // as Headers normalises it
    value = value === null ? one : `${value}, ${one}`;
  }
  return value;
}

// The last Host that made a valid URL: clients send the same one on every
// request, so the URL parser runs once per new value, not per request.
let goodHost = "";

/** Whether toRequest would build a URL from this Host (else it answers 400). */
function hostMakesUrl(host: string): boolean {
  if (host === goodHost) return true;
  if (!HOST.test(host) || !URL.canParse(`http://${host}/`)) return false;
  goodHost = host;
  return true;
}

// Host may hold anything a client sends; only a host[:port] is put in a URL
// (a "/" in it would change the path the router sees).
const HOST = /^(?:[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?$/;

/** The Request for a raw request; null when it has no usable target or Host (answered 400). */
function toRequest(req: IncomingMessage, body: RequestBody | null): NodeRequest | null {
  const target = req.url ?? "";
  const host = req.headers.host || "localhost";  // an empty Host is valid (RFC 9112 3.2)
  let url: string;
  if (target.startsWith("/")) {
    if (!HOST.test(host)) return null;
    url = `http://${host}${target}`;  // concatenated, never resolved: "//x" stays a path
  } else if (/^https?:\/\//i.test(target)) {
    // absolute form (RFC 9112 3.2.2): its authority wins over Host; its
    // userinfo, which a Request may not carry, is no part of what is routed.
    url = target.replace(/^(https?:\/\/)[^/?#@]*@/i, "$1");
  } else {
    return null;  // "*" and other forms name no resource here
  }
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const method = req.method ?? "GET";
  // Fetch allows no body on GET and HEAD; theirs is read and dropped.
  const hasBody = body !== null && method !== "GET" && method !== "HEAD";
  try {
    return new NodeRequest(url, {
      method,
      headers,
      ...(hasBody ? { body: body.stream, duplex: "half" } : {}),
    } as RequestInit);
  } catch {
    return null;  // a URL or method the Fetch standard refuses
  }
}

async function write(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText !== "") res.statusMessage = response.statusText;
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const body = response.body;
  if (body === null) {
    res.end();
    return;
  }
  const reader = body.getReader();
  res.once("close", () => void reader.cancel().catch(() => {}));
  // One chunk (every buffered body): end() with it, so Node sends its
  // Content-Length. Longer streams go out chunked, with backpressure.
  const first = await reader.read();
  if (first.done) {
    res.end();
    return;
  }
  const second = await reader.read();
  if (second.done) {
    res.end(first.value);
    return;
  }
  await send(res, first.value);
  await send(res, second.value);
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    await send(res, next.value);
  }
  res.end();
}

function send(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const drained = () => {
      res.off("close", closed);
      resolve();
    };
    const closed = () => {
      res.off("drain", drained);
      reject(new Error("connection closed"));
    };
    res.once("drain", drained);
    res.once("close", closed);
  });
}
