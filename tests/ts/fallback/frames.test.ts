// The fallback protocol's frames on the JavaScript side
// (adapters/fallback/frames.ts): the byte layout of native/fallback-protocol.md,
// and a seeded random test of the decoders (the request frames a fallback
// reads, the response frames a server reads): valid frames round-trip, any
// bytes either decode or fail with a FrameError naming what is wrong (no
// other exception, no hang), and a stream cut at every byte gives the same
// frames, or the same error, as the stream whole.
import { describe, expect, it } from "vitest";

import {
  decodeRequestFrame, decodeResponseFrame, encodeRequestFrame, encodeResponseFrame, FrameError, FrameSplitter,
  latin1, type RequestFrame, type ResponseFrame,
} from "../../../adapters/fallback/frames.js";

const le16 = (v: number) => [v & 0xff, v >>> 8];
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const ascii = (s: string) => [...Buffer.from(s, "latin1")];
const name = (s: string) => [...le16(s.length), ...ascii(s)];
const value = (s: string) => [...le32(Buffer.byteLength(s, "latin1")), ...ascii(s)];

/** mulberry32: a small seeded PRNG, so every run tries the same inputs. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(next: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

function randomLatin1(next: () => number, max: number): string {
  return latin1(randomBytes(next, Math.floor(next() * max)));
}

function randomRequest(next: () => number): RequestFrame {
  const fields = () => Array.from({ length: Math.floor(next() * 5) }, () => [randomLatin1(next, 12), randomLatin1(next, 40)] as const);
  return {
    id: Math.floor(next() * 0xffffffff),
    route: Math.floor(next() * 100),
    method: randomLatin1(next, 10),
    target: randomLatin1(next, 60),
    headers: fields(),
    params: Array.from({ length: Math.floor(next() * 4) }, () => [`p${Math.floor(next() * 9)}`, `v\u00e9${Math.floor(next() * 99)}\u4e16`] as const),
    body: randomBytes(next, Math.floor(next() * 200)),
  };
}

function randomResponse(next: () => number): ResponseFrame {
  return {
    id: Math.floor(next() * 0xffffffff),
    status: 200 + Math.floor(next() * 400),
    headers: Array.from({ length: Math.floor(next() * 5) }, () => [randomLatin1(next, 12), randomLatin1(next, 40)] as const),
    body: randomBytes(next, Math.floor(next() * 200)),
  };
}

type Outcome = { frames: string[] } | { error: string; framesBefore: number };

/** A stream through a splitter, in the given reads, each frame decoded. */
function run(stream: Uint8Array, cuts: number[], decode: (payload: Uint8Array) => unknown, max?: number): Outcome {
  // Plain Uint8Arrays (a Buffer's toJSON would show views and copies apart).
  stream = Uint8Array.from(stream);
  const splitter = new FrameSplitter(max);
  const frames: string[] = [];
  let from = 0;
  try {
    for (const cut of [...cuts, stream.length]) {
      splitter.push(stream.subarray(from, cut), (payload) => {
        frames.push(JSON.stringify(decode(payload), (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)));
      });
      from = cut;
    }
  } catch (error) {
    if (!(error instanceof FrameError)) throw new Error(`not a FrameError: ${String(error)}`);
    expect(error.message.length, "a clear message").toBeGreaterThan(10);
    return { error: error.message, framesBefore: frames.length };
  }
  return { frames };
}

