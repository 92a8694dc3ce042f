// The router.wasm calls the ABI benchmarks measure, on one module: its size,
// its import count and, by key, each call's label and a function of the loop
// index that makes the call once. Shared by bench/wasm-abi.mjs (ns per call)
// and bench/wasm-instructions.mjs (instructions per call).
import { readFileSync } from "node:fs";

const encoder = new TextEncoder();

export async function callsOf(path) {
  const bytes = readFileSync(path);
  const module = new WebAssembly.Module(bytes);
  const abi = (await WebAssembly.instantiate(module, {})).exports;
  function writeInput(text) {
    const encoded = encoder.encode(text);
    const ptr = abi.alloc(encoded.length);
    new Uint8Array(abi.memory.buffer).set(encoded, ptr);
    return [ptr, encoded.length];
  }
  const calls = new Map();
  const add = (key, label, fn) => calls.set(key, { label, fn });
  // Fast ABI exactly as the original adapters use it: packed i64 return.
  {
    const [ptr, len] = writeInput("/hello/rai");
    add("handle_path", "handle_path /hello/rai (packed i64)", () => Number(abi.handle_path(ptr, len) & 0xffffffffn));
  }
  // Extension: one call, results read from the response record.
  {
    const [ptr, len] = writeInput("/hello/rai");
    const record = new Uint32Array(abi.memory.buffer, abi.response_record(), 7);
    add("route_request", "route_request GET /hello/rai + record", () => {
      abi.route_request(0, ptr, len);
      return record[1];
    });
  }
  // Compatibility ABI: text request, text response.
  {
    const [ptr, len] = writeInput("GET /hello/rai\n");
    add("handle", "handle 'GET /hello/rai' (compat)", () => Number(abi.handle(ptr, len) & 0xffffffffn));
  }
  // The GitHub-style table, on an instance of its own: every route's
  // request in turn.
  {
    const github = (await WebAssembly.instantiate(module, {})).exports;
    const table = encoder.encode(readFileSync(new URL("./github-api.tsv", import.meta.url), "utf8"));
    const tptr = github.alloc(table.length);
    new Uint8Array(github.memory.buffer).set(table, tptr);
    if (github.load_routes(tptr, table.length) !== 0) throw new Error(`${path}: github-api.tsv did not load`);
    const methods = { GET: 0, HEAD: 1, POST: 2, PUT: 3, PATCH: 4, DELETE: 5, OPTIONS: 6 };
    const requests = readFileSync(new URL("./github-api.requests", import.meta.url), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\t"));
    // All request targets in one allocation, so the loop measures routing,
    // not encoding.
    const encoded = requests.map(([, target]) => encoder.encode(target));
    const base = github.alloc(encoded.reduce((n, b) => n + b.length, 0));
    const memory = new Uint8Array(github.memory.buffer);
    const spans = [];
    let at = base;
    for (const target of encoded) {
      memory.set(target, at);
      spans.push([at, target.length]);
      at += target.length;
    }
    const codes = requests.map(([m]) => methods[m]);
    for (let i = 0; i < spans.length; i++) {
      const status = github.route_request(codes[i], spans[i][0], spans[i][1]);
      if (status >= 400) throw new Error(`${path}: ${requests[i].join(" ")} answered ${status}`);
    }
    const n = spans.length;
    add("github", `route_request github-api (${n} routes, rotating)`, (i) => {
      const k = i % n;
      return github.route_request(codes[k], spans[k][0], spans[k][1]);
    });
  }
  return { bytes: bytes.length, imports: WebAssembly.Module.imports(module).length, calls };
}
