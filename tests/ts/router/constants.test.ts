// The shared constants of the TypeScript port (adapters/routing) against the
// C++ core that owns them, read from its sources: every limit, the method
// order and codes, the router's own bodies and content type. A value changed
// on one side only fails here.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { ERROR_BODIES, ERROR_CONTENT_TYPE } from "../../../adapters/routing/answer.js";
import * as limits from "../../../adapters/routing/limits.js";
import { ALLOW_ORDER, OTHER_METHOD, ROUTE_METHODS, allowText, methodCode } from "../../../adapters/routing/methods.js";
import { LISTEN_BACKLOG } from "../../../adapters/server/limits.js";
import { root } from "../support/node-files.js";

function sources(folder: string, ext: RegExp): string {
  return readdirSync(`${root}${folder}`)
    .filter((name) => ext.test(name))
    .map((name) => readFileSync(`${root}${folder}/${name}`, "utf8"))
    .join("\n");
}

const headers = sources("router", /\.h$/);
const core = sources("router", /\.(h|cpp)$/);

function constant(name: string): number {
  const found = new RegExp(`constexpr\\s+uint32_t\\s+${name}\\s*=\\s*(\\d+)\\s*;`).exec(headers);
  if (found === null) throw new Error(`${name} is not a constexpr uint32_t of router/*.h`);
  return Number(found[1]);
}

describe("limits are the core's", () => {
  it.each([
    ["MAX_TARGET_LENGTH", "kMaxTargetLength"],
    ["MAX_SEGMENTS", "kMaxSegments"],
    ["MAX_PARAMS", "kMaxParams"],
    ["MAX_CONTENT_TYPES", "kMaxContentTypes"],
    ["MAX_PLACEHOLDERS", "kMaxPlaceholders"],
    ["MAX_ERROR_MESSAGE", "kMaxErrorMessage"],
    ["MAX_CHAIN_STEPS", "kMaxChainSteps"],
    ["MAX_CORS_ORIGINS", "kMaxCorsOrigins"],
    ["MAX_MIDDLEWARE_ROUTE", "kMaxMiddlewareRoute"],
    ["MAX_NEEDED_HEADERS", "kMaxNeededHeaders"],
    ["MAX_CONSTRAINT_LENGTH", "kMaxConstraintLength"],
    ["MAX_CONSTRAINT_POSITIONS", "kMaxConstraintPositions"],
    ["MAX_CONSTRAINT_STATES", "kMaxConstraintStates"],
    ["MAX_CONSTRAINT_CLASSES", "kMaxConstraintClasses"],
    ["MAX_CONSTRAINT_DEPTH", "kMaxConstraintDepth"],
    ["MAX_SEGMENT_PARAMS", "kMaxSegmentParams"],
    ["MAX_SEGMENT_STATES", "kMaxSegmentStates"],
  ] as const)("%s = %s", (ts, cpp) => {
    expect(limits[ts]).toBe(constant(cpp));
  });

  it("every limit of the port is checked here", () => {
    expect(Object.keys(limits).sort()).toEqual(
      ["MAX_CHAIN_STEPS", "MAX_CONSTRAINT_CLASSES", "MAX_CONSTRAINT_DEPTH", "MAX_CONSTRAINT_LENGTH", "MAX_CONSTRAINT_POSITIONS",
        "MAX_CONSTRAINT_STATES", "MAX_CONTENT_TYPES", "MAX_CORS_ORIGINS", "MAX_ERROR_MESSAGE", "MAX_MIDDLEWARE_ROUTE", "MAX_NEEDED_HEADERS",
        "MAX_PARAMS", "MAX_PLACEHOLDERS", "MAX_SEGMENTS", "MAX_SEGMENT_PARAMS", "MAX_SEGMENT_STATES", "MAX_TARGET_LENGTH"],
    );
  });
});

describe("methods are the core's", () => {
  it("route methods in the core's slot order (router/method.cpp kNames), ANY last", () => {
    const names = /kNames\s*\[[^\]]*\]\s*=\s*\{([^}]*)\}/.exec(core);
    expect(names).not.toBeNull();
    expect([...names![1]!.matchAll(/"([A-Z]+)"/g)].map((m) => m[1])).toEqual([...ROUTE_METHODS]);
  });

  it("request method codes (router/method.h RequestMethod) and the Allow order", () => {
    const codes = /enum\s+RequestMethod[^{]*\{([^}]*)\}/.exec(core);
    expect(codes).not.toBeNull();
    const entries = [...codes![1]!.matchAll(/k(\w+)\s*=\s*(\d+)/g)].map((m) => [m[1]!.toUpperCase(), Number(m[2])] as const);
    for (const [name, code] of entries) {
      if (name === "OTHER") expect(code).toBe(OTHER_METHOD);
      else expect([name, methodCode(name), ALLOW_ORDER.indexOf(name as (typeof ALLOW_ORDER)[number])]).toEqual([name, code, code]);
    }
    expect(entries.length).toBe(ALLOW_ORDER.length + 1);
  });

  it("Allow text as format_allow writes it", () => {
    expect(allowText(0b1111111)).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    expect(allowText(0b0000100)).toBe("POST");
    expect(/out\[at\+\+\] = ','[\s\S]*out\[at\+\+\] = ' '/.test(core)).toBe(true);  // ", " between names
  });
});

describe("the router's own answers are the core's", () => {
  it("the built-in routes' bodies (router/match.cpp 400, 404, 405, 414; router/answer.cpp 401, 502)", () => {
    const routes = [...core.matchAll(/builtin_route\((\d{3}),\s*error_content_type\(\),\s*HOTPATH_TEXT\("([^"]*)"\)\)/g)].map((m) => [Number(m[1]), m[2]] as const);
    expect(routes.map(([status]) => status).sort()).toEqual([400, 401, 404, 405, 414, 502]);
    for (const [status, body] of routes) expect(ERROR_BODIES[status]).toBe(body);
  });

  it("every body is the core's reason phrase for its status (router/answer.cpp reason_phrase)", () => {
    const phrases = new Map([...core.matchAll(/case (\d{3}): return "([^"]*)";/g)].map((m) => [Number(m[1]), m[2]!] as const));
    for (const [status, body] of Object.entries(ERROR_BODIES)) expect(phrases.get(Number(status)), status).toBe(body);
  });

  it("their content type (router/route.h error_content_type)", () => {
    const type = /error_content_type\(\)\s*\{\s*return\s+Slice\{"([^"]*)",\s*(\d+)\}/.exec(core);
    expect(type).not.toBeNull();
    expect(ERROR_CONTENT_TYPE).toBe(type![1]);
    expect(ERROR_CONTENT_TYPE.length).toBe(Number(type![2]));
  });

  it("the Wasm ABI's 500 body is the same text", () => {
    expect(sources("abi", /\.(h|cpp)$/)).toContain(`"${ERROR_BODIES[500]}"`);
  });
});

describe("the listeners' accept queue is hotpath-server's", () => {
  it("LISTEN_BACKLOG is native/limits.h's kListenBacklog", () => {
    const found = /constexpr\s+int\s+kListenBacklog\s*=\s*(\d+)\s*;/.exec(readFileSync(`${root}native/limits.h`, "utf8"));
    expect(Number(found?.[1])).toBe(LISTEN_BACKLOG);
  });
});
