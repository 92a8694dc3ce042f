// The targets of bench/run.mjs: how each one is started, what it needs, and
// what it is. Every target serves the routes of bench/c-core.tsv on
// 127.0.0.1:<port>; run.mjs checks the answer against the table.
//
// A target is { name, description, note?, needs, setup?, prepare }:
//   needs(ctx)            messages for missing prerequisites ([] when all is there)
//   setup(ctx)            once per suite, before any start (e.g. bundling the Worker)
//   prepare(ctx, setup)   per start, with ctx.port (and ctx.port2) free ports:
//                         { argv, env?, readyLine?, startupMs?, files?, hotpath? }; hotpath
//                         ({ binary, args }): started by hotpath-server's launcher
//                         (argv is then only what the results show); readyLine is a
//                         regex the server's stdout must show before it counts
//                         as started (then the HTTP check still applies); files
//                         are generated configs, kept in the result JSON
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { nginxConfig } from "./nginx.mjs";
import { workerdConfig } from "./workerd-config.mjs";

export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A tool on PATH (or in /usr/sbin, /sbin, where Debian puts nginx), or null. */
export function which(tool) {
  for (const dir of [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin"]) {
    if (dir && executable(join(dir, tool))) return join(dir, tool);
  }
  return null;
}

const need = {
  bun: (ctx) => (executable(ctx.bun) ? [] : [`${ctx.bun} is missing: run 'npm ci'`]),
  dist: (ctx) => (existsSync(join(ctx.root, "dist/adapters/index.js")) ? [] : ["dist/ is missing: run 'npm run build'"]),
  launcher: (ctx) => (existsSync(join(ctx.root, "dist/adapters/hotpath-process.js")) ? [] : ["dist/ is missing: run 'npm run build'"]),
  wasm: (ctx) => (existsSync(join(ctx.root, "build/router.wasm")) ? [] : ["build/router.wasm is missing: run 'make wasm'"]),
  module: (ctx, name) => (existsSync(join(ctx.root, "node_modules", name, "package.json")) ? [] : [`node_modules/${name} is missing: run 'npm ci'`]),
};

// hotpath-server and its fallback (bench/servers/c-core-fallback.mjs) under
// `runtime`: the script is the process the suite watches, the server its child.
const fallbackTarget = (ctx, runtime) => ({
  argv: [runtime, join(ctx.root, "bench/servers/c-core-fallback.mjs")],
  env: { PORT: String(ctx.port), FAST_SERVER_C_THREADS: String(ctx.cThreads), HOTPATH_SERVER_BINARY: ctx.hotpathServer },
  startupMs: 15_000,
});

const bunScript = (script) => (ctx) => ({ argv: [ctx.bun, join(ctx.root, "bench/servers", script)], env: { PORT: String(ctx.port) } });

export const TARGETS = [
  {
    name: "c-core",
    description: "build/hotpath-server, the native epoll HTTP/1.1 server (threads: FAST_SERVER_C_THREADS, default one per server CPU)",
    needs: (ctx) => [
      ...(executable(ctx.hotpathServer) ? [] : [`${ctx.hotpathServer} is missing or not executable: run 'make native'`]),
      ...need.launcher(ctx),
    ],
    // Started by hotpath-server's one launcher (adapters/hotpath-process.ts).
    prepare: (ctx) => {
      const args = ["--config", ctx.table, "--host", "127.0.0.1", "--port", String(ctx.port), "--threads", String(ctx.cThreads), "--quiet"];
      return { hotpath: { binary: ctx.hotpathServer, args }, argv: [ctx.hotpathServer, ...args], startupMs: 10_000 };
    },
  },
  {
    name: "c-core-fallback",
    description: "build/hotpath-server with bench/c-core.tsv plus PROXY GET /dyn/:name, answered by serveFallback() on Node over a Unix socket (bench/servers/c-core-fallback.mjs; CPU of both processes)",
    needs: (ctx) => [
      ...(executable(ctx.hotpathServer) ? [] : [`${ctx.hotpathServer} is missing or not executable: run 'make native'`]),
      ...need.dist(ctx),
    ],
    prepare: (ctx) => fallbackTarget(ctx, process.execPath),
  },
  {
    name: "c-core-fallback-bun",
    description: "c-core-fallback with serveFallback() on Bun (the same script under bun)",
    needs: (ctx) => [
      ...(executable(ctx.hotpathServer) ? [] : [`${ctx.hotpathServer} is missing or not executable: run 'make native'`]),
      ...need.dist(ctx),
      ...need.bun(ctx),
    ],
    prepare: (ctx) => fallbackTarget(ctx, ctx.bun),
  },
  {
    name: "handler-node",
    description: "the handler of GET /dyn/:name alone on node:http, a Request built and the Response written as a fetch adapter does (bench/servers/handler-direct.mjs; no other route)",
    needs: () => [],
    prepare: (ctx) => ({ argv: [process.execPath, join(ctx.root, "bench/servers/handler-direct.mjs")], env: { PORT: String(ctx.port) } }),
  },
  {
    name: "handler-bun",
    description: "the handler of GET /dyn/:name alone on Bun.serve (bench/servers/handler-direct.mjs under bun; no other route)",
    needs: (ctx) => need.bun(ctx),
    prepare: bunScript("handler-direct.mjs"),
  },
  {
    name: "fast-dyn-node",
    description: "HotpathServer on node:http with bench/c-core.tsv's routes and GET /dyn/:name as a function handler (bench/servers/fast-dyn.mjs)",
    needs: (ctx) => need.dist(ctx),
    prepare: (ctx) => ({ argv: [process.execPath, join(ctx.root, "bench/servers/fast-dyn.mjs")], env: { PORT: String(ctx.port) } }),
  },
  {
    name: "fast-dyn-bun",
    description: "fast-dyn-node on Bun.serve (bench/servers/fast-dyn.mjs under bun)",
    needs: (ctx) => [...need.bun(ctx), ...need.dist(ctx)],
    prepare: bunScript("fast-dyn.mjs"),
  },
  {
    name: "nginx",
    description: "Debian nginx with a config generated from the route table (bench/suite/nginx.mjs), one worker per server CPU",
    needs: (ctx) => (ctx.nginx ? [] : ["nginx is not installed: run 'make bootstrap-bench' (as root)"]),
    prepare: (ctx) => {
      const prefix = join(ctx.work, "nginx", String(ctx.port));
      mkdirSync(join(prefix, "logs"), { recursive: true });
      const conf = nginxConfig({ rows: ctx.rows, port: ctx.port, workers: ctx.nginxWorkers, prefix });
      writeFileSync(join(prefix, "nginx.conf"), conf);
      return { argv: [ctx.nginx, "-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", "stderr"], startupMs: 10_000, files: { "nginx.conf": conf } };
    },
  },
  {
    name: "hono",
    description: "Hono on Node via @hono/node-server (bench/servers/hono-node.mjs)",
    needs: (ctx) => [...need.module(ctx, "hono"), ...need.module(ctx, "@hono/node-server")],
    prepare: (ctx) => ({ argv: [process.execPath, join(ctx.root, "bench/servers/hono-node.mjs")], env: { PORT: String(ctx.port) } }),
  },
  {
    name: "hono-bun",
    description: "Hono on Bun, Bun.serve({ fetch: app.fetch }) (bench/servers/hono-bun.mjs)",
    needs: (ctx) => [...need.bun(ctx), ...need.module(ctx, "hono")],
    prepare: bunScript("hono-bun.mjs"),
  },
  {
    name: "fast",
    description: "HotpathServer on Bun (bench/servers/fast.mjs, dist/adapters/index.js)",
    needs: (ctx) => [...need.bun(ctx), ...need.dist(ctx)],
    prepare: bunScript("fast.mjs"),
  },
  {
    name: "fast-handler",
    description: "HotpathServer on Bun with function handlers (c.text) instead of replies (bench/servers/fast-dyn.mjs)",
    needs: (ctx) => [...need.bun(ctx), ...need.dist(ctx)],
    prepare: bunScript("fast-handler.mjs"),
  },
  {
    name: "elysia",
    description: "Elysia on Bun, function handlers, app.listen (bench/servers/elysia.mjs)",
    needs: (ctx) => [...need.bun(ctx), ...need.module(ctx, "elysia")],
    prepare: bunScript("elysia.mjs"),
  },
  {
    name: "fast-node",
    description: "HotpathServer on Node's node:http (bench/servers/fast.mjs under node)",
    needs: (ctx) => need.dist(ctx),
    prepare: (ctx) => ({ argv: [process.execPath, join(ctx.root, "bench/servers/fast.mjs")], env: { PORT: String(ctx.port) } }),
  },
  {
    name: "mixed-fast",
    description: "the mixed app (a template route, a c.json handler route, a header() directive) on HotpathServer, Bun (bench/servers/mixed.mjs)",
    needs: (ctx) => [...need.bun(ctx), ...need.dist(ctx)],
    prepare: bunScript("mixed.mjs"),
  },
  {
    name: "mixed-fast-node",
    description: "the mixed app on HotpathServer, Node's node:http (bench/servers/mixed.mjs under node)",
    needs: (ctx) => need.dist(ctx),
    prepare: (ctx) => ({ argv: [process.execPath, join(ctx.root, "bench/servers/mixed.mjs")], env: { PORT: String(ctx.port) } }),
  },
  {
    name: "mixed-wasm",
    description: "the mixed app on Hotpath({ adapter: \"wasm\" }) under Bun: router.wasm answers the table route and the directive, JavaScript the handler (bench/servers/mixed.mjs)",
    needs: (ctx) => [...need.bun(ctx), ...need.dist(ctx), ...need.wasm(ctx)],
    prepare: (ctx) => ({ argv: [ctx.bun, join(ctx.root, "bench/servers/mixed.mjs")], env: { PORT: String(ctx.port), MIXED_ADAPTER: "wasm" } }),
  },
  {
    name: "mixed-c",
    description: "the mixed app on Hotpath({ adapter: \"c\" }) under Node: hotpath-server answers the table route and the directive, its fallback in the Node process the handler (bench/servers/mixed.mjs; CPU of both processes)",
    needs: (ctx) => [
      ...(executable(ctx.hotpathServer) ? [] : [`${ctx.hotpathServer} is missing or not executable: run 'make native'`]),
      ...need.dist(ctx),
    ],
    prepare: (ctx) => ({
      argv: [process.execPath, join(ctx.root, "bench/servers/mixed.mjs")],
      env: { PORT: String(ctx.port), MIXED_ADAPTER: "c", FAST_SERVER_C_THREADS: String(ctx.cThreads), HOTPATH_SERVER_BINARY: ctx.hotpathServer },
    }),
  },
  {
    name: "mixed-c-bun",
    description: "mixed-c with the fallback on Bun (bench/servers/mixed.mjs under bun)",
    needs: (ctx) => [
      ...(executable(ctx.hotpathServer) ? [] : [`${ctx.hotpathServer} is missing or not executable: run 'make native'`]),
      ...need.bun(ctx),
      ...need.dist(ctx),
    ],
    prepare: (ctx) => ({
      argv: [ctx.bun, join(ctx.root, "bench/servers/mixed.mjs")],
      env: { PORT: String(ctx.port), MIXED_ADAPTER: "c", FAST_SERVER_C_THREADS: String(ctx.cThreads), HOTPATH_SERVER_BINARY: ctx.hotpathServer },
    }),
  },
  {
    name: "mixed-hono",
    description: "the mixed app on Hono, Node via @hono/node-server (bench/servers/mixed-hono.mjs)",
    needs: (ctx) => [...need.module(ctx, "hono"), ...need.module(ctx, "@hono/node-server")],
    prepare: (ctx) => ({ argv: [process.execPath, join(ctx.root, "bench/servers/mixed-hono.mjs")], env: { PORT: String(ctx.port) } }),
  },
  {
    name: "mixed-hono-bun",
    description: "the mixed app on Hono, Bun.serve({ fetch: app.fetch }) (bench/servers/mixed-hono.mjs)",
    needs: (ctx) => [...need.bun(ctx), ...need.module(ctx, "hono")],
    prepare: bunScript("mixed-hono.mjs"),
  },
  {
    name: "bun-raw",
    description: "plain Bun.serve with a routes table, no router (bench/servers/bun-raw.mjs): the Bun ceiling",
    needs: (ctx) => need.bun(ctx),
    prepare: bunScript("bun-raw.mjs"),
  },
  {
    name: "wasm",
    description: "router.wasm behind createFastWasmFetch in one server process (WASM_RUNTIME=bun|node; on Node via @hono/node-server, or WASM_NODE_BRIDGE=hotpath; bench/servers/wasm-server.mjs)",
    needs: (ctx) => [...(ctx.wasmRuntime === "bun" ? need.bun(ctx) : []), ...need.dist(ctx), ...need.wasm(ctx)],
    prepare: (ctx) => ({
      argv: [ctx.wasmRuntime === "bun" ? ctx.bun : process.execPath, join(ctx.root, "bench/servers/wasm-server.mjs")],
      env: { PORT: String(ctx.port), ...(ctx.wasmRuntime === "node" && process.env.WASM_NODE_BRIDGE ? { WASM_NODE_BRIDGE: process.env.WASM_NODE_BRIDGE } : {}) },
      readyLine: /listening/,
    }),
  },
  {
    name: "wasm-cluster",
    description: "router.wasm in WASM_WORKERS Bun processes sharing the port (Bun.serve reusePort; bench/servers/wasm-cluster.mjs)",
    needs: (ctx) => [...need.bun(ctx), ...need.dist(ctx), ...need.wasm(ctx)],
    prepare: (ctx) => ({
      argv: [ctx.bun, join(ctx.root, "bench/servers/wasm-cluster.mjs")],
      env: { PORT: String(ctx.port), WASM_WORKERS: String(ctx.wasmWorkers) },
      readyLine: /workers listening/,
    }),
  },
  {
    name: "workerd",
    description: "worker/index.ts bundled by wrangler deploy --dry-run, under `workerd serve` (npm workerd), no wrangler proxy",
    needs: (ctx) => [
      ...need.wasm(ctx),
      ...(executable(ctx.workerd) ? [] : [`${ctx.workerd} is missing: run 'npm ci'`]),
      ...(existsSync(ctx.wrangler) ? [] : [`${ctx.wrangler} is missing: run 'npm ci'`]),
    ],
    setup: (ctx) => {
      // Bundle once per suite, as `npm run deploy:dry` does.
      const out = join(ctx.work, "worker");
      execFileSync(process.execPath, [ctx.wrangler, "deploy", "--dry-run", "--outdir", out], {
        cwd: ctx.root, env: { ...process.env, ...OFFLINE_ENV }, stdio: ["ignore", "pipe", "pipe"],
      });
      const files = readdirSync(out);
      const wasm = files.filter((f) => f.endsWith(".wasm"));
      if (!files.includes("index.js") || wasm.length !== 1) {
        throw new Error(`workerd: wrangler emitted ${files.join(", ")} in ${out}; expected index.js and one .wasm`);
      }
      return { dir: out, main: "index.js", wasm: wasm[0] };
    },
    prepare: (ctx, bundle) => {
      const config = join(bundle.dir, `config-${ctx.port}.capnp`);
      const text = workerdConfig({ port: ctx.port, modules: [{ name: bundle.main }, { name: bundle.wasm }], compatibilityDate: ctx.compatibilityDate });
      writeFileSync(config, text);
      return { argv: [ctx.workerd, "serve", config], startupMs: 30_000, files: { "config.capnp": text } };
    },
  },
  {
    name: "wrangler-dev",
    description: "wrangler dev --local (as npm run dev:worker): wrangler's proxy in front of workerd",
    note: "development server, not an edge figure",
    needs: (ctx) => [...need.wasm(ctx), ...(existsSync(ctx.wrangler) ? [] : [`${ctx.wrangler} is missing: run 'npm ci'`])],
    prepare: (ctx) => ({
      argv: [process.execPath, ctx.wrangler, "dev", "--local", "--ip", "127.0.0.1", "--port", String(ctx.port),
        "--inspector-port", String(ctx.port2), "--show-interactive-dev-session=false", "--log-level", "warn",
        "--persist-to", join(ctx.work, "wrangler-state")],
      env: OFFLINE_ENV,
      startupMs: 120_000,
    }),
  },
];

export const TARGET_NAMES = TARGETS.map((t) => t.name);
