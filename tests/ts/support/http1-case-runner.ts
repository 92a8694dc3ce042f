// Runs one case of http1-cases.ts against a server listening on
// 127.0.0.1:port and checks everything the case says: the status lines (so
// that a request hidden behind ambiguous framing is seen if it is ever
// answered), each answer's status, version, body and fields, whether the
// server closed the connection, and that SMUGGLED was never answered.
// Server-neutral: `server` picks the named expectations of the case.
import { expect } from "vitest";

import { SMUGGLED_MARKER, type AnswerSpec, type CaseServer, type Http1Case } from "./http1-cases.js";
import { completeResponses, countStatusLines, parseAll, show, type HttpResponse } from "./http-responses.js";
import { bytes, exchange } from "./raw-client.js";

export interface Outcome {
  sent: Buffer;
  data: Buffer;
  closed: boolean;
  elapsedMs: number;
  responses: HttpResponse[];
  statusLines: number;
  /** Bytes sent and received, for failure messages. */
  ctx: string;
}

/** Sends the case's request and collects the answers (until the close, or until the answers are in and settled). */
export async function talk(port: number, c: Http1Case): Promise<Outcome> {
  const heads = c.heads ?? [];
  const wanted = c.closed ? undefined : c.answers.length;
  const reply = await exchange(port, c.request, {
    halfClose: c.halfClose,
    delayMs: c.delayMs,
    timeoutMs: c.timeoutMs ?? 5_000,
    until: wanted === undefined ? undefined : (data) => completeResponses(data, heads) >= wanted,
    settleMs: wanted === undefined ? undefined : c.settleMs ?? 300,
  });
  const sent = Buffer.concat((Array.isArray(c.request) ? c.request : [c.request]).map(bytes));
  const state = reply.closedByServer ? (reply.reset ? "reset by the server" : "closed by the server") : "still open";
  const ctx = `sent ${show(sent)}\ngot ${show(reply.data)} (${state}, ${reply.elapsedMs} ms)`;
  let responses: HttpResponse[];
  try {
    responses = parseAll(reply.data, heads, reply.closedByServer);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${ctx}`);
  }
  return { sent, data: reply.data, closed: reply.closedByServer, elapsedMs: reply.elapsedMs, responses, statusLines: countStatusLines(reply.data), ctx };
}

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function expectAnswer(r: HttpResponse, spec: AnswerSpec, server: CaseServer, i: number, ctx: string): void {
  const extra = spec.only?.[server];
  const headers = { ...spec.headers, ...extra?.headers };
  const headersNot = { ...spec.headersNot, ...extra?.headersNot };
  const counts = { ...spec.headerCounts, ...extra?.headerCounts };
  const body = extra?.body ?? spec.body;
  expect(r.status, `status of answer ${i}\n${ctx}`).toBe(spec.status);
  expect(r.version, `version of answer ${i}\n${ctx}`).toBe("HTTP/1.1");
  if (body !== undefined) expect(r.text, `body of answer ${i}\n${ctx}`).toBe(body);
  for (const [name, want] of Object.entries(headers)) {
    const got = r.header(name);
    const what = `${name} of answer ${i}\n${ctx}`;
    if (want === null) expect(got, what).toBeNull();
    else if (want instanceof RegExp) expect(got ?? "(absent)", what).toMatch(want);
    else expect(got, what).toBe(want);
  }
  for (const [name, not] of Object.entries(headersNot)) {
    expect(r.header(name) ?? "", `${name} of answer ${i}\n${ctx}`).not.toMatch(not);
  }
  for (const [name, n] of Object.entries(counts)) expect(r.headerCount(name), `${name} lines of answer ${i}\n${ctx}`).toBe(n);
  const allow = spec.allowIncludes ?? extra?.allowIncludes;
  if (allow) {
    const got = (r.header("allow") ?? "").split(",").map((m) => m.trim());
    expect(got, `Allow of answer ${i}\n${ctx}`).toEqual(expect.arrayContaining(allow));
  }
  if (spec.currentDate ?? extra?.currentDate) {
    expect(r.headerCount("date"), `one Date in answer ${i}\n${ctx}`).toBe(1);
    const date = r.header("date")!;
    expect(date, ctx).toMatch(IMF_FIXDATE);
    expect(Math.abs(Date.parse(date) - Date.now()), `Date of answer ${i} is now\n${ctx}`).toBeLessThan(5_000);
  }
}

/** Runs `c` against 127.0.0.1:port and checks it whole. */
export async function runCase(port: number, c: Http1Case, server: CaseServer): Promise<Outcome> {
  if (c.requestLongerThan !== undefined) {
    const length = (Array.isArray(c.request) ? c.request : [c.request]).reduce((n, part) => n + part.length, 0);
    expect(length, "the case's request").toBeGreaterThan(c.requestLongerThan);
  }
  const o = await talk(port, c);
  expect(o.statusLines, `status lines\n${o.ctx}`).toBe(c.answers.length);
  expect(o.responses.map((r) => r.status), o.ctx).toEqual(c.answers.map((a) => a.status));
  c.answers.forEach((spec, i) => expectAnswer(o.responses[i]!, spec, server, i, o.ctx));
  expect(o.closed, `${c.closed ? "server closes the connection" : "connection stays open"}\n${o.ctx}`).toBe(c.closed);
  if (c.hiddenAnswered === true) expect(o.data.includes(SMUGGLED_MARKER), `the hidden request is answered (a documented difference)\n${o.ctx}`).toBe(true);
  else expect(o.data.includes(SMUGGLED_MARKER), `the hidden request is never answered\n${o.ctx}`).toBe(false);
  for (const pattern of c.received ?? []) expect(o.data.toString("latin1"), o.ctx).toMatch(pattern);
  if (c.elapsedMs?.atLeast !== undefined) expect(o.elapsedMs, o.ctx).toBeGreaterThanOrEqual(c.elapsedMs.atLeast);
  if (c.elapsedMs?.below !== undefined) expect(o.elapsedMs, o.ctx).toBeLessThan(c.elapsedMs.below);
  return o;
}