describe("the frames' byte layout (native/fallback-protocol.md)", () => {
  it("a request frame is laid out as the protocol's table says", () => {
    const frame: RequestFrame = {
      id: 7, route: 3, method: "POST", target: "/dyn/r%C3%A9?q=1",
      headers: [["Host", "t"], ["X-Two", "a"], ["x-two", "b"]],
      params: [["name", "ré"], ["", "a/b"]],
      body: new TextEncoder().encode("body!"),
    };
    const payload = [1, ...le32(7), ...le32(3), ...name("POST"), ...value("/dyn/r%C3%A9?q=1"), ...le16(3), ...name("Host"), ...value("t"),
      ...name("X-Two"), ...value("a"), ...name("x-two"), ...value("b"), ...le16(2), ...name("name"), ...le32(3), 0x72, 0xc3, 0xa9,
      ...name(""), ...value("a/b"), ...value("body!")];
    const bytes = encodeRequestFrame(frame);
    expect([...bytes]).toEqual([...le32(payload.length), ...payload]);
    expect(decodeRequestFrame(bytes.subarray(4))).toEqual(frame);
  });

  it("a response frame is laid out as the protocol's table says", () => {
    const bytes = encodeResponseFrame({ id: 0xfffffffe, status: 404, headers: [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]], body: Uint8Array.of(0, 1, 255) });
    const payload = [2, ...le32(0xfffffffe), ...le16(404), ...le16(2), ...name("Set-Cookie"), ...value("a=1"), ...name("Set-Cookie"), ...value("b=2"), ...le32(3), 0, 1, 255];
    expect([...bytes]).toEqual([...le32(payload.length), ...payload]);
    expect(decodeResponseFrame(bytes.subarray(4))).toEqual({ id: 0xfffffffe, status: 404, headers: [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]], body: Uint8Array.of(0, 1, 255) });
  });

  it("field values are byte strings: obs-text round-trips, a character above U+00FF is refused", () => {
    const frame = { id: 1, status: 200, headers: [["x", "caf\u00e9\u00ff"] as const], body: new Uint8Array(0) };
    expect(decodeResponseFrame(encodeResponseFrame(frame).subarray(4)).headers).toEqual([["x", "caf\u00e9\u00ff"]]);
    expect(() => encodeResponseFrame({ ...frame, headers: [["x", "\u4e16"]] })).toThrow(FrameError);
  });

  it("malformed frames fail with a FrameError that says what is wrong", () => {
    const cases: [string, number[], RegExp][] = [
      ["empty", [], /empty/],
      ["wrong type", [2, ...le32(1)], /not a request frame/],
      ["cut in the id", [1, 0, 0], /id/],
      ["method past the end", [1, ...le32(1), ...le32(0), ...le16(50), 65], /method/],
      ["too many fields to fit", [1, ...le32(1), ...le32(0), ...name("GET"), ...value("/"), ...le16(60000)], /cannot fit/],
      ["bytes after the body", [1, ...le32(1), ...le32(0), ...name("GET"), ...value("/"), ...le16(0), ...le16(0), ...value(""), 9], /after its body/],
    ];
    for (const [what, payload, message] of cases) {
      expect(() => decodeRequestFrame(Uint8Array.from(payload)), what).toThrow(message);
      expect(() => decodeRequestFrame(Uint8Array.from(payload)), what).toThrow(FrameError);
    }
  });

  it("a frame over the limit fails as soon as its length is in, before it is buffered", () => {
    const splitter = new FrameSplitter(1000);
    const frames: Uint8Array[] = [];
    splitter.push(Uint8Array.of(2, 0, 0, 0, 7, 8, 0x10, 0x27), (f) => frames.push(f));
    expect(frames).toEqual([Uint8Array.of(7, 8)]);
    expect(() => splitter.push(Uint8Array.of(0, 0), (f) => frames.push(f))).toThrow(/frame of 10000 bytes is over the limit of 1000/);
    expect(splitter.buffered).toBe(0);
  });
});

describe("the decoders on random bytes (seeded)", () => {
  it("valid frames round-trip, whole and cut at every byte", () => {
    const next = random(1);
    for (let round = 0; round < 40; ++round) {
      const requests = Array.from({ length: 1 + Math.floor(next() * 3) }, () => randomRequest(next));
      const stream = Buffer.concat(requests.map(encodeRequestFrame));
      const whole = run(stream, [], decodeRequestFrame);
      expect("frames" in whole && whole.frames.length).toBe(requests.length);
      expect(decodeRequestFrame(encodeRequestFrame(requests[0]!).subarray(4))).toEqual(requests[0]);
      for (let cut = 1; cut < stream.length; ++cut) expect(run(stream, [cut], decodeRequestFrame)).toEqual(whole);
      const single = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
      expect(run(stream, single, decodeRequestFrame), "one byte per read").toEqual(whole);
      const response = randomResponse(next);
      expect(decodeResponseFrame(encodeResponseFrame(response).subarray(4))).toEqual(response);
    }
  });

  it("random and mutated bytes decode or fail with a FrameError, the same whichever the reads", () => {
    const next = random(2);
    let errors = 0;
    let decoded = 0;
    for (let round = 0; round < 400; ++round) {
      let stream: Uint8Array;
      if (round % 4 === 0) {
        stream = randomBytes(next, Math.floor(next() * 120));
      } else {
        // A valid stream with a few bytes flipped, cut short or extended.
        const valid = Buffer.concat(Array.from({ length: 2 }, () => (round % 2 ? encodeRequestFrame(randomRequest(next)) : encodeResponseFrame(randomResponse(next)))));
        stream = Uint8Array.from(valid);
        for (let flips = 1 + Math.floor(next() * 3); flips > 0; --flips) stream[Math.floor(next() * stream.length)] = Math.floor(next() * 256);
        if (next() < 0.3) stream = stream.subarray(0, Math.floor(next() * stream.length));
      }
      for (const decode of [decodeRequestFrame, decodeResponseFrame] as ((p: Uint8Array) => unknown)[]) {
        const max = next() < 0.5 ? undefined : 1 + Math.floor(next() * 300);
        const whole = run(stream, [], decode, max);
        if ("error" in whole) ++errors;
        else decoded += whole.frames.length;
        const cuts = Array.from({ length: Math.floor(next() * 6) }, () => Math.floor(next() * (stream.length + 1))).sort((a, b) => a - b);
        expect(run(stream, cuts, decode, max), `stream ${Buffer.from(stream).toString("hex")} cut at ${cuts}`).toEqual(whole);
        if (stream.length < 200) {
          const single = Array.from({ length: Math.max(0, stream.length - 1) }, (_, i) => i + 1);
          expect(run(stream, single, decode, max)).toEqual(whole);
        }
      }
    }
    // Both outcomes were reached often.
    expect(errors).toBeGreaterThan(100);
    expect(decoded).toBeGreaterThan(100);
  });
});
