/**
 * Route-table directives (MIDDLEWARE / ROUTE_MIDDLEWARE: HEADER, CORS,
 * REQUIRE_HEADER) and their evaluation for one request: a port of
 * router/directive.cpp, held to it by the shared vectors
 * (tests/vectors/directives.jsonl) and the differential tests. The rules:
 * tests/vectors/README.md, "Directives".
 *
 * The outcome names the answer's extra fields by one number (`headerSet`),
 * encoded exactly as the C++ core encodes it, so hosts decode each set once
 * per table (headerSetFields) and the same table gives the same numbers on
 * every path.
 */

export interface CorsPolicy {
  /** Allowed origins; empty means "*". One origin is always sent; two or more: the request's Origin when listed. */
  readonly origins: readonly string[];
  /** Access-Control-Allow-Methods of preflights, ", "-joined. */
  readonly methods: string;
  /** Access-Control-Allow-Headers; "" echoes the request's. */
  readonly allowHeaders: string;
  readonly credentials: boolean;
  /** Decimal seconds, or null. */
  readonly maxAge: string | null;
}

export type Directive =
  | { readonly kind: "header"; readonly line: number; readonly name: string; readonly value: string }
  | { readonly kind: "cors"; readonly line: number; readonly cors: CorsPolicy }
  | {
      readonly kind: "require";
      readonly line: number;
      readonly name: string;
      /** The expected value as a byte string (its UTF-8 bytes, one char each), as request values arrive. */
      readonly bytes: string;
      /** WWW-Authenticate of the 401, or "" for none. */
      readonly challenge: string;
    };

/** What evaluation reads of a table: its MIDDLEWARE chain and each route's ROUTE_MIDDLEWARE. */
export interface DirectiveTable {
  readonly middleware: readonly Directive[];
  /** Route index -> its ROUTE_MIDDLEWARE steps (empty for most). */
  routeDirectives(index: number): readonly Directive[];
}

export interface DirectiveOutcome {
  /** 0: the route (or the router's error) answers; 204: a CORS preflight; 401. */
  status: 0 | 204 | 401;
  /** The answer's extra fields (headerSetFields); 0: none. */
  headerSet: number;
  /** A preflight echoing Access-Control-Request-Headers: that value becomes Access-Control-Allow-Headers. */
  echo: string | null;
}

export const NO_DIRECTIVES: DirectiveOutcome = Object.freeze({ status: 0, headerSet: 0, echo: null });

/** The request's value of a header (fields of one name joined by ", "), or null; `lowerName` is lowercase. */
export type HeaderLookup = (lowerName: string) => string | null;

// The header_set encoding of router/directive.cpp.
const STOP_SHIFT = 16;
const OUTCOME_SHIFT = 24;
const VARIANT_SHIFT = 26;
const PASS = 0;
const PREFLIGHT = 1;
const PREFLIGHT_WITH_HEADERS = 2;
const UNAUTHORIZED = 3;

function encode(chain: number, stop: number, outcome: number, variant: number): number {
  return (chain | (stop << STOP_SHIFT) | (outcome << OUTCOME_SHIFT) | (variant << VARIANT_SHIFT)) >>> 0;
}

function originVariant(cors: CorsPolicy, header: HeaderLookup): number {
  if (cors.origins.length <= 1) return 1;
  const origin = header("origin");
  return origin === null ? 0 : cors.origins.indexOf(origin) + 1;
}

function originText(cors: CorsPolicy, variant: number): string {
  return cors.origins.length === 0 ? "*" : cors.origins[variant - 1]!;
}

/** Equality in time that depends only on the lengths (a REQUIRE_HEADER value is a secret). */
function equalsConstantTime(given: string, expected: string): boolean {
  let difference = given.length ^ expected.length;
  const length = Math.max(given.length, expected.length);
  for (let i = 0; i < length; i++) difference |= (given.charCodeAt(i) | 0) ^ (expected.charCodeAt(i) | 0);
  return difference === 0;
}

/**
 * Runs the chain for a request: `routeIndex` is the matched table route, or
 * -1 for the router's own answers (400, 404, 405, 414), which run the
 * MIDDLEWARE lines alone.
 */
export function evaluateDirectives(table: DirectiveTable, routeIndex: number, method: string, header: HeaderLookup): DirectiveOutcome {
  const global = table.middleware;
  const own = routeIndex >= 0 ? table.routeDirectives(routeIndex) : [];
  const total = global.length + own.length;
  if (total === 0) return NO_DIRECTIVES;
  const chain = own.length > 0 ? routeIndex + 1 : 0;
  let variant = 0;
  let fieldsAdded = false;
  for (let i = 0; i < total; i++) {
    const d = i < global.length ? global[i]! : own[i - global.length]!;
    if (d.kind === "header") {
      fieldsAdded = true;
    } else if (d.kind === "cors") {
      const cors = d.cors;
      variant = originVariant(cors, header);
      if (method === "OPTIONS" && header("origin") !== null && header("access-control-request-method") !== null) {
        const requested = header("access-control-request-headers");
        const echo = cors.allowHeaders === "" && requested !== null && requested !== "" ? requested : null;
        return { status: 204, headerSet: encode(chain, i, requested !== null ? PREFLIGHT_WITH_HEADERS : PREFLIGHT, variant), echo };
      }
      fieldsAdded ||= variant !== 0 || cors.credentials || cors.origins.length !== 0;
    } else {
      const given = header(d.name);
      if (given === null || !equalsConstantTime(given, d.bytes)) {
        return { status: 401, headerSet: fieldsAdded || d.challenge !== "" ? encode(chain, i, UNAUTHORIZED, variant) : 0, echo: null };
      }
    }
  }
  return fieldsAdded ? { status: 0, headerSet: encode(chain, total, PASS, variant), echo: null } : NO_DIRECTIVES;
}

