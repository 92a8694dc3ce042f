// SIGHUP after SIGHUP while clients keep requesting (issue 18): every answer
// comes whole from one table, the old or the new one, never a mix; no
// crash; replaced tables are freed (the server's count of replaced tables
// still in use stays small and ends at 0), and the server's memory stays
// flat. Shared by tests/ts/native/reload.test.ts (make test, make test-asan,
// make test-valgrind) and tests/load/native-reload.test.ts (make test-load,
// 10,000 reloads).
//
// The route file is a symlink switched between two tables by rename(2), so
// a reload costs no file write. Each table carries a 32 KiB route that no
// client asks for: a table kept after it was replaced costs about 0.5 MiB
// (the arena is 16 bytes per byte of text), so a leak shows at once.
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { connect } from "node:net";

import { parseResponses, show } from "../support/http-responses.js";
import { LOOPBACK, sleep } from "../support/raw-client.js";
import { startServer, type NativeServer } from "./server.js";

const PAD = 32 * 1024;

/** Table A (4 routes) or B (5 routes): each answer says which table it came from, in its type and its body. */
export function reloadTable(which: "a" | "b"): string {
  const upper = which.toUpperCase();
  return [
    `GET\t/t/:id\t200\ttext/x-table-${which}\t${upper} {id} ${which.repeat(64)}`,
    `GET\t/only-${which}\t200\ttext/x-table-${which}\tonly ${which}`,
    `GET\t/pad\t200\ttext/plain\t${which.repeat(PAD)}`,
    `POST\t/t/:id\t201\ttext/x-table-${which}\t${upper} {id} posted`,
    ...(which === "b" ? [`GET\t/b-extra\t200\ttext/x-table-b\textra`] : []),
    "",
  ].join("\n");
}

export interface ReloadOptions {
  reloads: number;
  /** Keep-alive client connections requesting throughout (default 8). */
  clients?: number;
  /** Requests pipelined per write (default 16). */
  pipeline?: number;
  /** Called with progress lines (figures). */
  log?: (line: string) => void;
}

export interface ReloadFigures {
  reloads: number;
  requests: number;
  answersFromA: number;
  answersFromB: number;
  rssStartKiB: number;
  rssWarmKiB: number;
  rssEndKiB: number;
  mostInUse: number;
  finalInUse: number;
  seconds: number;
}

function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

const RELOADED = /hotpath-server: reloaded .* \((\d+) routes; (\d+) replaced tables still in use\)\n/g;

/** The answer to GET /t/<id> (or /only-x) checked whole against both tables; returns "a", "b" or a failure. */
function classify(path: string, status: number, type: string | null, body: string): "a" | "b" | string {
  const t = /^\/t\/(.+)$/.exec(path);
  if (t) {
    for (const which of ["a", "b"] as const) {
      if (type === `text/x-table-${which}` && status === 200 && body === `${which.toUpperCase()} ${t[1]} ${which.repeat(64)}`) return which;
    }
    return `GET ${path}: ${status} ${type} ${JSON.stringify(body.slice(0, 120))}`;
  }
  const only = /^\/only-([ab])$/.exec(path)![1]!;
  const other = only === "a" ? "b" : "a";
  if (status === 200 && type === `text/x-table-${only}` && body === `only ${only}`) return only;
  if (status === 404 && body === "Not Found") return other;
  return `GET ${path}: ${status} ${type} ${JSON.stringify(body.slice(0, 120))}`;
}

interface Load {
  requests: number;
  fromA: number;
  fromB: number;
  failures: string[];
}

