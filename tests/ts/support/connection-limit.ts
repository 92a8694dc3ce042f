// The connection limit as every server that has one must hold it (hotpath-
// server's --max-connections, listen()'s maxConnections): with `limit`
// connections open and answered, one more is closed at once without an
// answer; once one of them closes, a new connection is served again.
import { expect } from "vitest";

import { GET } from "./http1-cases.js";
import { completeResponses, parseAll, show } from "./http-responses.js";
import { RawClient, sleep } from "./raw-client.js";

export async function expectConnectionLimit(port: number, limit: number): Promise<void> {
  const clients: RawClient[] = [];
  try {
    for (let i = 0; i < limit; ++i) {
      const c = await RawClient.connect(port);
      clients.push(c);
      await c.write(GET(`/hello/m${i}`));
      expect(await c.waitFor(() => completeResponses(c.data) >= 1, 5_000), `connection ${i}: ${show(c.data)}`).toBe(true);
    }
    const extra = await RawClient.connect(port);
    clients.push(extra);
    await extra.write(GET("/hello/extra"));
    expect(await extra.waitForClose(3_000), "the connection over the limit is closed").toBe(true);
    expect(extra.data.length, `no answer over the limit: ${show(extra.data)}`).toBe(0);
    clients[0]!.destroy();
    let served = false;
    for (let i = 0; i < 30 && !served; ++i) {
      await sleep(100);
      const c = await RawClient.connect(port);
      clients.push(c);
      await c.write(GET("/hello/again"));
      served = (await c.waitFor(() => completeResponses(c.data) >= 1, 1_000)) && parseAll(c.data, false, false)[0]?.text === "hello again";
      c.destroy();
    }
    expect(served, "a connection is served again once one closed").toBe(true);
  } finally {
    for (const c of clients) c.destroy();
  }
}
