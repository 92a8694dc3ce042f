// Durations as wrk's -d takes them, the forms the original README writes:
// a bare number of seconds ("10"), or a number with s, m or h ("10s", "2m",
// "1h"). Every duration a bench script reads goes through here.
const UNIT_SECONDS = { "": 1, s: 1, m: 60, h: 3600 };
const FORM = /^(\d+(?:\.\d+)?)(s|m|h)?$/;

/**
 * Seconds for `text`, or an Error naming `name` and the forms it takes.
 * whole: the result must be a whole number of seconds (it goes to wrk).
 */
export function parseDuration(name, text, { min = 0, whole = false } = {}) {
  const m = FORM.exec(String(text).trim());
  const seconds = m ? Number(m[1]) * UNIT_SECONDS[m[2] ?? ""] : NaN;
  const forms = whole ? "10, 10s, 2m or 1h" : "10, 0.5, 10s, 2m or 1h";
  if (!Number.isFinite(seconds) || seconds < min || (whole && !Number.isInteger(seconds))) {
    const at = min > 0 ? `, at least ${min}s` : "";
    const unit = whole ? ", a whole number of seconds" : "";
    return new Error(`${name} must be a duration as wrk takes it (${forms}${at}${unit}), not '${text}'`);
  }
  return seconds;
}

/** The duration in env[name] (default when unset or empty), in seconds; throws the Error above. */
export function envDuration(name, fallback, options = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const seconds = parseDuration(name, raw, options);
  if (seconds instanceof Error) throw seconds;
  return seconds;
}
