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

/** A route in the tree. */
export interface Route<T> {
  readonly entry: RouteEntry<T>;
  /** One per capture in path order ("" for a bare *, which is no parameter). */
  readonly names: readonly string[];
  /** The named captures: their names, and their capture indexes. */
  readonly paramNames: readonly string[];
  readonly paramSlots: readonly number[];
  /** A name is "__proto__": such params get a null prototype, so it stays an own key. */
  readonly nullProto: boolean;
  /** Its matches for [other methods, HEAD], made once when it has no named parameter. */
  readonly fixed: readonly [RouteMatch<T>, RouteMatch<T>] | null;
}

export function newRoute<T>(entry: RouteEntry<T>, names: readonly string[]): Route<T> {
  const named = names.some((name) => name !== "");
  const fixed = named ? null : ([routeMatch(entry, NO_PARAMS, false), routeMatch(entry, NO_PARAMS, true)] as const);
  const slots = names.flatMap((name, i) => (name === "" ? [] : [i]));
  return { entry, names, paramNames: slots.map((i) => names[i]!), paramSlots: slots, nullProto: names.includes("__proto__"), fixed };
}

export interface ShapeNode<T> {
  readonly statics: Map<string, ShapeNode<T>>;
  param: ShapeNode<T> | null;
  wildcard: ShapeNode<T> | null;
  readonly routes: Map<RouteMethod, Route<T>>;
  /** Allow bits of the methods routed here (HEAD whenever GET); kept by compileTrees. */
  allow: number;
}

export function newShapeNode<T>(): ShapeNode<T> {
  return { statics: new Map(), param: null, wildcard: null, routes: new Map(), allow: 0 };
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
  readonly param: MethodNode<T> | null;
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
  if (node.param !== null) setAllow(node.param);
  if (node.wildcard !== null) setAllow(node.wildcard);
}

function methodNode<T>(node: ShapeNode<T>, text: string, code: number): MethodNode<T> | null {
  const children: MethodNode<T>[] = [];
  for (const [childText, child] of node.statics) {
    const built = methodNode(child, childText, code);
    if (built !== null) children.push(built);
  }
  const param = node.param === null ? null : methodNode(node.param, "", code);
  const wildcard = node.wildcard === null ? null : methodNode(node.wildcard, "", code);
  const route = answerFor(node.routes, code);
  if (children.length === 0 && param === null && wildcard === null && route === null) return null;
  const plain = children.filter((child) => child.text !== "" && PLAIN_TEXT.test(child.text));
  const empty = children.find((child) => child.text === "") ?? null;
  let plainByFirst: (MethodNode<T>[] | undefined)[] | null = null;
  if (plain.length > LINEAR_CHILDREN) {
    plainByFirst = new Array<MethodNode<T>[] | undefined>(128).fill(undefined);
    for (const child of plain) (plainByFirst[child.text.charCodeAt(0)] ??= []).push(child);
  }
  return { text, first: text === "" ? -1 : text.charCodeAt(0), statics: children, plain, plainByFirst, empty, param, wildcard, route };
}
