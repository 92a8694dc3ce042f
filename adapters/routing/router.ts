/**
 * The TypeScript router: the same rules as the C++ core (tests/vectors/README.md),
 * for the Bun/Node/fetch path. One segment tree per router; static children
 * before the parameter child before the wildcard child, with backtracking.
 */
import { ALLOW_ORDER, type RouteMethod } from "./methods.js";
import { parsePattern, type PatternSegment } from "./pattern.js";
import { checkPath, decodePercent } from "./path.js";
import { RouteDefinitionError } from "./route-definition-error.js";

export interface RouteEntry<T> {
  method: RouteMethod;
  /** The pattern as written: /users/:id, /files/*path */
  path: string;
  value: T;
  /**
   * An explicit HEAD route that only declares a GET twin (a table's HEAD line
   * with an empty body): it never answers itself when the twin exists.
   */
  headDeclaration?: boolean;
  /** For error messages: "line 7" or "route 3". */
  origin?: string;
}

export type MatchResult<T> =
  | { kind: "route"; entry: RouteEntry<T>; params: Record<string, string>; head: boolean }
  | { kind: "error"; status: 400 | 404 | 405 | 414; allow: string; head: boolean };

export { RouteDefinitionError };

export const MAX_TARGET_LENGTH = 8192;

interface Node<T> {
  statics: Map<string, Node<T>>;
  param: Node<T> | null;
  wildcard: Node<T> | null;
  routes: Map<RouteMethod, RouteEntry<T>> | null;
  /** method -> the entry answering it here (after the ANY and HEAD rules) */
  answers: Map<string, RouteEntry<T>> | null;
  allowMask: number;
  /** Parameter names of routes ending here, by entry, in path order. */
  names: Map<RouteEntry<T>, string[]>;
}

/** One match in progress. */
interface Walk<T> {
  /** The path's segments as sent (a wildcard's value is joined from these). */
  readonly raw: string[];
  /** The same, percent-decoded when the path has escapes. */
  readonly segments: string[];
  readonly escaped: boolean;
  readonly method: string;
  readonly captures: string[];
  /** Allow bits of every node whose path matched (for 405). */
  allow: number;
  node: Node<T> | null;
  entry: RouteEntry<T> | null;
}

function newNode<T>(): Node<T> {
  return { statics: new Map(), param: null, wildcard: null, routes: null, answers: null, allowMask: 0, names: new Map() };
}

export class Router<T> {
  #root: Node<T> = newNode();
  #compiled = true;

  constructor(entries: Iterable<RouteEntry<T>> = []) {
    for (const entry of entries) this.add(entry);
  }

  /** Adds a route; throws RouteDefinitionError for a bad pattern or a duplicate. */
  add(entry: RouteEntry<T>): void {
    const segments: PatternSegment[] = parsePattern(entry.path, entry.origin);
    let node = this.#root;
    const names: string[] = [];
    for (const segment of segments) {
      if (segment.kind === "static") {
        let next = node.statics.get(segment.text);
        if (!next) node.statics.set(segment.text, (next = newNode()));
        node = next;
      } else if (segment.kind === "param") {
        node = node.param ??= newNode();
        names.push(segment.text);
      } else {
        node = node.wildcard ??= newNode();
        names.push(segment.text);
      }
    }
    node.routes ??= new Map();
    const existing = node.routes.get(entry.method);
    if (existing) {
      throw new RouteDefinitionError(
        `${entry.origin ? entry.origin + ": " : ""}duplicate route: ${entry.method} '${entry.path}' has the same method and path shape as ${existing.origin ?? `'${existing.path}'`}`,
      );
    }
    node.routes.set(entry.method, entry);
    node.names.set(entry, names);
    this.#compiled = false;
  }

