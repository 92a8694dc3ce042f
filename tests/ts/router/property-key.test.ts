// propertyKey hands back the same text as the engine's own key string, for
// any text (route tables allow only [A-Za-z_][A-Za-z0-9_]*, the function
// takes more), and the params built with such keys read as before.
import { describe, expect, it } from "vitest";

import { propertyKey } from "../../../adapters/routing/property-key.js";
import { Router } from "../../../adapters/routing/router.js";
import { parseRouteTable } from "../../../adapters/routing/table.js";

const NAMES = ["id", "name", "__proto__", "constructor", "toString", "hasOwnProperty", "0", "12", "-1", "a_b", "x".repeat(300), "é", "名前", "😀", ""];

describe("propertyKey", () => {
  it.each(NAMES)("keeps %j as it is", (name) => {
    const key = propertyKey(name.slice(0));  // a copy, as a slice of a path would be
    expect(key).toBe(name);
    expect(key.length).toBe(name.length);
  });

  it("params built with the keys: own properties with the request's values, in path order", () => {
    const router = new Router(parseRouteTable("GET\t/:__proto__/:constructor/:toString/:_9\t200\ttext/plain\tx\n"));
    const match = router.match("GET", "/a/b/c/d");
    expect(match.kind).toBe("route");
    expect(Object.keys(match.params)).toEqual(["__proto__", "constructor", "toString", "_9"]);
    expect(Object.getOwnPropertyDescriptor(match.params, "__proto__")?.value).toBe("a");
    expect(match.params.constructor).toBe("b");
    expect(match.params.toString).toBe("c");
    expect(match.params._9).toBe("d");
  });
});
