/**
 * The router's segment tree (router/trie.cpp and node.h in the core), in two
 * forms:
 *
 * - ShapeNode: the tree as routes are added, one node per pattern prefix
 *   (static text, parameter, wildcard), every route at the node of its shape,
 *   by method. It finds duplicates and, for 405, which methods a path has.
 * - MethodNode: for one request method, the same tree cut down to the nodes
 *   that lead to a route answering that method, each node holding that
 *   route (rules 8 and 9 decided once, here). Matching walks one of these,
 *   so "does this route take the method" is never asked per request.
 */
import { ALLOW_ORDER, HEAD, METHOD_CODE_COUNT, OTHER_METHOD, type RouteMethod } from "./methods.js";
import { routeMatch, NO_PARAMS, type RouteEntry, type RouteMatch } from "./match.js";
import { patternBefore, type SegmentPattern } from "./segment.js";
import { propertyKey } from "./property-key.js";

/** A route in the tree. */
export interface Route<T> {
  readonly entry: RouteEntry<T>;
  /** One per capture in path order ("" for a bare *, which is no parameter). */
  readonly names: readonly string[];
  /** The named captures: their names, and their capture indexes. */
  readonly paramNames: readonly string[];
  readonly paramSlots: readonly number[];
  /** The names of optional segments the path leaves out here: their values are "". */
  readonly absent: readonly string[];
  /** A name is "__proto__": such params get a null prototype, so it stays an own key. */
  readonly nullProto: boolean;
  /** Its matches for [other methods, HEAD], made once when it captures no named parameter. */
  readonly fixed: readonly [RouteMatch<T>, RouteMatch<T>] | null;
}

export function newRoute<T>(entry: RouteEntry<T>, names: readonly string[], absent: readonly string[] = []): Route<T> {
  const named = names.some((name) => name !== "");
  const nullProto = names.includes("__proto__") || absent.includes("__proto__");
  let fixed: readonly [RouteMatch<T>, RouteMatch<T>] | null = null;
  if (!named) {
    const params = absent.length === 0 ? NO_PARAMS : Object.freeze(absentParams(absent, nullProto));
    fixed = [routeMatch(entry, params, false), routeMatch(entry, params, true)] as const;
  }
  const slots = names.flatMap((name, i) => (name === "" ? [] : [i]));
  return { entry, names, paramNames: slots.map((i) => propertyKey(names[i]!)), paramSlots: slots, absent: absent.map(propertyKey), nullProto, fixed };
}

/** A params object holding "" for every absent name. */
export function absentParams(absent: readonly string[], nullProto: boolean): Record<string, string> {
  const params: Record<string, string> = nullProto ? (Object.create(null) as Record<string, string>) : {};
  for (const name of absent) if (name !== "") params[name] = "";
  return params;
}

/** A segment-pattern child: its pattern and the node below it. */
export interface PatternChild<N> {
  readonly pattern: SegmentPattern;
  readonly node: N;
}

export interface ShapeNode<T> {
  readonly statics: Map<string, ShapeNode<T>>;
  /** Segment patterns and wildcard patterns, by kind and shape ("p" or "w", then the shape). */
  readonly patterns: Map<string, PatternChild<ShapeNode<T>>>;
  param: ShapeNode<T> | null;
  wildcard: ShapeNode<T> | null;
  readonly routes: Map<RouteMethod, Route<T>>;
  /** Allow bits of the methods routed here (HEAD whenever GET); kept by compileTrees. */
  allow: number;
}

export function newShapeNode<T>(): ShapeNode<T> {
  return { statics: new Map(), patterns: new Map(), param: null, wildcard: null, routes: new Map(), allow: 0 };
}

export interface MethodNode<T> {
  /** This node's static text (decoded), when it is a static child. */
  readonly text: string;
  /** Its first code unit (-1 for ""). */
  readonly first: number;
  /** Static children, in insertion order. */
  readonly statics: readonly MethodNode<T>[];
  /**
   * The static children a raw, unescaped segment can equal, for walkTarget:
   * those whose text is plain (printable ASCII without % / ? #), but "".
   */
  readonly plain: readonly MethodNode<T>[];
  /** With many plain children: them by the first code unit of their text (all ASCII), else null. */
  readonly plainByFirst: readonly (readonly MethodNode<T>[] | undefined)[] | null;
  /** The static child "" (an empty segment), if any. */
  readonly empty: MethodNode<T> | null;
  /** Segment patterns, in the order they are tried (segment.ts patternBefore). */
  readonly patterns: readonly PatternChild<MethodNode<T>>[];
  readonly param: MethodNode<T> | null;
  /** Wildcard patterns (each node a route's), in the order they are tried, before `wildcard`. */
  readonly tails: readonly PatternChild<MethodNode<T>>[];
  readonly wildcard: MethodNode<T> | null;
  /** The route answering this method here, if any. */
  readonly route: Route<T> | null;
}

