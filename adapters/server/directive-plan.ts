/**
 * How an app's middleware runs: which of it is route-table directives
 * (cors(), header(), requireHeader() used app-wide, or on a group's routes)
 * and which runs as JavaScript middleware in the chain.
 *
 * Directives run as the table's chain does on every path (router.wasm,
 * hotpath-server): first, in the order added, the app's (MIDDLEWARE), then
 * the route's (ROUTE_MIDDLEWARE), evaluated by the port
 * (routing/directives.ts); their fields go on the answer last. A directive
 * that a table cannot hold where it is used (under a path prefix, with an
 * origin function, a group's cors(), past the table's limits) stays an
 * ordinary middleware and runs at its place in the chain.
 *
 * A plan is made once per app definition (HotpathServer makes a new one
 * when a route or middleware is added), and decodes each header set once.
 */
import type { Directive, DirectiveTable, HeaderFields, HeaderLookup } from "../routing/directives.js";
import { headerSetFields, neededHeaders } from "../routing/directives.js";
import { MAX_CHAIN_STEPS, MAX_MIDDLEWARE_ROUTE, MAX_NEEDED_HEADERS } from "../routing/limits.js";
import { byteString } from "../routing/utf8.js";
import { directiveInfo, type DirectiveInfo } from "./middleware/directive.js";
import { inScope, pathSegments, type Layer } from "./prefix.js";
import type { Middleware } from "./types.js";

/** A layer the chain runs, and why a table cannot run it (for toRouteTable). */
export interface ChainLayer extends Layer {
  /** The directive it would be, when it is one a table cannot hold here. */
  readonly info: DirectiveInfo | null;
  /** Why a table cannot say it, in words. */
  readonly reason: string;
}

export interface DirectivePlan {
  /** The chain of directives (null: none anywhere). */
  readonly table: DirectiveTable | null;
  /** Lowercase request header names the directives read. */
  readonly needed: readonly string[];
  /** The app's directives, in order (MIDDLEWARE lines). */
  readonly appSteps: readonly Directive[];
  /** App layers that run as JavaScript middleware. */
  readonly appChain: readonly ChainLayer[];
  /** Route i's directives (ROUTE_MIDDLEWARE lines). */
  routeSteps(index: number): readonly Directive[];
  /** Route i's group layers that run as JavaScript middleware. */
  routeChain(index: number): readonly ChainLayer[];
  /** The fields of a header set, decoded once. */
  fields(set: number): HeaderFields;
  /**
   * The JavaScript middleware that runs for a request (route index, or -1
   * for the router's own answers) at `target`; null when none does.
   */
  chainFor(index: number, target: string): Middleware[] | null;
}

const NONE: readonly never[] = Object.freeze([]);

function chainLayer(layer: Layer, info: DirectiveInfo | null, reason: string): ChainLayer {
  return { ...layer, info, reason };
}

function why(info: DirectiveInfo | null, layer: Layer, where: string): string {
  if (info === null) return "a JavaScript middleware";
  if (info.problem !== null) return `${info.name}: ${info.problem}`;
  if (layer.prefix !== null) return info.name;
  return `${info.name} ${where}`;
}

/** Splits the app's layers and each route's into directives and the chain. */
export function planDirectives(appLayers: readonly Layer[], records: readonly { readonly layers: readonly Layer[] }[], refused: string | null = null): DirectivePlan {
  const appSteps: Directive[] = [];
  const appChain: ChainLayer[] = [];
  let corsSeen = false;
  for (const layer of appLayers) {
    const info = directiveInfo(layer.fn);
    const d = info?.directive ?? null;
    const fits = d !== null && refused === null && layer.prefix === null && appSteps.length < MAX_CHAIN_STEPS && !(d.kind === "cors" && corsSeen);
    if (fits) {
      appSteps.push(d);
      corsSeen ||= d.kind === "cors";
    } else {
      const where =
        refused ?? (d?.kind === "cors" && corsSeen ? "a second time (a table holds one CORS line)" : `beyond the table's ${MAX_CHAIN_STEPS} MIDDLEWARE lines`);
      appChain.push(chainLayer(layer, info, why(info, layer, where)));
    }
  }
  const steps: (readonly Directive[])[] = [];
  const chains: (readonly ChainLayer[])[] = [];
  records.forEach((record, index) => {
    let own: Directive[] | null = null;
    let chain: ChainLayer[] | null = null;
    for (const layer of record.layers) {
      const info = directiveInfo(layer.fn);
      const d = info?.directive ?? null;
      const count = own?.length ?? 0;
      if (d !== null && refused === null && layer.prefix === null && d.kind !== "cors" && count < MAX_CHAIN_STEPS && index < MAX_MIDDLEWARE_ROUTE) {
        (own ??= []).push(d);
      } else {
        const where =
          refused ?? (d?.kind === "cors" ? "in a group (a table's CORS is table-wide: use app.use(cors()))" : "beyond the table's limits for one route");
        (chain ??= []).push(chainLayer(layer, info, why(info, layer, where)));
      }
    }
    steps.push(own ?? NONE);
    chains.push(chain ?? NONE);
  });
  let needed = neededHeaders([...appSteps, ...steps.flat()]);
  let table: DirectiveTable | null = { middleware: appSteps, routeDirectives: (i) => steps[i] ?? NONE };
  if (needed.length > MAX_NEEDED_HEADERS) {
    // More request header names than a table may read: every step runs in the chain.
    return planDirectives(appLayers, records, `with the others, more than ${MAX_NEEDED_HEADERS} request header names to read (a table's limit)`);
  }
  if (appSteps.length === 0 && steps.every((s) => s.length === 0)) {
    table = null;
    needed = [];
  }
  const decoded = new Map<number, HeaderFields>();
  const fields = (set: number): HeaderFields => {
    if (set === 0 || table === null) return NONE;
    let found = decoded.get(set);
    // Values as byte strings of their UTF-8, the bytes a table sends.
    if (found === undefined) decoded.set(set, (found = Object.freeze(headerSetFields(table, set).map(([name, value]) => [name, byteString(value)] as const))));
    return found;
  };
  const scoped = appChain.some((layer) => layer.prefix !== null) || chains.some((chain) => chain.some((layer) => layer.prefix !== null));
  const unscopedApp = appChain.map((layer) => layer.fn);
  const chainFor = (index: number, target: string): Middleware[] | null => {
    const route = index >= 0 ? chains[index] ?? NONE : NONE;
    if (appChain.length === 0 && route.length === 0) return null;
    if (!scoped) return route.length === 0 ? unscopedApp : [...unscopedApp, ...route.map((layer) => layer.fn)];
    let segments: string[] | null | undefined;
    const out: Middleware[] = [];
    for (const list of [appChain, route]) {
      for (const layer of list) if (layer.prefix === null || inScope(layer, (segments ??= pathSegments(target)))) out.push(layer.fn);
    }
    return out.length === 0 ? null : out;
  };
  return {
    table,
    needed,
    appSteps,
    appChain,
    routeSteps: (i) => steps[i] ?? NONE,
    routeChain: (i) => chains[i] ?? NONE,
    fields,
    chainFor,
  };
}

/** The request's header lookup for the directives, from Fetch Headers (fields of one name joined by ", "). */
export function headersLookup(headers: Headers): HeaderLookup {
  return (name) => headers.get(name);
}

/** A lookup for requests of a table that reads no header. */
export const NO_HEADERS: HeaderLookup = () => null;
