// The npm package as a user meets it: `npm pack` of this checkout (prepack
// builds), installed into fresh projects in a temporary folder outside the
// repository, then used as the README's quick starts say: `hotpath init
// worker` (run-time and baked tables) served by `wrangler dev` and bundled
// by `wrangler deploy --dry-run` without a warning, tsc on the generated
// project, a Worker importing the main entry, HotpathServer on Node and on
// Bun, CServer building hotpath-server on first use, `hotpath serve`,
// `hotpath check` and `hotpath wasm` (answering as `make wasm ROUTES=`).
//
// Offline: installs use a new, empty npm cache and --offline. The tarball
// has no dependencies; the generated projects' devDependencies (wrangler,
// typescript) are pointed at this repository's node_modules (what `npm ci`
// fetched), the only change made to what `hotpath init` writes.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createFastWasmFetch, createWasmFetch } from "../../adapters/wasm.js";
import { builtinTableBytes } from "../../cli/bake.js";
import { freePort } from "../../adapters/hotpath-process.js";
import { root, routingVectors, tableFiles } from "../ts/support/node-files.js";
import { run, serve, type Ran, type Served } from "../ts/support/processes.js";
import { fetchSkipReason, tableOf } from "../ts/support/vectors.js";

const work = mkdtempSync(join(tmpdir(), "hotpath-package-"));
const npmCache = join(work, "npm-cache");  // empty: nothing comes from a cache or the network
const serverCache = join(work, "hotpath-cache");  // where CServer builds hotpath-server
const bun = `${root}node_modules/.bin/bun`;
let tarball = "";
let files: string[] = [];
const running: Served[] = [];

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
});

const ok = (r: Ran) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
const npm = (cwd: string, ...args: string[]) => run("npm", [...args, "--offline", "--cache", npmCache, "--no-audit", "--no-fund"], { cwd });
const npx = (cwd: string, args: string[], env: Record<string, string | undefined> = {}) => run("npx", ["--no-install", ...args], { cwd, env: { npm_config_cache: npmCache, ...env } });

/** Points what `hotpath init` wrote at the tarball and at this checkout's wrangler and typescript. */
function offlineDependencies(project: string): void {
  const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
  expect(manifest.dependencies["@hotpath/server"]).toBe("^0.2.0");
  manifest.dependencies["@hotpath/server"] = `file:${tarball}`;
  for (const name of Object.keys(manifest.devDependencies)) manifest.devDependencies[name] = `file:${root}node_modules/${name}`;
  writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
}

beforeAll(async () => {
  const packed = await run("npm", ["pack", "--pack-destination", work], { cwd: root });
  expect(packed.code, ok(packed)).toBe(0);
  tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  const listing = await run("tar", ["tzf", tarball], { cwd: work });
  files = listing.stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));

  // The user's first step: the package in an empty project, then `hotpath init`.
  const home = join(work, "home");
  mkdirSync(home);
  writeFileSync(join(home, "package.json"), '{ "name": "home", "private": true }\n');
  const installed = await npm(home, "install", tarball);
  expect(installed.code, ok(installed)).toBe(0);
  for (const [dir, flags] of [["app", []], ["baked", ["--baked"]]] as const) {
    const init = await npx(home, ["hotpath", "init", "worker", join(work, dir), ...flags]);
    expect(init.code, ok(init)).toBe(0);
    expect(init.stdout).toContain("npm install && npx wrangler dev");
    offlineDependencies(join(work, dir));
    const install = await npm(join(work, dir), "install");
    expect(install.code, ok(install)).toBe(0);
  }
}, 300_000);

