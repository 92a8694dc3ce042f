#!/usr/bin/env node
// npm run bench:mixed — issue 12's mixed app (a table route, a handler route,
// one header() directive; bench/servers/mixed*.mjs) on every path that
// serves it, through bench/run.mjs once per route kind:
//   table route    GET /hello/rai   -> "hello rai"
//   handler route  GET /users/7     -> {"id":"7"}
// Targets: MIXED_TARGETS (default mixed-fast,mixed-fast-node,mixed-wasm,mixed-c,mixed-c-bun,mixed-hono,mixed-hono-bun);
// every other bench:run variable (WRK_DURATION, BENCH_REPEAT, PIN, ...) passes through.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const targets = process.env.MIXED_TARGETS ?? "mixed-fast,mixed-fast-node,mixed-wasm,mixed-c,mixed-c-bun,mixed-hono,mixed-hono-bun";
const kinds = [
  { name: "table route", path: "/hello/rai", expect: "hello rai" },
  { name: "handler route", path: "/users/7", expect: '{"id":"7"}' },
];
let status = 0;
for (const kind of kinds) {
  console.log(`\n## The mixed app, ${kind.name}: GET ${kind.path}\n`);
  const run = spawnSync(process.execPath, [`${root}bench/run.mjs`], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TARGETS: targets, BENCH_PATH: kind.path, BENCH_EXPECT: kind.expect },
  });
  status ||= run.status ?? 1;
}
process.exit(status);