/**
 * Which answer a header set belongs to: 204 a preflight, 401 a failed
 * REQUIRE_HEADER, 0 one that passed the chain. The set 0 (no fields) says 0:
 * a 401 without fields has no set.
 */
export function headerSetStatus(set: number): 0 | 204 | 401 {
  if (set === 0) return 0;
  const outcome = (set >>> OUTCOME_SHIFT) & 3;
  return outcome === PASS ? 0 : outcome === UNAUTHORIZED ? 401 : 204;
}

/** A field set: each [name, value] in order; a name given twice means its values joined by ", ". */
export type HeaderFields = readonly (readonly [string, string])[];

/** The fields of a header set (router/directive.cpp header_set_fields); [] for 0 or a set of no table. */
export function headerSetFields(table: DirectiveTable, set: number): HeaderFields {
  if (set === 0) return [];
  const chain = set & 0xffff;
  const stop = (set >>> STOP_SHIFT) & 0xff;
  const outcome = (set >>> OUTCOME_SHIFT) & 3;
  const variant = set >>> VARIANT_SHIFT;
  const global = table.middleware;
  const own = chain > 0 ? table.routeDirectives(chain - 1) : [];
  const total = global.length + own.length;
  if (stop > total || (outcome !== PASS && stop === total)) return [];
  const step = (i: number): Directive => (i < global.length ? global[i]! : own[i - global.length]!);
  const fields: [string, string][] = [];
  const set1 = (name: string, value: string) => {
    const lower = name.toLowerCase();
    const at = fields.findIndex(([n]) => n.toLowerCase() === lower);
    if (at < 0) {
      fields.push([name, value]);
      return;
    }
    fields[at] = [fields[at]![0], value];
    for (let i = fields.length - 1; i > at; i--) if (fields[i]![0].toLowerCase() === lower) fields.splice(i, 1);
  };
  if (outcome === PREFLIGHT || outcome === PREFLIGHT_WITH_HEADERS) {
    const d = step(stop);
    if (d.kind !== "cors") return [];
    const cors = d.cors;
    if (variant) fields.push(["Access-Control-Allow-Origin", originText(cors, variant)]);
    if (cors.credentials) fields.push(["Access-Control-Allow-Credentials", "true"]);
    fields.push(["Access-Control-Allow-Methods", cors.methods]);
    if (cors.allowHeaders !== "") fields.push(["Access-Control-Allow-Headers", cors.allowHeaders]);
    if (cors.maxAge !== null) fields.push(["Access-Control-Max-Age", cors.maxAge]);
    const varyOrigin = cors.origins.length !== 0;
    const varyHeaders = cors.allowHeaders === "" && outcome === PREFLIGHT_WITH_HEADERS;
    const vary = [varyOrigin ? "Origin" : "", varyHeaders ? "Access-Control-Request-Headers" : ""].filter(Boolean).join(", ");
    if (vary !== "") fields.push(["Vary", vary]);
  } else if (outcome === UNAUTHORIZED) {
    const d = step(stop);
    if (d.kind !== "require") return [];
    if (d.challenge !== "") fields.push(["WWW-Authenticate", d.challenge]);
  }
  for (let i = 0; i < stop; i++) {
    const d = step(i);
    if (d.kind === "header") {
      set1(d.name, d.value);
    } else if (d.kind === "cors") {
      if (variant) set1("Access-Control-Allow-Origin", originText(d.cors, variant));
      if (d.cors.credentials) set1("Access-Control-Allow-Credentials", "true");
      if (d.cors.origins.length !== 0) fields.push(["Vary", "Origin"]);
    }
  }
  return fields;
}

/** The request header names (lowercase) the directives read, each once, in the order the C++ core lists them. */
export function neededHeaders(steps: Iterable<Directive>): string[] {
  const names: string[] = [];
  const need = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  for (const d of steps) {
    if (d.kind === "require") need(d.name);
    else if (d.kind === "cors") {
      need("origin");
      need("access-control-request-method");
      need("access-control-request-headers");
    }
  }
  return names;
}

/** Fields a HEADER directive may not set: the router's and the HTTP layer's own. */
const OWNED = new Set([
  "content-type", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade",
  "te", "trailer", "proxy-connection", "date", "server", "allow",
]);

export function headerIsSettable(name: string): boolean {
  return !OWNED.has(name.toLowerCase());
}
