// adapters/routing/field-syntax.ts: OWS, lists and ASCII case as the C++
// side reads them (native/http_parser.cpp trim_ows and for_each_element,
// native/response_writer.cpp each_token, router/render.cpp media_type), not
// as String.prototype.trim and toLowerCase do.
import { describe, expect, it } from "vitest";

import { asciiLower, asciiNoCase, listElements, trimOws } from "../../../adapters/routing/field-syntax.js";
import { escapeModeFor } from "../../../adapters/routing/render.js";

describe("trimOws: spaces and tabs at either end, nothing else", () => {
  it.each([
    ["", ""],
    [" \t", ""],
    ["a", "a"],
    [" \ta b\t ", "a b"],
    ["\u00a0a\u00a0", "\u00a0a\u00a0"],  // NBSP (a byte 0xA0) is not OWS
    ["\u000ba\u000c", "\u000ba\u000c"],  // nor VT, FF
    ["\r\na\r\n", "\r\na\r\n"],  // nor CR, LF (a field value holds none)
    ["\ufeffa\u3000", "\ufeffa\u3000"],
  ])("%j -> %j", (text, trimmed) => {
    expect(trimOws(text)).toBe(trimmed);
  });
});

describe("listElements: comma-separated, OWS trimmed, empty elements left out (RFC 9110 5.6.1)", () => {
  it.each([
    ["", []],
    [",", []],
    [" , ,\t,", []],
    ["a", ["a"]],
    ["a,b", ["a", "b"]],
    [" a ,\tb\t, ,c", ["a", "b", "c"]],
    ["gzip, chunked", ["gzip", "chunked"]],
    ["a b, c", ["a b", "c"]],
    ["\u00a0close", ["\u00a0close"]],
  ])("%j -> %j", (value, elements) => {
    expect(listElements(value)).toEqual(elements);
  });
});

describe("ASCII case: only A-Z fold", () => {
  it.each([
    ["", ""],
    ["Vary", "vary"],
    ["ORIGIN", "origin"],
    ["already", "already"],
    ["\u00c0B", "\u00c0b"],  // a Latin-1 byte stays as it is (toLowerCase would fold it)
    ["\u212a", "\u212a"],  // KELVIN SIGN is not "k"
  ])("asciiLower(%j) -> %j", (text, lower) => {
    expect(asciiLower(text)).toBe(lower);
  });

  it("asciiNoCase compares in place", () => {
    expect(asciiNoCase("Connection", 0, "connection")).toBe(true);
    expect(asciiNoCase("x-CLOSE", 2, "close")).toBe(true);
    expect(asciiNoCase("\u212aeep-alive", 0, "keep-alive")).toBe(false);
    expect(asciiNoCase("clos", 0, "close")).toBe(false);
  });
});

describe("escapeModeFor: the media type before ';', OWS trimmed, ASCII case (router/render.cpp)", () => {
  it.each([
    ["application/json", "json"],
    [" \tApplication/JSON ; charset=utf-8", "json"],
    ["application/problem+json", "json"],
    ["text/html; charset=utf-8", "markup"],
    ["image/svg+XML", "markup"],
    ["text/plain", "raw"],
    ["\u00a0application/json", "raw"],  // not OWS: not the media type application/json
    ["", "raw"],
  ])("%j -> %s", (contentType, mode) => {
    expect(escapeModeFor(contentType)).toBe(mode);
  });
});