describe("the tarball", () => {
  it("ships what each entry point needs, ESM with types, maps that carry their sources", () => {
    const manifest = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
    for (const entry of Object.values(manifest.exports) as (string | Record<string, string>)[]) {
      for (const file of typeof entry === "string" ? [entry] : Object.values(entry)) expect(files, file).toContain(file.replace(/^\.\//, ""));
    }
    expect(files).toContain(manifest.bin.hotpath);
    for (const file of ["CMakeLists.txt", "native/main.cpp", "native/event_loop.h", "native/http1_session.h", "router/directive.h", "router/match.cpp", "router/router.h", "types/modules.d.ts"]) {
      expect(files).toContain(file);
    }
    // Of the tests, only docs the README links.
    expect(files.filter((f) => f.startsWith("tests/")).sort()).toEqual(["tests/fuzz/README.md", "tests/vectors/README.md"]);
    const maps = files.filter((f) => f.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(20);
    for (const map of maps.map((f) => JSON.parse(readFileSync(join(work, "app/node_modules/@hotpath/server", f), "utf8")))) {
      expect(map.sourcesContent?.length).toBe(map.sources.length);
      for (const source of map.sourcesContent) expect(source.length).toBeGreaterThan(0);
    }
    expect(manifest.type).toBe("module");
  });

  it("every link of the README to a file of the repository is a file of the package", () => {
    const readme = readFileSync(`${root}README.md`, "utf8");
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) expect(files, `README links ${link}`).toContain(link.replace(/^\.\//, ""));
  });
});

describe("hotpath init worker, then npm install && npx wrangler dev", () => {
  it("wrote a project: wrangler.toml with the rules, src/index.ts, routes.tsv, tsconfig with the package's types", () => {
    for (const dir of ["app", "baked"]) {
      for (const f of ["wrangler.toml", "src/index.ts", "routes.tsv", "tsconfig.json", "package.json", ".gitignore"]) expect(existsSync(join(work, dir, f)), `${dir}/${f}`).toBe(true);
      const toml = readFileSync(join(work, dir, "wrangler.toml"), "utf8");
      expect(toml).toMatch(/type = "CompiledWasm"\nglobs = \["\*\*\/\*\.wasm"\]/);
      expect(toml).toMatch(/type = "Text"\nglobs = \["\*\*\/\*\.tsv"\]/);
      expect(readFileSync(join(work, dir, "tsconfig.json"), "utf8")).toContain('"@hotpath/server/modules"');
    }
    expect(readFileSync(join(work, "baked", "wrangler.toml"), "utf8")).toContain('command = "npx hotpath wasm routes.tsv -o build/router.wasm"');
  });

  it("refuses to write over a project", async () => {
    const again = await npx(join(work, "home"), ["hotpath", "init", "worker", join(work, "app")]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/app\/package\.json exists: nothing written/);
  });

  it.each(["app", "baked"])("%s: tsc passes on the generated project", async (dir) => {
    const tsc = await npx(join(work, dir), ["tsc", "-p", "."]);
    expect(tsc.code, ok(tsc)).toBe(0);
  });

  it.each(["app", "baked"])("%s: wrangler deploy --dry-run bundles it with no warning", async (dir) => {
    const deploy = await npx(join(work, dir), ["wrangler", "deploy", "--dry-run", "--outdir", join(work, `${dir}-out`)]);
    expect(deploy.code, ok(deploy)).toBe(0);
    expect(deploy.stdout + deploy.stderr).toMatch(/Total Upload/);
    expect(deploy.stdout + deploy.stderr).not.toMatch(/WARNING|▲|nodejs_compat/);
  });

  it.each(["app", "baked"])("%s: wrangler dev answers the routes of routes.tsv", async (dir) => {
    const project = join(work, dir);
    const port = await freePort();
    const server = await serve("npx", ["--no-install", "wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort()), "--show-interactive-dev-session=false"], {
      cwd: project, env: { npm_config_cache: npmCache }, url: `http://127.0.0.1:${port}/hello/world`, body: "hello world",
    });
    running.push(server);
    const base = `http://127.0.0.1:${port}`;
    const user = await fetch(`${base}/users/42`);
    expect([user.status, user.headers.get("content-type"), await user.text()]).toEqual([200, "application/json; charset=utf-8", '{"id":"42"}']);
    expect(await (await fetch(`${base}/files/a/b.txt`)).text()).toBe("file a/b.txt");
    const post = await fetch(`${base}/`, { method: "POST" });
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    await server.stop();
    if (dir === "baked") {
      // Served from the table built in, which is routes.tsv byte for byte.
      const wasm = new Uint8Array(readFileSync(join(project, "build/router.wasm")));
      expect(Buffer.from(builtinTableBytes(wasm)!)).toEqual(readFileSync(join(project, "routes.tsv")));
      expect(readFileSync(join(project, "src/index.ts"), "utf8")).not.toMatch(/^import .*\.tsv/m);  // nothing loaded at start
    }
  }, 180_000);
});

describe("the main entry in a Worker", () => {
  const worker = `import { HotpathServer, text, toRouteTable } from "@hotpath/server";
const app = new HotpathServer().get("/", text("ok")).get("/users/:id", (c) => c.json({ id: c.params["id"] }));
app.get("/table", (c) => c.text(toRouteTable(new HotpathServer().get("/", text("ok")))));
export default { fetch: (request: Request) => app.fetch(request) };
`;
  beforeAll(() => writeFileSync(join(work, "app", "src", "main.ts"), worker));

  it("bundles without a warning (no node: import reachable from @hotpath/server)", async () => {
    const deploy = await npx(join(work, "app"), ["wrangler", "deploy", "--dry-run", "--outdir", join(work, "main-out"), "src/main.ts"]);
    expect(deploy.code, ok(deploy)).toBe(0);
    expect(deploy.stdout + deploy.stderr).not.toMatch(/WARNING|▲|nodejs_compat|node:/);
    expect(readFileSync(join(work, "main-out", "main.js"), "utf8")).not.toMatch(/from\s*["']node:|import\(\s*["']node:/);
  });

  it("serves app.fetch under wrangler dev", async () => {
    const port = await freePort();
    const server = await serve("npx", ["--no-install", "wrangler", "dev", "src/main.ts", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort()), "--show-interactive-dev-session=false"], {
      cwd: join(work, "app"), env: { npm_config_cache: npmCache }, url: `http://127.0.0.1:${port}/`, body: "ok",
    });
    running.push(server);
    expect(await (await fetch(`http://127.0.0.1:${port}/users/7`)).json()).toEqual({ id: "7" });
    expect(await (await fetch(`http://127.0.0.1:${port}/table`)).text()).toBe("GET\t/\t200\ttext/plain; charset=utf-8\tok\n");
    await server.stop();
  }, 180_000);
});

// The server answers as soon as it listens; the script prints its line once
// listen() has resolved, a moment later.
async function printed(server: Served, line: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 100 && !line.test(server.output()); ++i) await new Promise((r) => setTimeout(r, 50));
  const found = line.exec(server.output());
  if (found === null) throw new Error(`no line ${line} in:\n${server.output()}`);
  return found;
}

describe("HotpathServer and CServer from the package", () => {
  const script = `import { HotpathServer, text, template } from "@hotpath/server";
const app = new HotpathServer().get("/", text("ok")).get("/hello/:name", template("hello {name}")).get("/rt", (c) => c.text(typeof Bun === "undefined" ? "node" : "bun"));
const server = await app.listen(Number(process.env.PORT), { hostname: "127.0.0.1" });
process.on("SIGTERM", () => server.stop().then(() => process.exit(0)));
`;
  beforeAll(() => writeFileSync(join(work, "app", "server.mjs"), script));

  it.each([["Node", process.execPath], ["Bun", bun]])("HotpathServer on %s", async (runtime, command) => {
    const port = await freePort();
    const server = await serve(command, ["server.mjs"], { cwd: join(work, "app"), env: { PORT: String(port) }, url: `http://127.0.0.1:${port}/hello/pkg`, body: "hello pkg" });
    running.push(server);
    expect(await (await fetch(`http://127.0.0.1:${port}/rt`)).text()).toBe(runtime.toLowerCase());
    expect(await server.stop()).toBe(0);
  });

  const cScript = `import { CServer, text, template } from "@hotpath/server/c";
const server = await new CServer().get("/", text("ok")).get("/hello/:name", template("hello {name}")).listen(Number(process.env.PORT), { threads: 1 });
console.log("pid", server.pid);
process.on("SIGTERM", () => server.stop().then(() => process.exit(0)));
`;

  it("CServer builds hotpath-server on first use (progress on stderr), caches it, and serves", async () => {
    writeFileSync(join(work, "app", "c.mjs"), cScript);
    const env = { HOTPATH_CACHE_DIR: serverCache, HOTPATH_SERVER_BINARY: undefined };
    for (const first of [true, false]) {
      const port = await freePort();
      const server = await serve(process.execPath, ["c.mjs"], { cwd: join(work, "app"), env: { ...env, PORT: String(port) }, url: `http://127.0.0.1:${port}/hello/c`, body: "hello c", timeoutMs: 300_000 });
      running.push(server);
      expect((await fetch(`http://127.0.0.1:${port}/`)).headers.get("server")).toBe("hotpath");
      const pid = Number((await printed(server, /pid (\d+)/))[1]);
      const binary = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]!;
      expect(binary.startsWith(join(serverCache, "hotpath-server-"))).toBe(true);
      if (first) {
        expect(server.output()).toMatch(/hotpath: building hotpath-server from source \(first use, cached in /);
        expect(server.output()).toMatch(/hotpath: \[\d+\/\d+\] native\/event_loop\.cpp/);
        expect(server.output()).toMatch(/hotpath: built .*hotpath-server in [\d.]+ s/);
      } else {
        expect(server.output()).not.toMatch(/building/);
      }
      expect(await server.stop()).toBe(0);
    }
  }, 320_000);

  it("Hotpath({ adapter: \"c\" }) with a handler and middleware: hotpath-server answers, the handler runs in a supervised child", async () => {
    writeFileSync(join(work, "app", "c-app.mjs"), `import { Hotpath, HotpathServer, header, template } from "@hotpath/server";
export default Hotpath({ adapter: "c" })
  .use(header("x-app", "pkg"))
  .get("/hello/:name", template("hello {name}"))
  .get("/dyn/:name", (c) => c.text("dyn " + c.params.name + " " + process.pid))
  .route("/api", new HotpathServer().use(async (c, next) => { await next(); c.header("x-mw", "1"); }).get("/x", (c) => c.json({ ok: true })));
`);
    writeFileSync(join(work, "app", "c-serve.mjs"), `import app from "./c-app.mjs";
const server = await app.listen(Number(process.env.PORT), { threads: 1, fallback: { module: new URL("./c-app.mjs", import.meta.url) } });
console.log("fallback", server.fallbackPid);
process.on("SIGTERM", () => server.stop().then(() => process.exit(0)));
`);
    const port = await freePort();
    const server = await serve(process.execPath, ["c-serve.mjs"], {
      cwd: join(work, "app"), env: { HOTPATH_CACHE_DIR: serverCache, HOTPATH_SERVER_BINARY: undefined, PORT: String(port) }, url: `http://127.0.0.1:${port}/hello/c`, body: "hello c", timeoutMs: 300_000,
    });
    running.push(server);
    const fallback = Number((await printed(server, /fallback (\d+)/))[1]);
    const dyn = await fetch(`http://127.0.0.1:${port}/dyn/a`);
    expect([dyn.status, await dyn.text(), dyn.headers.get("x-app"), dyn.headers.get("server")]).toEqual([200, `dyn a ${fallback}`, "pkg", "hotpath"]);
    const api = await fetch(`http://127.0.0.1:${port}/api/x`);
    expect([api.status, await api.text(), api.headers.get("x-mw"), api.headers.get("x-app")]).toEqual([200, '{"ok":true}', "1", "pkg"]);
    expect(await server.stop()).toBe(0);
  }, 320_000);

  it("CServer without a compiler names what to install", async () => {
    const failed = await run(process.execPath, ["c.mjs"], {
      cwd: join(work, "app"), env: { PORT: String(await freePort()), HOTPATH_CACHE_DIR: join(work, "empty-cache"), CXX: "no-such-c++", HOTPATH_SERVER_BINARY: undefined },
    });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/needs a C\+\+17 compiler, but `no-such-c\+\+` was not found: install one/);
  });

  it("hotpath serve routes.tsv --port N serves the table (the binary built above), and stops on SIGTERM", async () => {
    const port = await freePort();
    // The bin itself (npx would be the process the signal's exit status is read from).
    const server = await serve("node_modules/.bin/hotpath", ["serve", "routes.tsv", "--port", String(port), "--threads", "1"], {
      cwd: join(work, "app"), env: { HOTPATH_CACHE_DIR: serverCache, HOTPATH_SERVER_BINARY: undefined }, url: `http://127.0.0.1:${port}/hello/serve`, body: "hello serve",
    });
    running.push(server);
    expect(server.output()).not.toMatch(/building/);
    expect(await (await fetch(`http://127.0.0.1:${port}/users/1`)).text()).toBe('{"id":"1"}');
    expect(await server.stop()).toBe(0);
  });
});

describe("hotpath check and hotpath wasm", () => {
  const bad = "GET\t/a\t200\ttext/plain\ta\nGET\t/a\t200\ttext/plain\tb\n";
  beforeAll(() => writeFileSync(join(work, "app", "bad.tsv"), bad));
  const hotpath = (...args: string[]) => npx(join(work, "app"), ["hotpath", ...args]);

  it("check: a good table (exit 0), a bad one (exit 1, FILE:LINE: reason), a missing file, a usage error (exit 2)", async () => {
    const good = await hotpath("check", "routes.tsv");
    expect([good.code, good.stdout]).toEqual([0, "routes.tsv: 4 routes\n"]);
    const wrong = await hotpath("check", "routes.tsv", "bad.tsv");
    expect([wrong.code, wrong.stdout, wrong.stderr]).toEqual([1, "routes.tsv: 4 routes\n", "bad.tsv:2: duplicate route: GET '/a' has the same method and path shape as line 1\n"]);
    const missing = await hotpath("check", "nope.tsv");
    expect([missing.code, missing.stderr]).toEqual([1, "hotpath: nope.tsv: cannot read (no such file)\n"]);
    const usage = await hotpath("check");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^hotpath: check needs at least one ROUTES\.tsv/);
    expect((await hotpath("frobnicate")).code).toBe(2);
    const help = await hotpath("--help");
    expect(help.code).toBe(0);
    for (const command of ["check", "wasm", "serve", "init worker"]) expect(help.stdout).toContain(`hotpath ${command}`);
    expect((await hotpath("wasm", "--help")).stdout).toBe(help.stdout);
    const none = await hotpath();
    expect([none.code, none.stderr]).toEqual([2, help.stdout]);
    expect((await hotpath("--version")).stdout).toBe("0.2.0\n");
  });

  it("wasm: a bad table is FILE:LINE: reason, exit 1, and writes nothing", async () => {
    const r = await hotpath("wasm", "bad.tsv", "-o", "bad.wasm");
    expect([r.code, r.stderr]).toEqual([1, "bad.tsv:2: duplicate route: GET '/a' has the same method and path shape as line 1\n"]);
    expect(existsSync(join(work, "app", "bad.wasm"))).toBe(false);
  });

  // The same tables compiled in by the repository's `make wasm ROUTES=` (a
  // C++ toolchain) and baked by the package's `hotpath wasm` (none): the
  // same answers, on both ABIs, to every vector of each table and to the
  // request list of the GitHub-style table.
  const makeBuild = join(work, "make-wasm");
  const tables = ["tests/vectors/basic.tsv", "tests/vectors/methods.tsv", "tests/vectors/priority.tsv", "bench/github-api.tsv"];
  it.each(tables)("wasm %s answers as make wasm ROUTES= does", async (table) => {
    const made = await run("make", ["wasm", `ROUTES=${table}`, `BUILD=${makeBuild}`], { cwd: root });
    expect(made.code, ok(made)).toBe(0);
    const compiled = new WebAssembly.Module(readFileSync(join(makeBuild, "router.wasm")));
    const out = join(work, "app", `${table.replace(/\W/g, "_")}.wasm`);
    const baked = await hotpath("wasm", join(root, table), "-o", out);
    expect(baked.code, ok(baked)).toBe(0);
    expect(baked.stdout).toMatch(/baked in \(\d+ routes, \d+ bytes\)/);
    const bakedModule = new WebAssembly.Module(readFileSync(out));

    const name = table.split("/").pop()!;
    const requests = routingVectors.filter((v) => fetchSkipReason(v) === null && tableOf(v, tableFiles) === tableFiles[name]).map((v) => [v.request.method, v.request.path]);
    if (name === "github-api.tsv") {
      for (const line of readFileSync(`${root}bench/github-api.requests`, "utf8").trim().split("\n")) requests.push(line.split("\t") as [string, string]);
    }
    expect(requests.length).toBeGreaterThan(10);
    const paths = [new WebAssembly.Instance(compiled, {}), new WebAssembly.Instance(bakedModule, {})].map((instance) => ({
      fast: createFastWasmFetch({ instance, cache: false }).fetch,
      compat: createWasmFetch({ instance }).fetch,
    }));
    const seen = async (r: Response | Promise<Response>) => {
      const response = await r;
      return [response.status, [...response.headers], await response.text()];
    };
    for (const [method, path] of requests) {
      const request = () => new Request(`http://bake.test${path}`, { method: method! });
      expect(await seen(paths[1]!.fast(request())), `${method} ${path}`).toEqual(await seen(paths[0]!.fast(request())));
      expect(await seen(paths[1]!.compat(request())), `${method} ${path}`).toEqual(await seen(paths[0]!.compat(request())));
    }
  }, 180_000);
});
