// The router.wasm builds of every toolchain against the first build (make
// wasm): the same interface (no imports, the same exports with the same
// signatures, the same memory limits), and the same answers, byte for byte,
// to the same requests and tables. Run by make test-wasm-toolchains
// (vitest.wasm.config.ts), after each build has passed the wasm suites on its
// own. Sizes and exact bytes may differ; the Makefile target reports them.
import { readFileSync } from "node:fs";
import { inject, describe, expect, it } from "vitest";

import { WasmRouter, RouteTableError } from "../../adapters/wasm.js";
import { root, tableErrorVectors, tableFiles, routingVectors } from "../ts/support/node-files.js";
import { tableOf } from "../ts/support/vectors.js";
import { readInterface } from "./interface.js";

const builds = inject("wasmBuilds").map((build) => {
  const bytes = readFileSync(`${root}${build.path}`);
  return { ...build, bytes, module: new WebAssembly.Module(bytes) };
});
const [reference, ...others] = builds;
if (reference === undefined) throw new Error("no builds to compare");
const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"];
const githubTable = readFileSync(`${root}bench/github-api.tsv`, "utf8");
const githubRequests = readFileSync(`${root}bench/github-api.requests`, "utf8").split("\n").filter(Boolean)
  .map((line) => line.split("\t") as [string, string]);
const decoder = new TextDecoder();

function interfaceOf(bytes: Uint8Array): object {
  const found = readInterface(bytes);
  return { ...found, exports: Object.fromEntries([...found.exports].sort(([a], [b]) => a.localeCompare(b))) };
}

// Targets no vector has: fixed-seed random bytes biased towards what a path
// is made of, so they reach the matcher, the percent decoder and the limits.
function randomTargets(count: number): Uint8Array[] {
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const alphabet = encoderBytes("/%?#.:*-_~aAzZ09 \t\r\n\u00e9");
  return Array.from({ length: count }, (_, i) => {
    const length = i % 50 === 0 ? 8190 + (next() % 5) : next() % 40;
    const bytes = new Uint8Array(length);
    for (let k = 0; k < length; k++) bytes[k] = next() % 4 === 0 ? next() & 0xff : alphabet[next() % alphabet.length]!;
    if (length > 0 && next() % 2 === 0) bytes[0] = 0x2f;
    return bytes;
  });
}
function encoderBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Everything a request's answer is made of, per ABI, without addresses (which differ by layout). */
function answers(router: WasmRouter, targets: Uint8Array[]): string[] {
  const abi = router.exports;
  const out: string[] = [];
  for (const target of targets) {
    for (let method = 0; method < methods.length; method++) {
      const [ptr, len] = router.writeInput(target);
      const status = abi.route_request(method, ptr, len);
      const record = new Uint32Array(abi.memory.buffer, abi.response_record(), 7);
      const body = decoder.decode(new Uint8Array(abi.memory.buffer, record[0], record[1]));
      out.push(`${status} ${record[3]} ${record[4]} ${record[5]} ${record[6]} ${body}`);
    }
    const [ptr, len] = router.writeInput(target);
    const packed = abi.handle_path(ptr, len);
    out.push(`${abi.response_status()} ${decoder.decode(new Uint8Array(abi.memory.buffer, Number(packed >> 32n), Number(packed & 0xffffffffn)))}`);
    for (const method of ["GET", "HEAD", "DELETE"]) {
      const request = new Uint8Array([...encoderBytes(`${method} `), ...target, 0x0a]);
      const [rptr, rlen] = router.writeInput(request);
      const text = abi.handle(rptr, rlen);
      out.push(decoder.decode(new Uint8Array(abi.memory.buffer, Number(text >> 32n), Number(text & 0xffffffffn))));
    }
  }
  return out;
}

describe.each(others.map((build) => [build.name, build] as const))("%s build against the default build", (_name, build) => {
  it("has the same interface: no imports, the same exports and signatures, the same memory limits", () => {
    const ours = interfaceOf(build.bytes);
    expect(ours).toEqual(interfaceOf(reference.bytes));
    expect(ours).toMatchObject({ imports: [], memory: { maximumPages: 16384 } });  // 1 GiB
    expect(WebAssembly.Module.imports(build.module)).toEqual([]);
  });

  it("answers every vector's table, the GitHub-style table and 2,000 random targets byte for byte alike", async () => {
    const [ours, theirs] = [new WasmRouter(await WebAssembly.instantiate(build.module, {})),
      new WasmRouter(await WebAssembly.instantiate(reference.module, {}))];
    const tables = new Map<string, Uint8Array[]>();
    for (const v of routingVectors) {
      const table = tableOf(v, tableFiles);
      tables.set(table, [...(tables.get(table) ?? []), encoderBytes(v.request.path)]);
    }
    tables.set(githubTable, githubRequests.map(([, path]) => encoderBytes(path)));
    const random = randomTargets(2000);
    let compared = 0;
    for (const [table, targets] of tables) {
      for (const router of [ours, theirs]) router.loadRoutes(table);
      const expected = answers(theirs, [...targets, ...random.slice(0, 50)]);
      expect(answers(ours, [...targets, ...random.slice(0, 50)])).toEqual(expected);
      compared += expected.length;
    }
    for (const router of [ours, theirs]) router.exports.load_builtin_routes();
    expect(answers(ours, random)).toEqual(answers(theirs, random));
    expect(compared).toBeGreaterThan(10_000);
  });

  it("rejects every bad table with the same line and message", async () => {
    const [ours, theirs] = [new WasmRouter(await WebAssembly.instantiate(build.module, {})),
      new WasmRouter(await WebAssembly.instantiate(reference.module, {}))];
    for (const v of tableErrorVectors) {
      const errors = [ours, theirs].map((router) => {
        try {
          router.loadRoutes(v.table);
          return null;
        } catch (e) {
          return e instanceof RouteTableError ? `${e.line}: ${e.message}` : String(e);
        }
      });
      expect(errors[0], v.id).toBe(errors[1]);
      expect(errors[0], v.id).toContain(v.message_contains);
    }
  });

  it("grows memory alike and stops at the same 1 GiB maximum", async () => {
    // alloc sizes in order: after 300 MB is taken, a block of almost 1 GiB
    // cannot be (0, memory unchanged), the next small one reuses the buffer,
    // and 700 MB more still fits under 1 GiB (not under a smaller maximum).
    const sizes = [0, 1, 100_000, 5_000_000, 300_000_000, 0x3fff0000, 0x7fffffff, 64, 700_000_000];
    const trace = async (module: WebAssembly.Module): Promise<Array<[number, boolean, number]>> => {
      const abi = new WasmRouter(await WebAssembly.instantiate(module, {})).exports;
      return sizes.map((size) => {
        const ptr = abi.alloc(size);
        return [size, ptr !== 0, abi.memory.buffer.byteLength];
      });
    };
    const expected = await trace(reference.module);
    expect(expected.map(([, ok]) => ok)).toEqual([true, true, true, true, true, false, false, true, true]);
    expect(await trace(build.module)).toEqual(expected);
  });
});
