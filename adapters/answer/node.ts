/**
 * Writing an answer straight to node:http, without a Request or a Response
 * (listen-node.ts's direct path): the same head as answerHeaders, here with
 * Content-Length always (Node would otherwise send the body chunked).
 * Typed structurally so that nothing here imports node:http.
 */
import type { Answer } from "./head.js";

export interface NodeResponse {
  statusCode: number;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  end(body?: string): unknown;
}

export function writeAnswer(res: NodeResponse, answer: Answer): void {
  const head = answer.head;
  res.statusCode = head.status;
  if (head.contentType !== "") res.setHeader("content-type", head.contentType);
  if (head.allow !== "") res.setHeader("allow", head.allow);
  if (head.contentLength >= 0) res.setHeader("content-length", head.contentLength);
  if (head.fields.length > 0) {
    // A name given twice is two header lines, in order.
    const byName = new Map<string, string[]>();
    for (const [name, value] of head.fields) {
      const key = name.toLowerCase();
      const values = byName.get(key);
      if (values === undefined) byName.set(key, [value]);
      else values.push(value);
    }
    for (const [name, values] of byName) res.setHeader(name, values.length === 1 ? values[0]! : values);
  }
  if (head.sendsBody) res.end(answer.body);
  else res.end();
}