  /** Routes a request. `target` is the raw request target (path, query allowed). */
  match(method: string, target: string): MatchResult<T> {
    if (!this.#compiled) this.#compile(this.#root);
    const head = method === "HEAD";
    if (target.length > MAX_TARGET_LENGTH) return { kind: "error", status: 414, allow: "", head };
    let end = target.length;
    const query = target.indexOf("?");
    const hash = target.indexOf("#");
    if (query >= 0) end = query;
    if (hash >= 0 && hash < end) end = hash;
    const path = target.slice(0, end);
    const escaped = checkPath(path);
    if (escaped === null) return { kind: "error", status: 400, allow: "", head };
    const raw = path.slice(1).split("/");
    const walk: Walk<T> = {
      raw,
      segments: escaped ? raw.map(decodePercent) : raw,
      escaped,
      method,
      captures: [],
      allow: 0,
      node: null,
      entry: null,
    };
    if (this.#walk(this.#root, 0, walk)) {
      // On success the walk stopped at once: captures hold exactly this
      // route's values, in path order.
      const names = walk.node!.names.get(walk.entry!) ?? [];
      const params: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) {
        if (names[i] !== "") params[names[i]!] = walk.captures[i] ?? "";
      }
      return { kind: "route", entry: walk.entry!, params, head };
    }
    if (walk.allow) {
      const allow = ALLOW_ORDER.filter((_, bit) => walk.allow & (1 << bit)).join(", ");
      return { kind: "error", status: 405, allow, head };
    }
    return { kind: "error", status: 404, allow: "", head };
  }

  // Depth-first, static > param > wildcard. Each node is reached at most once
  // per request (one node per pattern prefix), so this is linear in the tree.
  // A capture pushed on the way down is popped when its branch fails.
  #walk(node: Node<T>, index: number, walk: Walk<T>): boolean {
    const segment = walk.segments[index]!;
    const last = index === walk.segments.length - 1;
    const child = node.statics.get(segment);
    if (child !== undefined && (last ? this.#accept(child, walk) : this.#walk(child, index + 1, walk))) return true;
    if (node.param !== null && segment !== "") {
      walk.captures.push(segment);
      if (last ? this.#accept(node.param, walk) : this.#walk(node.param, index + 1, walk)) return true;
      walk.captures.pop();
    }
    if (node.wildcard !== null) {
      const rest = walk.raw.slice(index).join("/");
      walk.captures.push(walk.escaped ? decodePercent(rest) : rest);
      if (this.#accept(node.wildcard, walk)) return true;
      walk.captures.pop();
    }
    return false;
  }

  #accept(node: Node<T>, walk: Walk<T>): boolean {
    if (node.answers === null) return false;
    walk.allow |= node.allowMask;
    const entry = node.answers.get(walk.method) ?? node.answers.get("*");
    if (entry === undefined) return false;
    walk.node = node;
    walk.entry = entry;
    return true;
  }

  // Decides once per node which route answers each method (rules 8 and 9).
  #compile(node: Node<T>): void {
    if (node.routes) {
      const r = node.routes;
      const answers = new Map<string, RouteEntry<T>>();
      const any = r.get("ANY");
      let mask = 0;
      ALLOW_ORDER.forEach((m, bit) => {
        const own = r.get(m);
        if (own) mask |= 1 << bit;
        const answer = own ?? any;
        if (answer) answers.set(m, answer);
      });
      const get = r.get("GET");
      const head = r.get("HEAD");
      const headAnswer = head && !(get && head.headDeclaration) ? head : (get ?? any);
      if (headAnswer) answers.set("HEAD", headAnswer);
      else answers.delete("HEAD");
      if (any) answers.set("*", any);
      if (get) mask |= 1 << 1;  // HEAD whenever GET
      node.answers = answers;
      node.allowMask = mask;
    }
    for (const child of node.statics.values()) this.#compile(child);
    if (node.param) this.#compile(node.param);
    if (node.wildcard) this.#compile(node.wildcard);
    if (node === this.#root) this.#compiled = true;
  }
}
