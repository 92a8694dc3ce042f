// hotpath-server built on first use (adapters/native-build.ts): what keys the
// cache, and errors that name what is missing. The build itself, from the
// installed tarball, is tests/package's.
import { appendFileSync, chmodSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { buildHotpathServer, cacheDirectory, hotpathServerCacheFolder, NativeBuildError, serverSources } from "../../../adapters/native-build.js";
import { root } from "../support/node-files.js";

const temp = mkdtempSync(join(tmpdir(), "hotpath-native-build-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A copy of what the package ships for the build. */
function sourceCopy(name: string): string {
  const dir = join(temp, name);
  for (const part of ["router", "native", "CMakeLists.txt"]) cpSync(join(root, part), join(dir, part), { recursive: true });
  return dir;
}

/** A compiler wrapper that calls itself `version` and runs the system c++. */
function compilerCalled(version: string): string {
  const path = join(temp, `cxx-${version.replace(/\W/g, "_")}`);
  writeFileSync(path, `#!/bin/sh\n[ "$1" = --version ] && { echo "${version}"; exit 0; }\nexec c++ "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("hotpath-server built on first use", () => {
  it("compiles the source lists of CMakeLists.txt: every target hotpath-server links", async () => {
    const files = (await serverSources(root)).map((s) => s.file);
    // Every source of router/ and native/ but the table checker's: a new
    // file or library in CMakeLists.txt that the first-use build misses fails here.
    const expected = ["router", "native"].flatMap((dir) =>
      readdirSync(join(root, dir)).filter((f) => f.endsWith(".cpp") && f !== "check_routes.cpp").map((f) => `${dir}/${f}`),
    );
    expect([...files].sort()).toEqual(expected.sort());
    expect(files).toContain("router/match.cpp");
    expect(files).toContain("native/http_parser.cpp");
    expect(files).toContain("native/main.cpp");
    expect(files).not.toContain("native/check_routes.cpp");  // another program
    const router = (await serverSources(root)).filter((s) => s.file.startsWith("router/"));
    for (const s of router) expect(s.flags).toEqual(["-ffreestanding", "-fno-exceptions", "-fno-rtti"]);
  });

  it("caches by sources, headers and compiler: any change is another folder", async () => {
    const options = { cacheDir: join(temp, "cache"), compiler: compilerCalled("c++ 1.0") };
    const dir = sourceCopy("key");
    const first = await hotpathServerCacheFolder({ ...options, root: dir });
    expect(await hotpathServerCacheFolder({ ...options, root: dir })).toBe(first);
    expect(first.startsWith(join(temp, "cache", "hotpath-server-"))).toBe(true);
    appendFileSync(join(dir, "router", "router.h"), "\n");
    const header = await hotpathServerCacheFolder({ ...options, root: dir });
    expect(header).not.toBe(first);
    appendFileSync(join(dir, "native", "event_loop.cpp"), "\n");
    const source = await hotpathServerCacheFolder({ ...options, root: dir });
    expect(new Set([first, header, source]).size).toBe(3);
    expect(await hotpathServerCacheFolder({ ...options, root: dir, compiler: compilerCalled("c++ 2.0") })).not.toBe(source);
  });

  it("lives outside node_modules: $HOTPATH_CACHE_DIR, else $XDG_CACHE_HOME/hotpath, else ~/.cache/hotpath", () => {
    const saved = { own: process.env["HOTPATH_CACHE_DIR"], xdg: process.env["XDG_CACHE_HOME"] };
    try {
      delete process.env["HOTPATH_CACHE_DIR"];
      process.env["XDG_CACHE_HOME"] = "/x/cache";
      expect(cacheDirectory()).toBe("/x/cache/hotpath");
      delete process.env["XDG_CACHE_HOME"];
      expect(cacheDirectory()).toMatch(/\/\.cache\/hotpath$/);
      process.env["HOTPATH_CACHE_DIR"] = "/y";
      expect(cacheDirectory()).toBe("/y");
    } finally {
      for (const [name, value] of [["HOTPATH_CACHE_DIR", saved.own], ["XDG_CACHE_HOME", saved.xdg]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("names a missing compiler and what to install", async () => {
    const build = buildHotpathServer({ root, cacheDir: join(temp, "cache"), compiler: "/nonexistent/c++", progress: () => {} });
    await expect(build).rejects.toThrow(NativeBuildError);
    await expect(build).rejects.toThrow(/needs a C\+\+17 compiler, but `\/nonexistent\/c\+\+` was not found: install one \(Debian\/Ubuntu: apt-get install g\+\+/);
  });

  it("names a missing header and the file that wanted it, with the compiler's own words after", async () => {
    const dir = sourceCopy("header");
    const first = (await serverSources(dir))[0]!.file;
    appendFileSync(join(dir, first), "\n#include <hotpath_no_such_header.h>\n");
    const lines: string[] = [];
    const build = buildHotpathServer({ root: dir, cacheDir: join(temp, "cache"), progress: (l) => lines.push(l) });
    await expect(build).rejects.toThrow(new RegExp(`the header <hotpath_no_such_header\\.h> is missing \\(${first.replace(".", "\\.")}\\)`));
    await expect(build).rejects.toThrow(/fatal error: hotpath_no_such_header\.h/);
    expect(lines[0]).toMatch(/^hotpath: building hotpath-server from source \(first use, cached in /);
  });
});
