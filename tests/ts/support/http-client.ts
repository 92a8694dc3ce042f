/**
 * fetch() over loopback without the client's own rewriting of the target:
 * what the WHATWG URL parser makes of the URL (path and query: what Node's
 * fetch sends), written by node:http as it is, answered as a Response with
 * the fields as received. Bun's fetch drops a leading "//" from the path
 * (http://h//x goes out as "GET /x": tests/ts/README.md), so the suites that
 * run under both runtimes send requests through this.
 */
import { request } from "node:http";

export function httpFetch(url: string, init: { method?: string; headers?: readonly (readonly [string, string])[] } = {}): Promise<Response> {
  const parsed = new URL(url);
  const method = init.method ?? "GET";
  // Several fields of one name go out as several lines, in order.
  const headers: Record<string, string[]> = {};
  for (const [name, value] of init.headers ?? []) (headers[name.toLowerCase()] ??= []).push(value);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: parsed.hostname, port: parsed.port, method, path: `${parsed.pathname}${parsed.search}`, agent: false, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const status = res.statusCode ?? 0;
          const body = method === "HEAD" || status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, statusText: res.statusMessage ?? "", headers }));
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}
