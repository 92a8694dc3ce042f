/**
 * The optional generating matcher (RouterOptions.compile): walk.ts's
 * walkTarget for one method's tree, unrolled into a JavaScript function
 * with `new Function` (the idea of find-my-way's compile() and rou3's
 * compileRouter). Every node sits at a fixed depth, so its static texts,
 * parameter names and route become constants: static segments are compared
 * character by character, each route builds its params as an object
 * literal, and backtracking is falling through to the next branch. Like
 * walkTarget it answers null for whatever needs the full rules, which the
 * router then applies with walkView.
 *
 * Same answers as walkTarget (both run on every shared vector and in the
 * differential fuzzer). Never used unless asked for: Workers refuse code
 * generation, and nothing there needs it.
 */
import { routeMatch, type Match } from "./match.js";
import { matchSegment, matchTail, spans, type SegmentPattern } from "./segment.js";
import type { MethodNode, Route } from "./tree.js";
import { plainEnd } from "./walk.js";

/** `head`: 1 for a HEAD request, else 0; `start`: where the target (its "/") is in `target`. */
export type CompiledMatcher<T> = (target: string, head: number, start: number) => Match<T> | null;

// Code of a subtree longer than this goes into a function of its own: V8
// does not optimise very large functions, and a big table is one otherwise.
const HOIST_LENGTH = 2000;

interface Context<T> {
  ref(route: Route<T>): string;
  /** A segment pattern as a constant: Q[i]. */
  pattern(pattern: SegmentPattern): string;
  /** Hoisted subtrees, as function declarations. */
  functions: string[];
}

export function compileMatcher<T>(root: MethodNode<T>): CompiledMatcher<T> {
  const routes: Route<T>[] = [];
  const patterns: SegmentPattern[] = [];
  const context: Context<T> = {
    ref(route) {
      let index = routes.indexOf(route);
      if (index < 0) index = routes.push(route) - 1;
      return `R[${index}]`;
    },
    pattern(pattern) {
      let index = patterns.indexOf(pattern);
      if (index < 0) index = patterns.push(pattern) - 1;
      return `Q[${index}]`;
    },
    functions: [],
  };
  const body = nodeCode(root, 0, [], context);
  const source = `"use strict";${context.functions.join("")}return function match(t,h,o){const L=t.length,s0=o+1;${body}return null;};`;
  const make = new Function("R", "P", "M", "Q", "S", "T", "X", source) as (
    routes: Route<T>[],
    end: typeof plainEnd,
    match: typeof routeMatch,
    patterns: SegmentPattern[],
    segment: typeof matchSegment,
    tail: typeof matchTail,
    spans: Int32Array,
  ) => CompiledMatcher<T>;
  return make(routes, plainEnd, routeMatch, patterns, matchSegment, matchTail, spans);
}

// The answer when `route` matches, its captures being the variable pairs
// `spans` (start, end) in path order.
function answerCode<T>(route: Route<T>, spans: readonly (readonly [string, string])[], context: Context<T>): string {
  const r = context.ref(route);
  if (route.fixed !== null) return `return ${r}.fixed[h];`;
  const fields = route.names
    .map((name, i) => {
      if (name === "") return "";
      // A computed key: a literal "__proto__": would set the prototype instead.
      const key = name === "__proto__" ? `["__proto__"]` : JSON.stringify(name);
      return `${key}:t.slice(${spans[i]![0]},${spans[i]![1]}),`;
    })
    .join("");
  // Optional segments the path left out: "" (as in walk.ts's answers).
  const absent = route.absent
    .filter((name) => name !== "")
    .map((name) => `${name === "__proto__" ? `["__proto__"]` : JSON.stringify(name)}:"",`)
    .join("");
  return `return M(${r}.entry,{${fields}${absent}},h===1);`;
}