/** One keep-alive connection requesting in pipelined batches until `done()`, checking every answer. */
async function client(port: number, id: number, pipeline: number, done: () => boolean, load: Load): Promise<void> {
  const socket = connect({ host: LOOPBACK, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  // Only the current batch's bytes are kept: a run of 10,000 reloads reads
  // hundreds of megabytes.
  let pending: Buffer = Buffer.alloc(0);
  let wake: () => void = () => {};
  let closed = false;
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    wake();
  });
  socket.on("close", () => {
    closed = true;
    wake();
  });
  socket.on("error", () => {});
  try {
    for (let batch = 0; !done() && load.failures.length === 0; ++batch) {
      const paths = Array.from({ length: pipeline }, (_, i) => {
        const k = batch * pipeline + i;
        return k % 8 === 6 ? "/only-a" : k % 8 === 7 ? "/only-b" : `/t/c${id}n${k}`;
      });
      socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`).join(""));
      const deadline = Date.now() + 30_000;
      let parsed = parseResponses(pending);
      while (parsed.responses.length < pipeline && !closed && Date.now() < deadline) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), sleep(1_000)]);
        parsed = parseResponses(pending);
      }
      if (parsed.responses.length < pipeline) {
        load.failures.push(`client ${id}: ${parsed.responses.length} of ${pipeline} answers; closed=${closed}; ${show(pending, 300)}`);
        return;
      }
      parsed.responses.forEach((r, i) => {
        const verdict = classify(paths[i]!, r.status, r.header("content-type"), r.text);
        if (verdict === "a") ++load.fromA;
        else if (verdict === "b") ++load.fromB;
        else load.failures.push(`client ${id}: ${verdict}`);
      });
      if (parsed.rest.length > 0) load.failures.push(`client ${id}: ${parsed.rest.length} bytes after the answers: ${show(parsed.rest, 200)}`);
      pending = Buffer.alloc(0);
      load.requests += pipeline;
    }
  } finally {
    socket.destroy();
  }
}

/** Waits until the server's stderr holds `count` reload lines; returns them parsed. */
async function reloadLines(server: NativeServer, count: number, timeoutMs: number): Promise<Array<[number, number]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = [...server.stderr().matchAll(RELOADED)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
    if (lines.length >= count) return lines;
    if (!server.alive()) throw new Error(`the server exited during the reloads:\n${server.stderr().slice(-2_000)}`);
    if (Date.now() > deadline) throw new Error(`reload ${count} not confirmed within ${timeoutMs} ms; stderr ends:\n${server.stderr().slice(-2_000)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function reloadUnderLoad(options: ReloadOptions): Promise<ReloadFigures> {
  const dir = mkdtempSync(join(tmpdir(), "hotpath-reload-"));
  const fileA = join(dir, "a.tsv");
  const fileB = join(dir, "b.tsv");
  writeFileSync(fileA, reloadTable("a"));
  writeFileSync(fileB, reloadTable("b"));
  // startServer writes its own file; the server is pointed at our symlink instead.
  const link = join(dir, "routes.tsv");
  const point = (target: string) => {
    const next = join(dir, "next.tsv");
    symlinkSync(target, next);
    renameSync(next, link);  // atomic: a reload reads one table or the other
  };
  point(fileA);
  const started = Date.now();
  const live = await startServer("", { configPath: link, threads: 2 });
  const log = options.log ?? (() => {});
  const load: Load = { requests: 0, fromA: 0, fromB: 0, failures: [] };
  let stopped = false;
  try {
    const rssStartKiB = rssKiB(live.pid);
    const clients = Array.from({ length: options.clients ?? 8 }, (_, id) =>
      client(live.port, id, options.pipeline ?? 16, () => stopped, load));
    const warmAt = Math.min(options.reloads, Math.max(50, Math.floor(options.reloads / 10)));
    let rssWarmKiB = rssStartKiB;
    let mostInUse = 0;
    for (let i = 1; i <= options.reloads && load.failures.length === 0; ++i) {
      const which = i % 2 === 1 ? "b" : "a";
      point(which === "a" ? fileA : fileB);
      live.signal("SIGHUP");
      const lines = await reloadLines(live, i, 30_000);
      const [routes, inUse] = lines[i - 1]!;
      if (routes !== (which === "a" ? 4 : 5)) load.failures.push(`reload ${i}: ${routes} routes, table ${which} has ${which === "a" ? 4 : 5}`);
      mostInUse = Math.max(mostInUse, inUse);
      if (i === warmAt) rssWarmKiB = rssKiB(live.pid);
      if (i % 1000 === 0) log(`${i} reloads, ${load.requests} requests, RSS ${rssKiB(live.pid)} KiB, at most ${mostInUse} replaced tables in use`);
    }
    stopped = true;
    await Promise.all(clients);
    // With the clients gone every loop is idle (offline): one more reload
    // must find every replaced table freed.
    await sleep(300);
    point(options.reloads % 2 === 1 ? fileA : fileB);
    live.signal("SIGHUP");
    const finalInUse = (await reloadLines(live, options.reloads + 1, 30_000))[options.reloads]![1];
    await sleep(300);
    const rssEndKiB = rssKiB(live.pid);
    const figures: ReloadFigures = {
      reloads: options.reloads + 1, requests: load.requests, answersFromA: load.fromA, answersFromB: load.fromB,
      rssStartKiB, rssWarmKiB, rssEndKiB, mostInUse, finalInUse, seconds: (Date.now() - started) / 1000,
    };
    if (load.failures.length > 0) throw new Error(`${load.failures.length} failures, first: ${load.failures.slice(0, 5).join("\n")}`);
    if (!live.alive()) throw new Error(`the server died: ${live.stderr().slice(-2_000)}`);
    await live.stop();
    return figures;
  } finally {
    stopped = true;
    rmSync(dir, { recursive: true, force: true });
  }
}

