// The x86 instructions a command runs, counted by valgrind's callgrind (the
// "Collected" total it prints). The instruction benchmarks (bench:fetch,
// bench:router and bench:wasm in BENCH_MEASURE=instructions) each run a
// command twice, with and without the measured calls, and divide the
// difference: counts do not move with the machine's load as times do.
import { spawn } from "node:child_process";

/**
 * Runs `command args` under callgrind; resolves to its instruction count.
 * `valgrindArgs` go before the command (--smc-check=all for a JIT that
 * writes code where it has run code before); `label` names the run in
 * errors, which carry the end of its stderr.
 */
export function instructions(command, args, { valgrindArgs = [], env = process.env, label = command } = {}) {
  return new Promise((resolve, reject) => {
    const run = spawn("valgrind", ["--tool=callgrind", ...valgrindArgs, "--callgrind-out-file=/dev/null", command, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env,
    });
    let stderr = "";
    run.stderr.on("data", (chunk) => (stderr += chunk));
    run.on("error", (error) => reject(new Error(`valgrind: ${error.message} (apt-get install valgrind)`)));
    run.on("close", (status) => {
      const collected = /Collected : (\d+)/.exec(stderr);
      if (status !== 0 || !collected) reject(new Error(`callgrind on ${label}: ${stderr.slice(-2000)}`));
      else resolve(Number(collected[1]));
    });
  });
}