// The code for `node`, whose segment starts at s<k>: it returns the answer
// when a branch succeeds, null when the target needs the full rules, and
// falls through when no branch matches.
function nodeCode<T>(node: MethodNode<T>, k: number, spans: readonly (readonly [string, string])[], context: Context<T>): string {
  const s = `s${k}`;
  const f = `f${k}`;
  const next = `s${k + 1}`;
  // The subtree below a child at segment k + 1, hoisted into a function
  // when long: it then returns undefined to fall through.
  const below = (child: MethodNode<T>, childSpans: readonly (readonly [string, string])[]): string => {
    const code = nodeCode(child, k + 1, childSpans, context);
    if (code.length <= HOIST_LENGTH) return code;
    const name = `n${context.functions.length}`;
    const args = ["t", "h", "L", next, ...childSpans.flat()].join(",");
    context.functions.push(`function ${name}(${args}){${code}}`);
    return `{const r=${name}(${args});if(r!==undefined)return r;}`;
  };
  // After a static child's text: "/" goes on, the path's end answers.
  const after = (child: MethodNode<T>, at: string): string => {
    let code = "";
    if (hasChildren(child)) code += `if(c===47){const ${next}=${at}+1;${below(child, spans)}}`;
    if (child.route !== null) code += `else if(c<0||c===63||c===35){${answerCode(child.route, spans, context)}}`;
    return code.startsWith("else ") ? code.slice(5) : code;
  };
  const staticCode = (child: MethodNode<T>): string => {
    const text = child.text;
    const end = `${s}+${text.length}`;
    // Every index read is below L: reading past the end would deoptimise each site once.
    const rest = Array.from(text.slice(1), (_, j) => `t.charCodeAt(${s}+${j + 1})===${text.charCodeAt(j + 1)}`);
    const test = text.length === 1 ? "" : text.length <= 16 ? `${end}<=L&&${rest.join("&&")}` : `t.startsWith(${JSON.stringify(text)},${s})`;
    const body = `{const c=${end}<L?t.charCodeAt(${end}):-1;${after(child, end)}}`;
    return test === "" ? body : `if(${test})${body}`;
  };
  let code = `const ${f}=${s}<L?t.charCodeAt(${s}):-1;`;
  code += `if(${f}===47||${f}<0||${f}===63||${f}===35){`;
  if (node.empty !== null) code += `{const c=${f};${after(node.empty, s)}}`;
  code += "}else{";
  const byFirst = new Map<number, MethodNode<T>[]>();
  for (const child of node.plain) byFirst.set(child.text.charCodeAt(0), [...(byFirst.get(child.text.charCodeAt(0)) ?? []), child]);
  if (byFirst.size > 0) {
    code += `switch(${f}){`;
    for (const [first, children] of byFirst) code += `case ${first}:${children.map(staticCode).join("")}break;`;
    code += "}";
  }
  if (node.patterns.length > 0) {
    const q = `q${k}`;
    code += `{const ${q}=P(t,${s},true);if(${q}<0)return null;const c=${q}<L?t.charCodeAt(${q}):-1;`;
    node.patterns.forEach(({ pattern, node: child }, i) => {
      // The pattern's spans, copied out of X before anything below overwrites them.
      const own = Array.from({ length: pattern.paramCount }, (_, j) => [`x${k}_${i}_${j}`, `y${k}_${i}_${j}`] as const);
      const deeper = [...spans, ...own];
      code += `if(S(${context.pattern(pattern)},t,${s},${q})){const ${own.map(([a, b], j) => `${a}=X[${2 * j}],${b}=X[${2 * j + 1}]`).join(",")};`;
      if (hasChildren(child)) code += `if(c===47){const ${next}=${q}+1;${below(child, deeper)}}`;
      if (child.route !== null) code += `if(c!==47){${answerCode(child.route, deeper, context)}}`;
      code += "}";
    });
    code += "}";
  }
  const param = node.param;
  if (param !== null) {
    const e = `e${k}`;
    const deeper = [...spans, [s, e] as const];
    let inner = `if(${e}<0)return null;const c=${e}<L?t.charCodeAt(${e}):-1;`;
    if (hasChildren(param)) inner += `if(c===47){const ${next}=${e}+1;${below(param, deeper)}}`;
    if (param.route !== null) inner += `if(c!==47){${answerCode(param.route, deeper, context)}}`;
    code += `{const ${e}=P(t,${s},true);${inner}}`;
  }
  code += "}";
  if (node.tails.length > 0) {
    const w = `v${k}`;
    code += `{const ${w}=P(t,${s},false);if(${w}<0)return null;`;
    for (const { pattern, node: child } of node.tails) {
      if (child.route !== null) code += `if(T(${context.pattern(pattern)},t,${s},${w})){${answerCode(child.route, [...spans, ["X[0]", "X[1]"] as const], context)}}`;
    }
    code += "}";
  }
  const wildcard = node.wildcard;
  if (wildcard !== null && wildcard.route !== null) {
    const w = `w${k}`;
    code += `{const ${w}=P(t,${s},false);if(${w}<0)return null;${answerCode(wildcard.route, [...spans, [s, w] as const], context)}}`;
  }
  return code;
}

function hasChildren<T>(node: MethodNode<T>): boolean {
  return node.statics.length > 0 || node.patterns.length > 0 || node.param !== null || node.tails.length > 0 || node.wildcard !== null;
}
