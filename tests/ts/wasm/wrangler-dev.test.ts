// `wrangler dev` (the npm run dev:worker command) on loopback: the Worker serving the
// real build/router.wasm over real HTTP, then stopped by its process id.
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort } from "../../../adapters/hotpath-process.js";
import { root } from "../support/node-files.js";

const offline = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

let child: ChildProcess;
let base = "";
let output = "";

beforeAll(async () => {
  const port = await freePort();
  const inspector = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(
    "npx",
    ["wrangler", "dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector),
     "--show-interactive-dev-session=false", "--log-level", "warn"],
    { cwd: root, env: { ...process.env, ...offline }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${base}/hello/rai`);
      if (response.status === 200 && (await response.text()) === "hello rai") break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer within 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 120_000);

afterAll(async () => {
  if (child?.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid, "SIGTERM");  // the whole group: npx, wrangler, workerd
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
});

describe("wrangler dev on 127.0.0.1", () => {
  it("serves /hello/rai", async () => {
    const response = await fetch(`${base}/hello/rai`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toBe("hello rai");
  });

  it("answers JSON, 404, 405 with Allow, and HEAD with the GET's length", async () => {
    const json = await fetch(`${base}/json?x=1`);
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await json.json()).toEqual({ ok: true });
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const post = await fetch(`${base}/json`, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(`${base}/hello/rai`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("9");
    expect(await head.text()).toBe("");
  });
});
