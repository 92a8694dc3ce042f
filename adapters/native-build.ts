/// <reference types="node" />
// tsconfig.build.json loads no global types; this module is Node/Bun only
// (reached from @hotpath/server/c and the hotpath command, never from a Worker).
/**
 * Where CServer and `hotpath serve` find hotpath-server: HOTPATH_SERVER_BINARY
 * (checked by the caller), else build/hotpath-server of a repository checkout
 * (`make native`), else a binary built on first use from the sources the
 * package ships (router/, native/ and the source lists of CMakeLists.txt)
 * with the system C++ compiler, and cached outside node_modules:
 * $HOTPATH_CACHE_DIR, else $XDG_CACHE_HOME/hotpath, else ~/.cache/hotpath,
 * one folder per key (a hash of every source and header, the flags, and the
 * compiler's identity), so an upgrade or another compiler builds afresh.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { availableParallelism, homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The CMake targets hotpath-server is linked from, and their compile flags (as CMakeLists.txt gives them). */
const TARGETS: readonly { name: string; flags: readonly string[] }[] = [
  { name: "hotpath_router", flags: ["-ffreestanding", "-fno-exceptions", "-fno-rtti"] },
  { name: "hotpath_http", flags: [] },
  { name: "hotpath_session", flags: [] },
  { name: "hotpath-server", flags: [] },
];
// CMake's Release build (CMAKE_BUILD_TYPE=Release) with the warnings of CMakeLists.txt.
const COMMON_FLAGS = ["-std=c++17", "-O3", "-DNDEBUG", "-Wall", "-Wextra", "-pthread", "-Irouter", "-Inative"];
const BINARY = "hotpath-server";

/** Progress lines go here (stderr by default). */
export type Progress = (line: string) => void;

export interface NativeBuildOptions {
  /** The package (or repository) root holding router/, native/ and CMakeLists.txt. Default: this package's. */
  root?: string;
  /** The cache folder. Default: $HOTPATH_CACHE_DIR, $XDG_CACHE_HOME/hotpath or ~/.cache/hotpath. */
  cacheDir?: string;
  /** The C++ compiler. Default: $CXX, else c++. */
  compiler?: string;
  progress?: Progress;
}

/** The failure of a build, with what to do about it. */
export class NativeBuildError extends Error {
  override readonly name = "NativeBuildError";
}

const stderrProgress: Progress = (line) => process.stderr.write(`${line}\n`);

/**
 * The hotpath-server to run: a repository's build/hotpath-server when there
 * is one, else the cached build of the shipped sources, built now if missing.
 */
export async function hotpathServerBinary(options: NativeBuildOptions = {}): Promise<string> {
  const root = options.root ?? (await packageRoot());
  const checkout = join(root, "build", BINARY);
  if (await executable(checkout)) return checkout;
  return buildHotpathServer({ ...options, root });
}

