// One request at a time on a keep-alive connection, reconnecting when the
// server closed the previous one (the vector suites' client).
import { parseResponses, show, type HttpResponse, type ParsedStream } from "./http-responses.js";
import { RawClient, type Bytes } from "./raw-client.js";

class ClosedWithoutAnswer extends Error {
  constructor(readonly received: Buffer) {
    super(`connection closed by the server without a complete answer; received ${show(received)}`);
  }
}

/**
 * A keep-alive connection that sends one request at a time and reads its
 * answer, reconnecting when the server closed the previous connection.
 */
export class SequentialClient {
  private client: RawClient | undefined;
  private offset = 0;

  constructor(private readonly port: number) {}

  async request(data: Bytes, isHead: boolean, timeoutMs = 5_000): Promise<HttpResponse> {
    const reused = this.client !== undefined && !this.client.closedByServer && !this.client.closed;
    try {
      return await this.attempt(data, isHead, timeoutMs);
    } catch (error) {
      // The server may close a kept-alive connection between two requests
      // (idle or error close); only then is one retry on a new connection fair.
      if (reused && error instanceof ClosedWithoutAnswer && error.received.length === 0) {
        return this.attempt(data, isHead, timeoutMs);
      }
      throw error;
    }
  }

  private async attempt(data: Bytes, isHead: boolean, timeoutMs: number): Promise<HttpResponse> {
    if (this.client === undefined || this.client.closedByServer || this.client.closed) {
      this.client?.destroy();
      this.client = await RawClient.connect(this.port);
      this.offset = 0;
    }
    const client = this.client;
    await client.write(data);
    let parsed: ParsedStream = { responses: [], rest: Buffer.alloc(0) };
    const finalCount = () => parsed.responses.filter((r) => r.status >= 200).length;
    const got = await client.waitFor(() => {
      parsed = parseResponses(client.data.subarray(this.offset), [isHead], client.closedByServer);
      return finalCount() >= 1;
    }, timeoutMs);
    if (!got) {
      parsed = parseResponses(client.data.subarray(this.offset), [isHead], true);
    }
    const answer = parsed.responses.find((r) => r.status >= 200);
    if (!answer) {
      const received = client.data.subarray(this.offset);
      const closed = client.closedByServer;
      client.destroy();
      this.client = undefined;
      if (closed) throw new ClosedWithoutAnswer(received);
      throw new Error(`no answer within ${timeoutMs} ms; received ${show(received)}`);
    }
    const used = parsed.responses.slice(0, parsed.responses.indexOf(answer) + 1).reduce((n, r) => n + r.raw.length, 0);
    this.offset += used;
    if (answer.header("connection")?.toLowerCase().includes("close")) {
      // Announced close: never send the next request on this connection.
      client.destroy();
      this.client = undefined;
    }
    return answer;
  }

  close(): void {
    this.client?.destroy();
    this.client = undefined;
  }
}
