/**
 * The limits every Hotpath listener holds: hotpath-server's flags
 * (native/README.md, native/cli.cpp) under their camelCase names, with the
 * same defaults and the same ranges. HotpathServer.listen() on Node and Bun
 * and CServer (which passes them on as the flags) take them as options; the
 * table of what each one does on each runtime is in SECURITY.md.
 */

export interface ServerLimits {
  /** Open connections at most; more are closed at once (`--max-connections`). */
  maxConnections: number;
  /** Request line plus header section, in bytes; over it: 431 (`--max-header-bytes`). */
  maxHeaderBytes: number;
  /** Request body, in bytes; over it: 413 (`--max-body-bytes`). */
  maxBodyBytes: number;
  /** Time to receive a whole request head once its first byte arrived: 408 and close (`--header-timeout-ms`). */
  headerTimeoutMs: number;
  /** A keep-alive connection with no request in progress, or a body that stopped arriving: closed (`--idle-timeout-ms`). */
  idleTimeoutMs: number;
  /** A response that makes no progress (the client is not reading): closed (`--write-timeout-ms`). */
  writeTimeoutMs: number;
}

export type LimitName = keyof ServerLimits;

/** hotpath-server's defaults (native/server_config.h, native/limits.h). */
/**
 * The accept queue the node:http listener asks of listen(), as hotpath-server
 * does (native/limits.h, kListenBacklog): Node's own default, 511, drops the
 * SYNs of a burst of connections, which then wait seconds for their retry.
 */
export const LISTEN_BACKLOG = 4096;

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxConnections: 10_000,
  maxHeaderBytes: 16_384,
  maxBodyBytes: 1_048_576,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  writeTimeoutMs: 30_000,
});

/** Each limit's flag of hotpath-server. */
export const LIMIT_FLAGS: Readonly<Record<LimitName, string>> = Object.freeze({
  maxConnections: "--max-connections",
  maxHeaderBytes: "--max-header-bytes",
  maxBodyBytes: "--max-body-bytes",
  headerTimeoutMs: "--header-timeout-ms",
  idleTimeoutMs: "--idle-timeout-ms",
  writeTimeoutMs: "--write-timeout-ms",
});

// The ranges native/cli.cpp accepts, so that a value one listener takes
// every listener takes.
const RANGES: Readonly<Record<LimitName, readonly [number, number]>> = {
  maxConnections: [1, 10_000_000],
  maxHeaderBytes: [256, 1 << 24],
  maxBodyBytes: [0, 2 ** 40],
  headerTimeoutMs: [1, 86_400_000],
  idleTimeoutMs: [1, 86_400_000],
  writeTimeoutMs: [1, 86_400_000],
};

export const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as LimitName[];

/** The limits given in `options` (undefined: the default), each checked against its range: a RangeError names the option. */
export function limitsOf(options: Partial<Record<LimitName, number | undefined>>): ServerLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const name of LIMIT_NAMES) {
    const value = options[name];
    if (value === undefined) continue;
    const [min, max] = RANGES[name];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
    }
    limits[name] = value;
  }
  return limits;
}

/** Which of the limits were given explicitly (not left to the default). */
export function givenLimits(options: Partial<Record<LimitName, number | undefined>>): LimitName[] {
  return LIMIT_NAMES.filter((name) => options[name] !== undefined);
}