/** The route that answers `code` among a node's routes (rules 8 and 9 of tests/vectors/README.md). */
function answerFor<T>(routes: ReadonlyMap<RouteMethod, Route<T>>, code: number): Route<T> | null {
  const any = routes.get("ANY") ?? null;
  if (code === OTHER_METHOD) return any;
  if (code === HEAD) {
    const head = routes.get("HEAD");
    const get = routes.get("GET");
    // An empty HEAD reply with a GET twin only declares HEAD.
    return head !== undefined && !(get !== undefined && head.entry.headDeclaration === true) ? head : (get ?? any);
  }
  return routes.get(ALLOW_ORDER[code]!) ?? any;
}

function allowOf<T>(routes: ReadonlyMap<RouteMethod, Route<T>>): number {
  let mask = 0;
  ALLOW_ORDER.forEach((method, bit) => {
    if (routes.has(method)) mask |= 1 << bit;
  });
  if (routes.has("GET")) mask |= 1 << HEAD;
  return mask;
}

// Above this many plain children, a node indexes them by first character.
const LINEAR_CHILDREN = 4;
// Text a raw segment can hold as it is (no escape needed, none possible).
const PLAIN_TEXT = /^[\x21\x22\x24\x26-\x2e\x30-\x3e\x40-\x7e]+$/;

/** Builds the tree of every method code (index = code), null where no route answers it; sets allow masks. */
export function compileTrees<T>(root: ShapeNode<T>): (MethodNode<T> | null)[] {
  setAllow(root);
  const trees: (MethodNode<T> | null)[] = [];
  for (let code = 0; code < METHOD_CODE_COUNT; code++) trees.push(methodNode(root, "", code));
  return trees;
}

function setAllow<T>(node: ShapeNode<T>): void {
  node.allow = allowOf(node.routes);
  for (const child of node.statics.values()) setAllow(child);
  for (const child of node.patterns.values()) setAllow(child.node);
  if (node.param !== null) setAllow(node.param);
  if (node.wildcard !== null) setAllow(node.wildcard);
}

function methodNode<T>(node: ShapeNode<T>, text: string, code: number): MethodNode<T> | null {
  const children: MethodNode<T>[] = [];
  for (const [childText, child] of node.statics) {
    const built = methodNode(child, childText, code);
    if (built !== null) children.push(built);
  }
  const patterns: PatternChild<MethodNode<T>>[] = [];
  const tails: PatternChild<MethodNode<T>>[] = [];
  for (const { pattern, node: child } of node.patterns.values()) {
    const built = methodNode(child, "", code);
    if (built !== null) (pattern.wildcard ? tails : patterns).push({ pattern, node: built });
  }
  const order = (a: PatternChild<unknown>, b: PatternChild<unknown>) => (patternBefore(a.pattern, b.pattern) ? -1 : patternBefore(b.pattern, a.pattern) ? 1 : 0);
  patterns.sort(order);
  tails.sort(order);
  const param = node.param === null ? null : methodNode(node.param, "", code);
  const wildcard = node.wildcard === null ? null : methodNode(node.wildcard, "", code);
  const route = answerFor(node.routes, code);
  if (children.length === 0 && patterns.length === 0 && param === null && tails.length === 0 && wildcard === null && route === null) return null;
  const plain = children.filter((child) => child.text !== "" && PLAIN_TEXT.test(child.text));
  const empty = children.find((child) => child.text === "") ?? null;
  let plainByFirst: (MethodNode<T>[] | undefined)[] | null = null;
  if (plain.length > LINEAR_CHILDREN) {
    plainByFirst = new Array<MethodNode<T>[] | undefined>(128).fill(undefined);
    for (const child of plain) (plainByFirst[child.text.charCodeAt(0)] ??= []).push(child);
  }
  return { text, first: text === "" ? -1 : text.charCodeAt(0), statics: children, plain, plainByFirst, empty, patterns, param, tails, wildcard, route };
}
