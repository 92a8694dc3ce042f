// How an answer on the wire differs from a vector's expectation, for the
// runners that send vectors over a socket (tests/ts/native/).
import type { HttpResponse } from "./http-responses.js";
import type { RoutingVector } from "./vectors.js";

/** Differences from the vector's expectation ([] when none). */
export function vectorProblems(vector: RoutingVector, response: HttpResponse): string[] {
  const found: string[] = [];
  const { expect: want } = vector;
  if (response.status !== want.status) found.push(`status ${response.status}, expected ${want.status}`);
  for (const [name, value] of Object.entries(want.headers)) {
    const actual = response.header(name);
    if (actual !== value) found.push(`${name}: ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`);
    if (response.headerCount(name) > 1) found.push(`${name} sent ${response.headerCount(name)} times`);
  }
  if (response.text !== want.body) {
    found.push(`body ${JSON.stringify(response.text.slice(0, 200))}, expected ${JSON.stringify(want.body.slice(0, 200))}`);
  }
  return found;
}
