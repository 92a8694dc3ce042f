import { errorResponse, internalError } from "../answer/errors.js";
import { answerResponse, answerHead, type HeaderField } from "../answer/head.js";
import { requestTarget } from "../routing/request-target.js";
import { wasmRouterFor } from "./router.js";

export interface WasmFetchOptions {
  /** An instance of router.wasm. */
  instance: WebAssembly.Instance;
  /** Send the request's headers as "name: value" lines (default false: no route reads them). */
  includeHeaders?: boolean;
  /** Send the request body (default false). */
  includeBody?: boolean;
  /** Largest body sent when includeBody is set; a larger one is answered 413, never cut. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface WasmFetch {
  fetch(request: Request): Promise<Response>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });  // a leading U+FEFF is text

/**
 * A fetch handler over router.wasm's compatibility ABI (`handle`): the request
 * goes in as text ("GET /path?q\n" [headers "\n" body]) and the answer comes
 * back as text ("200\ncontent-type: ...\n\nbody"). Slower than
 * createFastWasmFetch; kept for code written against @hotpath/server 0.1.0.
 */
export function createWasmFetch(options: WasmFetchOptions): WasmFetch {
  const router = wasmRouterFor(options.instance);
  const abi = router.exports;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;

  async function fetch(request: Request): Promise<Response> {
    let text = `${request.method} ${requestTarget(request.url)}\n`;
    if (options.includeHeaders) {
      request.headers.forEach((value, name) => {
        text += `${name}: ${value}\n`;
      });
    }
    let body = new Uint8Array(0);
    if (options.includeBody && request.body !== null) {
      body = new Uint8Array(await request.arrayBuffer());
      if (body.length > maxBodyBytes) return errorResponse(413, "", request.method === "HEAD");
    }
    const head = encoder.encode(options.includeHeaders || body.length > 0 ? text + "\n" : text);
    const input = new Uint8Array(head.length + body.length);
    input.set(head);
    input.set(body, head.length);
    const [ptr, length] = router.writeInput(input);
    const packed = abi.handle(ptr, length);
    const outPtr = Number(packed >> 32n);
    const outLen = Number(packed & 0xffffffffn);
    // handle returns 0 when memory cannot grow for the answer (abi/README.md):
    // a 500, like route_request's, rather than an exception.
    if (outLen === 0) return internalError();
    return parseCompatResponse(new Uint8Array(abi.memory.buffer, outPtr, outLen));
  }

  return { fetch };
}

/**
 * Parses "STATUS\nname: value\n...\n\nbody" into a Response, whose head
 * answer/head.ts makes from the parsed fields: content-type and allow as
 * they came, any other line as an extra field in order, and Content-Length
 * by its rules (the ABI sends "content-length" only for HEAD answers, which
 * have no body; none at all for 204 and 304, whatever the text says).
 */
export function parseCompatResponse(bytes: Uint8Array): Response {
  let lineStart = 0;
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (i === lineStart) {
      lineStart = i + 1;
      break;
    }
    lines.push(decoder.decode(bytes.subarray(lineStart, i)));
    lineStart = i + 1;
  }
  const [statusLine = "500", ...headerLines] = lines;
  let contentType = "";
  let allow = "";
  let headLength = -1;
  const fields: HeaderField[] = [];
  for (const line of headerLines) {
    const colon = line.indexOf(": ");
    const name = line.slice(0, colon);
    const value = line.slice(colon + 2);
    if (name === "content-type") contentType = value;
    else if (name === "allow") allow = value;
    else if (name === "content-length") headLength = Number(value);
    else fields.push([name, value]);
  }
  const body = bytes.slice(lineStart);
  const head = headLength >= 0;
  // As it always was: Content-Length on every answer that has one.
  return answerResponse(answerHead(Number(statusLine), contentType, allow, head ? headLength : body.length, head, fields), body, true);
}
