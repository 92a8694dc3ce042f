/**
 * The route-table directives' fields on an answer someone else made (a
 * handler's Response, a JavaScript middleware's, onError's): each field
 * replaces the answer's own of that name, except Vary, whose tokens are
 * added to the answer's Vary list (tests/vectors/README.md, "Directives":
 * "Vary: Origin added to any Vary already there"; a handler's own Vary,
 * say Accept-Encoding, must survive or caches would mix its variants).
 * Tokens the answer lists already, or all of them when it says `*`, are not
 * repeated: hotpath-server does the same with a fallback's answer
 * (native/fallback-protocol.md). Several fields of one name in a set are its
 * values in order (one Vary may come from a HEADER and another from CORS).
 */
import { asciiLower, listElements } from "../routing/field-syntax.js";
import type { HeaderField } from "./head.js";

export function applyFields(headers: Headers, fields: readonly HeaderField[]): void {
  let own: Set<string> | null = null;  // the answer's own Vary tokens, lowercase
  for (let i = 0; i < fields.length; i++) {
    const [name, value] = fields[i]!;
    const lower = asciiLower(name);
    if (lower === "vary") {
      own ??= varyTokens(headers.get("vary"));
      if (own.has("*")) continue;
      const added = listElements(value).filter((token) => !own!.has(asciiLower(token)));
      if (added.length > 0) headers.append(name, added.join(", "));
      continue;
    }
    // The first field of a name replaces the answer's; later ones of that name add.
    let first = true;
    for (let j = 0; first && j < i; j++) if (asciiLower(fields[j]![0]) === lower) first = false;
    if (first) headers.set(name, value);
    else headers.append(name, value);
  }
}

function varyTokens(value: string | null): Set<string> {
  const tokens = new Set<string>();
  if (value !== null) for (const token of listElements(value)) tokens.add(asciiLower(token));
  return tokens;
}
