/**
 * The route-table directives' fields on an answer someone else made (a
 * handler's Response, a JavaScript middleware's, onError's): each field
 * replaces the answer's own of that name, except Vary, whose values are
 * added to the answer's (tests/vectors/README.md, "Directives": "Vary:
 * Origin added to any Vary already there"; a handler's own Vary, say
 * Accept-Encoding, must survive or caches would mix its variants). Several
 * fields of one name in a set are its values in order (one Vary may come
 * from a HEADER and another from CORS).
 */
import type { HeaderField } from "./head.js";

export function applyFields(headers: Headers, fields: readonly HeaderField[]): void {
  for (let i = 0; i < fields.length; i++) {
    const [name, value] = fields[i]!;
    const lower = name.toLowerCase();
    // The first field of a name replaces the answer's; later ones of that name add.
    let first = lower !== "vary";
    for (let j = 0; first && j < i; j++) if (fields[j]![0].toLowerCase() === lower) first = false;
    if (first) headers.set(name, value);
    else headers.append(name, value);
  }
}
