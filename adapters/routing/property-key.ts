/**
 * A parameter name as the engine keeps property keys (V8 internalizes them,
 * JavaScriptCore atomizes them). Names read out of a route's path are
 * slices of it, and storing under a key that is not yet one makes the
 * engine look it up in its string table on every store: on Node, a third of
 * what building a one-parameter params object costs (callgrind:
 * `/hello/rai` on bench/c-core.tsv went from 1,285 to 1,029 instructions
 * a lookup). Done once per route, when the table is built.
 */
export function propertyKey(name: string): string {
  // An object's own keys come back as the engine's own key strings.
  return Object.keys({ [name]: 0 })[0]!;
}
