/**
 * The per-request context handed to handlers and middleware: the request,
 * its decoded parameters and query, response helpers, and headers to add to
 * whatever answer the request ends with.
 */
import { HTML_TYPE, JSON_TYPE, TEXT_TYPE } from "../reply.js";
import { parseQuery, type Query } from "./query.js";

// The Content-Type of text(), json() and html() answers, made once: passing
// a Headers (and no status for a 200) is the cheapest Response in Bun, and
// the Response copies it.
const TEXT_HEADERS = new Headers({ "content-type": TEXT_TYPE });
const JSON_HEADERS = new Headers({ "content-type": JSON_TYPE });
const HTML_HEADERS = new Headers({ "content-type": HTML_TYPE });

interface HeaderOp {
  name: string;
  value: string;
  append: boolean;
}

export class Context {
  /** The request, as the runtime gave it. */
  readonly req: Request;
  /** Route parameters, percent-decoded (empty for 404/405 answers). */
  readonly params: Readonly<Record<string, string>>;
  #target: string;
  #query: Query | null = null;
  #status = 200;
  #headers: HeaderOp[] | null = null;
  #res: Response | null = null;
  #notFound: (c: Context) => Response | Promise<Response>;
  // The last Response text(), json() or html() made, and its status.
  #made: Response | null = null;
  #madeStatus = 0;

  /** @internal Made by HotpathServer for each request. */
  constructor(
    request: Request,
    target: string,
    params: Readonly<Record<string, string>>,
    notFound: (c: Context) => Response | Promise<Response>,
  ) {
    this.req = request;
    this.#target = target;
    this.params = params;
    this.#notFound = notFound;
  }

  /** The query: a key given more than once is an array of its values, else a string. */
  get query(): Query {
    return (this.#query ??= parseQuery(this.#target));
  }

  /** The answer so far: set once the handler (or a middleware) has answered, i.e. after `await next()`. */
  get res(): Response {
    if (this.#res === null) throw new Error("c.res is not set yet: read it after `await next()`");
    return this.#res;
  }

  set res(response: Response) {
    if (!(response instanceof Response)) throw new TypeError("c.res must be a Response");
    this.#res = response;
  }

  /** @internal Whether an answer is set. */
  get answered(): boolean {
    return this.#res !== null;
  }

  /** @internal Whether header() was called: the answer must then be copied with them. */
  get hasHeaderOps(): boolean {
    return this.#headers !== null;
  }

  /** @internal Whether `response` is one text(), json() or html() made with a body status (not 204/304). */
  madeWithBody(response: Response): boolean {
    return response === this.#made && this.#madeStatus !== 204 && this.#madeStatus !== 304;
  }

  /**
   * Sets (or with `append`, adds) a header on the eventual answer, whatever
   * made it: a helper below, a Response the handler built, or onError. It
   * wins over the answer's own header of that name.
   */
  header(name: string, value: string, options: { append?: boolean } = {}): void {
    new Headers().set(name, value);  // throws now for a bad name or value, naming the culprit's call
    (this.#headers ??= []).push({ name, value, append: options.append === true });
  }

  /** The status text(), json() and html() use when given none (default 200). */
  status(code: number): void {
    this.#status = code;
  }

  text(body: string, status?: number, headers?: HeadersInit): Response {
    return this.#respond(body, TEXT_HEADERS, TEXT_TYPE, status, headers);
  }

  json(value: unknown, status?: number, headers?: HeadersInit): Response {
    const body: unknown = JSON.stringify(value);
    if (typeof body !== "string") throw new TypeError(`c.json(): ${typeof value} has no JSON form`);
    return this.#respond(body, JSON_HEADERS, JSON_TYPE, status, headers);
  }

  html(body: string, status?: number, headers?: HeadersInit): Response {
    return this.#respond(body, HTML_HEADERS, HTML_TYPE, status, headers);
  }

  redirect(location: string | URL, status = 302): Response {
    if (!Number.isInteger(status) || status < 300 || status > 399) throw new RangeError(`redirect status must be 3xx, got ${status}`);
    return new Response(null, { status, headers: { location: String(location) } });
  }

  /** The app's not-found answer (its notFound handler, or the router's 404). */
  notFound(): Response | Promise<Response> {
    return this.#notFound(this);
  }

  /** @internal The answer with the headers of header() applied. */
  finalResponse(): Response {
    const response = this.res;
    const ops = this.#headers;
    if (ops === null) return response;
    // A copy: the answer's own Headers may be immutable (Response.redirect, fetch()).
    const headers = new Headers(response.headers);
    for (const op of ops) {
      if (op.append) headers.append(op.name, op.value);
      else headers.set(op.name, op.value);
    }
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }

  #respond(body: string, typeHeaders: Headers, type: string, status: number | undefined, init: HeadersInit | undefined): Response {
    const code = status ?? this.#status;
    let response: Response;
    if (init === undefined) {
      const headers = typeHeaders;
      response = code === 200 ? new Response(body, { headers }) : new Response(body, { status: code, headers });
    } else {
      const headers = new Headers(init);
      if (!headers.has("content-type")) headers.set("content-type", type);
      response = new Response(body, { status: code, headers });
    }
    this.#made = response;
    this.#madeStatus = code;
    return response;
  }
}