/** Builds hotpath-server from the sources under `root` into the cache (once per key) and returns its path. */
export async function buildHotpathServer(options: NativeBuildOptions = {}): Promise<string> {
  const root = options.root ?? (await packageRoot());
  const progress = options.progress ?? stderrProgress;
  if (process.platform !== "linux") {
    throw new NativeBuildError(
      `hotpath-server is a Linux server (epoll) and cannot be built on ${process.platform}: ` +
        "serve with HotpathServer (Bun, Node) or router.wasm instead, or run it on Linux",
    );
  }
  const { compiler, identity, sources, cache, folder } = await plan({ ...options, root });
  const binary = join(folder, BINARY);
  if (await executable(binary)) return binary;

  const started = Date.now();
  progress(`hotpath: building ${BINARY} from source (first use, cached in ${folder})`);
  progress(`hotpath: ${identity.version}`);
  await mkdir(cache, { recursive: true });
  const work = join(cache, `.build-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(work, { recursive: true });
  try {
    const objects = await compileAll(compiler, root, sources, work, progress);
    progress(`hotpath: linking ${BINARY}`);
    await run(compiler, ["-pthread", ...objects, "-o", join(work, BINARY)], root, "linking hotpath-server");
    for (const object of objects) await rm(object, { force: true });
    try {
      await rename(work, folder);
    } catch (error) {
      // Another process finished the same build first: use its copy.
      if (!(await executable(binary))) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  progress(`hotpath: built ${binary} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return binary;
}

/** The folder the build of the sources under `root` with this compiler lives in (built or not). */
export async function hotpathServerCacheFolder(options: NativeBuildOptions = {}): Promise<string> {
  return (await plan({ ...options, root: options.root ?? (await packageRoot()) })).folder;
}

async function plan(options: NativeBuildOptions & { root: string }) {
  const compiler = options.compiler ?? (process.env["CXX"] || "c++");
  const identity = compilerIdentity(compiler);
  const sources = await serverSources(options.root);
  const key = await buildKey(options.root, sources, identity);
  const cache = options.cacheDir ?? cacheDirectory();
  return { compiler, identity, sources, cache, folder: join(cache, `${BINARY}-${key}`) };
}

/** $HOTPATH_CACHE_DIR, else $XDG_CACHE_HOME/hotpath, else ~/.cache/hotpath. */
export function cacheDirectory(): string {
  const own = process.env["HOTPATH_CACHE_DIR"];
  if (own) return own;
  const xdg = process.env["XDG_CACHE_HOME"];
  return join(xdg ? xdg : join(homedir(), ".cache"), "hotpath");
}

interface Source {
  file: string;  // relative to root
  flags: readonly string[];
}

/** The .cpp files of the three targets, read from CMakeLists.txt (the one list of them). */
export async function serverSources(root: string): Promise<Source[]> {
  let cmake: string;
  try {
    cmake = await readFile(join(root, "CMakeLists.txt"), "utf8");
  } catch {
    throw new NativeBuildError(`cannot build hotpath-server: ${join(root, "CMakeLists.txt")} is missing (the package is incomplete)`);
  }
  const sources: Source[] = [];
  for (const target of TARGETS) {
    const block = new RegExp(`add_(?:library|executable)\\(\\s*${target.name.replace("-", "\\-")}\\s([^)]*)\\)`).exec(cmake);
    if (block === null) throw new NativeBuildError(`cannot build hotpath-server: CMakeLists.txt has no target ${target.name}`);
    for (const word of block[1]!.split(/\s+/)) {
      if (word.endsWith(".cpp")) sources.push({ file: word, flags: target.flags });
    }
  }
  return sources;
}

interface CompilerIdentity {
  version: string;
  machine: string;
}

function compilerIdentity(compiler: string): CompilerIdentity {
  const version = spawnSync(compiler, ["--version"], { encoding: "utf8" });
  if (version.error !== undefined) {
    const code = (version.error as NodeJS.ErrnoException).code;
    throw new NativeBuildError(
      code === "ENOENT"
        ? `hotpath-server is built from source on first use and needs a C++17 compiler, but \`${compiler}\` was not found: ` +
            "install one (Debian/Ubuntu: apt-get install g++; Fedora: dnf install gcc-c++; Alpine: apk add g++ linux-headers) " +
            "or set CXX to yours; or set HOTPATH_SERVER_BINARY to a hotpath-server you built"
        : `cannot run the C++ compiler \`${compiler}\`: ${version.error.message}`,
    );
  }
  if (version.status !== 0) throw new NativeBuildError(`\`${compiler} --version\` failed: ${version.stderr.trim()}`);
  const machine = spawnSync(compiler, ["-dumpmachine"], { encoding: "utf8" });
  return { version: version.stdout.split("\n")[0]!.trim(), machine: machine.stdout?.trim() ?? "" };
}

async function buildKey(root: string, sources: Source[], identity: CompilerIdentity): Promise<string> {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ identity, common: COMMON_FLAGS, sources }));
  // Every header too: a change in one rebuilds.
  const headers: string[] = [];
  for (const dir of ["router", "native"]) {
    for (const name of (await readdir(join(root, dir))).sort()) if (name.endsWith(".h")) headers.push(`${dir}/${name}`);
  }
  for (const file of [...sources.map((s) => s.file), ...headers]) {
    hash.update(`\0${file}\0`);
    hash.update(await readFile(join(root, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function compileAll(compiler: string, root: string, sources: Source[], work: string, progress: Progress): Promise<string[]> {
  const objects = sources.map((s, i) => join(work, `${i}-${s.file.replace(/[/\\]/g, "_")}.o`));
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async () => {
    while (next < sources.length && !failed) {
      const i = next++;
      const source = sources[i]!;
      try {
        await run(compiler, [...COMMON_FLAGS, ...source.flags, "-c", source.file, "-o", objects[i]!], root, source.file);
      } catch (error) {
        failed = true;  // the first error is the one reported; start nothing more
        throw error;
      }
      progress(`hotpath: [${++done}/${sources.length}] ${source.file}`);
    }
  };
  // Every compiler exits before the work folder can be removed.
  const results = await Promise.allSettled(Array.from({ length: Math.min(availableParallelism(), sources.length) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  return objects;
}

function run(compiler: string, args: string[], cwd: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(compiler, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let output = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (output += chunk));
    child.once("error", (error) => reject(new NativeBuildError(`cannot run ${compiler}: ${error.message}`)));
    child.once("close", (code) => {
      if (code === 0) resolve();
      else reject(new NativeBuildError(explainFailure(compiler, what, output)));
    });
  });
}

/** A compiler failure in one line first (a missing header named), then the compiler's own output. */
function explainFailure(compiler: string, what: string, output: string): string {
  const header = /fatal error: ([^\s:]+): No such file or directory|fatal error: '([^']+)' file not found/.exec(output);
  const missing = header?.[1] ?? header?.[2];
  const summary =
    missing !== undefined
      ? `building hotpath-server failed: the header <${missing}> is missing (${what}). hotpath-server needs Linux ` +
        "and a C++17 standard library: install your distribution's C++ development packages (Debian/Ubuntu: apt-get install g++; " +
        "Alpine: apk add g++ linux-headers)"
      : `building hotpath-server failed with ${compiler} (${what})`;
  return `${summary}\n${output.trim()}`;
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * This package's root: the nearest folder above this module with the
 * package.json of @hotpath/server (adapters/ from source, dist/adapters/
 * once compiled).
 */
export async function packageRoot(): Promise<string> {
  let dir = new URL(".", import.meta.url);
  if (dir.protocol !== "file:") {
    throw new NativeBuildError("cannot locate the @hotpath/server package from a non-file module URL: pass options.binary or set HOTPATH_SERVER_BINARY");
  }
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(new URL("package.json", dir), "utf8")) as { name?: unknown };
      if (manifest.name === "@hotpath/server") return fileURLToPath(dir);
    } catch {
      // no (readable) package.json here: keep walking up
    }
    const parent = new URL("..", dir);
    if (parent.href === dir.href) {
      throw new NativeBuildError("cannot find the @hotpath/server package root: pass options.binary or set HOTPATH_SERVER_BINARY");
    }
    dir = parent;
  }
}
