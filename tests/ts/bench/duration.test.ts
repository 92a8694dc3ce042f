// The bench scripts' durations: wrk's forms (a bare number of seconds, or
// s, m, h), in JavaScript (bench/suite/duration.mjs) and in the shell
// scripts (bench/lib.sh), which must agree.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

import { parseDuration } from "../../../bench/suite/duration.mjs";
import { root } from "../support/node-files.js";

const shell = (value: string) =>
  spawnSync("bash", ["-c", 'source bench/lib.sh; duration_seconds WRK_DURATION "$1"', "-", value], { cwd: root, encoding: "utf8" });

describe("durations", () => {
  it.each([
    ["10", 10],
    ["10s", 10],
    ["2m", 120],
    ["1h", 3600],
    [" 5s ", 5],
  ])("%s is %d seconds in both", (text, seconds) => {
    expect(parseDuration("WRK_DURATION", text, { min: 1, whole: true })).toBe(seconds);
    const r = shell(text.trim());
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(String(seconds));
  });

  it.each(["", "x", "10x", "-1", "1.5", "0", "1e3", "s"])("%j is refused by both, with the forms named", (text) => {
    const js = parseDuration("WRK_DURATION", text, { min: 1, whole: true });
    expect(js).toBeInstanceOf(Error);
    expect((js as Error).message).toBe(
      `WRK_DURATION must be a duration as wrk takes it (10, 10s, 2m or 1h, at least 1s, a whole number of seconds), not '${text}'`,
    );
    const r = shell(text);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`WRK_DURATION must be a duration as wrk takes it (10, 10s, 2m or 1h, at least 1s), not '${text}'`);
  });

  it("fractions where the duration is not wrk's (BENCH_SECONDS of the in-process benchmarks)", () => {
    expect(parseDuration("BENCH_SECONDS", "0.5", { min: 0.001 })).toBe(0.5);
    expect(parseDuration("BENCH_SECONDS", "0.5s", { min: 0.001 })).toBe(0.5);
    expect(parseDuration("BENCH_SECONDS", "1m", { min: 0.001 })).toBe(60);
    expect(parseDuration("BENCH_SECONDS", "0", { min: 0.001 })).toBeInstanceOf(Error);
  });
});
