/**
 * The TypeScript router: the same rules as the C++ core (tests/vectors/README.md),
 * for the Bun/Node/fetch path. A port of router/, held to it by the shared
 * vectors, the table-error vectors and the differential fuzzer
 * (tests/ts/router/).
 *
 * Per request: a walk of the method's tree along the raw target (walk.ts's
 * walkTarget, or the generated matcher of compile.ts when asked for), which
 * answers every request that has a route and no escape. Anything else (an
 * escape, a character to refuse, no route) goes through the rules in full:
 * readTarget, a walk over the decoded segments, and for a request no route
 * takes, a walk of the whole tree for its Allow.
 */
import { allowMask, captures, walkTarget, walkView } from "./walk.js";
import { HEAD, methodCode } from "./methods.js";
import { parsePattern, patternShapes, ROOT_SHAPE, type PatternSegment } from "./pattern.js";
import { PathView, readTarget } from "./path-view.js";
import { RouteDefinitionError } from "./route-definition-error.js";
import { errorOf, notAllowed, routeMatch, type Match, type Params, type RouteEntry } from "./match.js";
import { compileTrees, newRoute, newShapeNode, type MethodNode, type Route, type ShapeNode } from "./tree.js";
import { MAX_TARGET_LENGTH } from "./limits.js";
import { excerpt } from "./message.js";
import { compileMatcher, type CompiledMatcher } from "./compile.js";
import { targetAt } from "./request-target.js";

export type { ErrorMatch, Match, Params, RouteEntry, RouteMatch } from "./match.js";
export { MAX_TARGET_LENGTH } from "./limits.js";
export { RouteDefinitionError };

export interface RouterOptions {
  /**
   * Match with JavaScript generated for the table (`new Function`), for
   * runtimes that allow it (Node, Bun, Deno; not Workers). The answers are
   * the same as the default walk's (both run on every shared vector).
   * Default false.
   */
  compile?: boolean;
}

// match() runs to completion without calling out, so one view serves every router.
const view = new PathView();

// Targets up to this long cannot be over the limit in UTF-8 whatever they hold.
const SURELY_SHORT = Math.floor(MAX_TARGET_LENGTH / 3);

export class Router<T> {
  readonly #root: ShapeNode<T> = newShapeNode();
  readonly #compile: boolean;
  #trees: (MethodNode<T> | null)[] | null = null;
  #matchers: (CompiledMatcher<T> | null)[] | null = null;

  constructor(entries: Iterable<RouteEntry<T>> = [], options: RouterOptions = {}) {
    this.#compile = options.compile === true;
    for (const entry of entries) this.add(entry);
  }

  /** Adds a route; throws RouteDefinitionError for a bad pattern or a duplicate. */
  add(entry: RouteEntry<T>): void {
    const segments: PatternSegment[] = parsePattern(entry.path, entry.origin);
    // A route with optional segments (/a/:b?) is in the tree once per shape
    // it matches: /a/:b, then /a (then /, when every segment is optional).
    // Every place is checked for a duplicate before any is taken.
    const places: { node: ShapeNode<T>; names: string[]; absent: string[] }[] = [];
    for (const shape of patternShapes(segments)) {
      const node = this.#place(shape);
      const existing = node.routes.get(entry.method);
      if (existing !== undefined) {
        const other = existing.entry;
        throw new RouteDefinitionError(
          `${entry.origin ? entry.origin + ": " : ""}duplicate route: ${entry.method} ${excerpt(entry.path)} has the same method and path shape as ${other.origin ?? excerpt(other.path)}`,
        );
      }
      const kept = shape === ROOT_SHAPE ? 0 : shape.length;
      places.push({ node, names: shape.flatMap((s) => s.names), absent: segments.slice(kept).flatMap((s) => s.names) });
    }
    for (const { node, names, absent } of places) node.routes.set(entry.method, newRoute(entry, names, absent));
    this.#trees = null;
    this.#matchers = null;
  }

  // The node of a shape, made as needed.
  #place(segments: readonly PatternSegment[]): ShapeNode<T> {
    let node = this.#root;
    for (const segment of segments) {
      if (segment.pattern !== null) {
        const key = (segment.pattern.wildcard ? "w" : "p") + segment.pattern.shape;
        let child = node.patterns.get(key);
        if (child === undefined) node.patterns.set(key, (child = { pattern: segment.pattern, node: newShapeNode() }));
        node = child.node;
      } else if (segment.kind === "static") {
        let next = node.statics.get(segment.text);
        if (next === undefined) node.statics.set(segment.text, (next = newShapeNode()));
        node = next;
      } else if (segment.kind === "param") {
        node = node.param ??= newShapeNode();
      } else {
        node = node.wildcard ??= newShapeNode();
      }
    }
    return node;
  }

  /**
   * Routes a request. `target` is the raw request target (path, query
   * allowed). Or, with `start` not 0, an absolute URL and where its target
   * begins (targetStart in request-target.ts): the target is then what
   * requestTarget gives, found without slicing it (a slice is dearer to
   * walk), and the parameters are slices of the URL.
   */
  match(method: string, target: string, start = 0): Match<T> {
    const trees = this.#trees ?? this.#build();
    const code = methodCode(method);
    const head = code === HEAD;
    const tree = trees[code]!;
    if (tree !== null && target.length - start <= SURELY_SHORT && target.charCodeAt(start) === 0x2f) {
      if (this.#matchers !== null) {
        const found = this.#matchers[code]!(target, head ? 1 : 0, start);
        if (found !== null) return found;
      } else {
        const route = walkTarget(tree, target, start);
        if (route !== null) return answer(route, target, head);
      }
    }
    return this.#matchInFull(tree, head, start === 0 ? target : targetAt(target, start));
  }

  // The rules in full: anything the walk on the raw target gave up on.
  #matchInFull(tree: MethodNode<T> | null, head: boolean, target: string): Match<T> {
    const status = readTarget(target, view);
    if (status !== 0) return errorOf(status, head);
    if (tree !== null) {
      const route = walkView(tree, view);
      if (route !== null) return answer(route, view.text, head);
    }
    const mask = allowMask(this.#root, view);
    return mask === 0 ? errorOf(404, head) : notAllowed(mask, head);
  }

  #build(): (MethodNode<T> | null)[] {
    const trees = compileTrees(this.#root);
    this.#trees = trees;
    if (this.#compile) this.#matchers = trees.map((tree) => (tree === null ? null : compileMatcher(tree)));
    return trees;
  }
}

function answer<T>(route: Route<T>, text: string, head: boolean): Match<T> {
  return route.fixed === null ? routeMatch(route.entry, paramsOf(route, text), head) : route.fixed[head ? 1 : 0];
}

function paramsOf<T>(route: Route<T>, text: string): Params {
  const names = route.paramNames;
  const slots = route.paramSlots;
  const params: Record<string, string> = route.nullProto ? (Object.create(null) as Record<string, string>) : {};
  for (let i = 0; i < names.length; i++) {
    const slot = 2 * slots[i]!;
    params[names[i]!] = text.slice(captures[slot]!, captures[slot + 1]!);
  }
  // Optional segments the path left out: their parameters are "" (as the core's are empty).
  const absent = route.absent;
  for (let i = 0; i < absent.length; i++) if (absent[i] !== "") params[absent[i]!] = "";
  return params;
}
