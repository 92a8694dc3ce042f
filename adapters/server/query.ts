/**
 * `c.query`: the query of the request target, decoded as forms are
 * (URLSearchParams: `+` is a space, a bad escape stays literal, never throws).
 * A key given more than once maps to an array of its values, in order.
 */
export type Query = Record<string, string | string[]>;

export function parseQuery(target: string): Query {
  // A null prototype: "__proto__" or "constructor" are ordinary keys here.
  const out: Query = Object.create(null) as Query;
  const start = target.indexOf("?");
  if (start < 0) return out;
  for (const [key, value] of new URLSearchParams(target.slice(start + 1))) {
    const seen = out[key];
    if (seen === undefined) out[key] = value;
    else if (typeof seen === "string") out[key] = [seen, value];
    else seen.push(value);
  }
  return out;
}
