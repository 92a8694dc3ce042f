/**
 * A parameter name as the engine keeps property keys (V8 internalizes them,
 * JavaScriptCore atomizes them). Names read out of a route's path are
 * slices of it, and storing under a key that is not yet one makes the
 * engine look it up in its string table on every store: on Node, about half
 * of what building a one-parameter params object cost (`npm run
 * bench:router-instructions`: `/hello/rai` went from 1,408 to 1,149
 * instructions a lookup). Done once per route, when the table is built.
 */
export function propertyKey(name: string): string {
  // An object's own keys come back as the engine's own key strings.
  return Object.keys({ [name]: 0 })[0]!;
}
