// Process-tree measurements from /proc (Linux).
//
// The tree of a server is every process whose parent chain leads to its root
// pid, plus every process in the root's process group (the suite starts each
// server detached, so its pid is the group id; this also keeps processes
// whose intermediate parent has exited).
//
// CPU: utime + stime + cutime + cstime (fields 14-17 of /proc/<pid>/stat,
// in clock ticks) summed over the tree. cutime/cstime hold the CPU time of
// children that have exited and been waited for, so a worker that exits during
// a run still counts, and nothing counts twice (a reaped child is no longer in
// the tree). The difference before/after a run is the server's CPU time.
//
// Memory: the sum of VmRSS over the tree, sampled (every 200 ms) during each
// run, maximum kept. Not the sum of VmHWM: each process reaches its own high
// water mark at a different moment (wrangler's bundler at start-up, a worker
// at load), and their sum is a peak that never existed; the sampled sum is the
// peak of memory actually held at once while serving. Pages shared between
// processes of the tree (nginx or cluster workers after fork) are counted in
// each process, as VmRSS does.
import { readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

export const CLOCK_TICKS = (() => {
  try { return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100; } catch { return 100; }
})();

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");  // the command name may contain spaces and parentheses
    const f = text.slice(close + 2).split(" ");  // f[0] is field 3 (state)
    return {
      pid: Number(pid), state: f[0], ppid: Number(f[1]), pgid: Number(f[2]),
      ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
    };
  } catch {
    return null;  // exited meanwhile
  }
}

function allStats() {
  const stats = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(name);
    if (s) stats.push(s);
  }
  return stats;
}

/** Live processes of root's tree (descendants and root's process group), without zombies. */
export function treeStats(root) {
  const stats = allStats();
  const children = new Map();
  for (const s of stats) {
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(s);
  }
  const found = new Map();
  const queue = stats.filter((s) => s.pid === root || s.pgid === root);
  while (queue.length) {
    const s = queue.pop();
    if (found.has(s.pid)) continue;
    found.set(s.pid, s);
    queue.push(...(children.get(s.pid) ?? []));
  }
  return [...found.values()];
}

export function treePids(root) {
  return treeStats(root).filter((s) => s.state !== "Z").map((s) => s.pid);
}

/** CPU clock ticks used so far by root's tree (see above). */
export function treeTicks(root) {
  return treeStats(root).reduce((sum, s) => sum + s.ticks, 0);
}

function statusKb(pid, field) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Sum of VmRSS (kB) over root's tree now. */
export function treeRssKb(root) {
  return treeStats(root).reduce((sum, s) => sum + statusKb(s.pid, "VmRSS"), 0);
}

/** Samples treeRssKb every intervalMs until stop() is called; stop() returns the maximum. */
export function sampleRss(root, intervalMs = 200) {
  let peak = treeRssKb(root);
  const timer = setInterval(() => { peak = Math.max(peak, treeRssKb(root)); }, intervalMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, treeRssKb(root));
  };
}

/** The CPUs this process may run on, e.g. [0, 1]. */
export function allowedCpus() {
  try {
    const m = readFileSync("/proc/self/status", "utf8").match(/^Cpus_allowed_list:\s*(.+)$/m);
    if (m) return parseCpuList(m[1].trim());
  } catch { /* not Linux */ }
  return [];
}

/** "0-3,6" -> [0, 1, 2, 3, 6] */
export function parseCpuList(text) {
  const cpus = [];
  for (const part of text.split(",")) {
    const m = part.trim().match(/^(\d+)(?:-(\d+))?$/);
    if (!m) throw new Error(`bad CPU list '${text}'`);
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new Error(`bad CPU list '${text}'`);
    for (let c = a; c <= b; c++) cpus.push(c);
  }
  return cpus;
}

export function formatCpuList(cpus) {
  const parts = [];
  for (let i = 0; i < cpus.length; i++) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) j++;
    parts.push(i === j ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j;
  }
  return parts.join(",");
}
