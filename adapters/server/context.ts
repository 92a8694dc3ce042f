/**
 * The per-request context handed to handlers and middleware: the request,
 * its decoded parameters and query, response helpers, and headers to add to
 * whatever answer the request ends with.
 */
import { applyFields } from "../answer/fields.js";
import { NO_FIELDS } from "../answer/head.js";
import type { HeaderFields } from "../routing/directives.js";
import { NO_PARAMS } from "../routing/match.js";
import { HTML_TYPE, JSON_TYPE, TEXT_TYPE } from "../reply.js";
import { parseQuery, type Query } from "./query.js";
import { requestTarget } from "../routing/request-target.js";

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
  #params: Readonly<Record<string, string>> | null;
  #loadParams: (() => Readonly<Record<string, string>>) | null = null;
  #fields: HeaderFields = NO_FIELDS;
  // The request target, or null: taken from req.url when first needed.
  #target: string | null;
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
    target: string | null,
    params: Readonly<Record<string, string>> | null,
    notFound: (c: Context) => Response | Promise<Response>,
  ) {
    this.req = request;
    this.#target = target;
    this.#params = params;
    this.#notFound = notFound;
  }

  /** Route parameters, percent-decoded (empty for 404/405 answers). */
  get params(): Readonly<Record<string, string>> {
    return this.#params ?? this.#readParams();
  }

  #readParams(): Readonly<Record<string, string>> {
    const load = this.#loadParams;
    this.#loadParams = null;
    return (this.#params = load === null ? NO_PARAMS : load());
  }

  /**
   * @internal Parameters read only when asked for (router.wasm decodes them
   * from its memory). The host calls `settleParams` before that memory is
   * reused.
   */
  lazyParams(load: () => Readonly<Record<string, string>>): void {
    this.#loadParams = load;
  }

  /** @internal Reads lazy parameters now, if they were not read. */
  settleParams(): void {
    if (this.#params === null) this.#readParams();
  }

  /**
   * @internal The route table directives' fields for this request's answer:
   * applied last, over whatever answered (README "Directives").
   */
  useFields(fields: HeaderFields): void {
    this.#fields = fields;
  }

  /** The query: a key given more than once is an array of its values, else a string. */
  get query(): Query {
    return (this.#query ??= parseQuery((this.#target ??= requestTarget(this.req.url))));
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

  /** @internal Whether header() was called or directive fields apply: the answer must then get them. */
  get hasHeaderOps(): boolean {
    return this.#headers !== null || this.#fields.length > 0;
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

  /** @internal The answer with the headers of header() applied, then the directives' fields. */
  finalResponse(): Response {
    const response = this.res;
    const ops = this.#headers;
    if (ops === null && this.#fields.length === 0) return response;
    // One text(), json() or html() made for this request is ours to change;
    // any other gets a copy: its Headers may be immutable (Response.redirect,
    // fetch()) or a Response the handler keeps and returns again.
    const own = response === this.#made;
    const headers = own ? response.headers : new Headers(response.headers);
    if (ops !== null) {
      for (const op of ops) {
        if (op.append) headers.append(op.name, op.value);
        else headers.set(op.name, op.value);
      }
    }
    applyFields(headers, this.#fields);
    // Applied once: the answer now carries them.
    this.#headers = null;
    this.#fields = NO_FIELDS;
    return (this.#res = own ? response : new Response(response.body, { status: response.status, statusText: response.statusText, headers }));
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
