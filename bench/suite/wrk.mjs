// Running wrk and reading its report (wrk 4.x with --latency).
import { spawn } from "node:child_process";

const TIME_UNITS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** "1.23ms" -> 1.23 (milliseconds) */
export function parseTime(text) {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`wrk: unreadable time '${text}'`);
  return Number(m[1]) * TIME_UNITS[m[2]];
}

/**
 * The figures of one wrk report: requests, seconds, req/s, latency (ms: avg,
 * max, p50/p75/p90/p99), bytes read, socket errors (connect, read, write,
 * timeout), non-2xx/3xx responses. Throws when the report is not one.
 */
export function parseWrk(output) {
  const done = /(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)([KMGT]?)B read/.exec(output);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!done || !rate) throw new Error(`wrk: no report in its output:\n${output}`);
  const latency = /^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(output);
  const percentiles = {};
  for (const m of output.matchAll(/^\s+(50|75|90|99)(?:\.0+)?%\s+(\S+)/gm)) percentiles[m[1]] = parseTime(m[2]);
  // wrk sometimes prints "99%  0.00us" under deep pipelining, below its own
  // p50: a percentile lower than the one before it is not a measurement.
  let previous = 0;
  for (const key of ["50", "75", "90", "99"]) {
    if (percentiles[key] === undefined) continue;
    if (percentiles[key] < previous) percentiles[key] = null;
    else previous = percentiles[key];
  }
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const socketErrors = sock
    ? { connect: Number(sock[1]), read: Number(sock[2]), write: Number(sock[3]), timeout: Number(sock[4]) }
    : { connect: 0, read: 0, write: 0, timeout: 0 };
  return {
    requests: Number(done[1]),
    seconds: parseTime(`${done[2]}${done[3]}`) / 1000,
    bytesRead: Math.round(Number(done[4]) * SIZE_UNITS[done[5]]),
    reqPerSec: Number(rate[1]),
    latencyMs: {
      avg: latency ? parseTime(latency[1]) : null,
      max: latency ? parseTime(latency[3]) : null,
      p50: percentiles["50"] ?? null,
      p75: percentiles["75"] ?? null,
      p90: percentiles["90"] ?? null,
      p99: percentiles["99"] ?? null,
    },
    socketErrors,
    socketErrorsTotal: Object.values(socketErrors).reduce((a, b) => a + b, 0),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}

/** The wrk command line (argv) for one run. */
export function wrkArgs({ threads, connections, duration, pipeline, url, script, latency = true }) {
  const args = [];
  if (latency) args.push("--latency");
  args.push(`-t${threads}`, `-c${connections}`, `-d${duration}s`);
  if (pipeline > 1) args.push("-s", script);
  args.push(url);
  return args;
}

/** Runs wrk (behind `prefix`, e.g. taskset); resolves to { command, output, code }. */
export function runWrk({ prefix = [], args, env, timeoutMs }) {
  const argv = [...prefix, "wrk", ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => { clearTimeout(timer); reject(new Error(`cannot run ${argv.join(" ")}: ${error.message}`)); });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ command: argv.join(" "), output, code: code ?? signal });
    });
  });
}
