/**
 * From a handler's call to the Response that goes out, for every host that
 * runs HotpathServer handlers (HotpathServer on its own router, and
 * router.wasm's fetch for handler routes): one way, so a handler answers
 * alike on both.
 *
 * A handler's Response goes out as it is when nothing has to change in it;
 * c.header() and the directives' fields are put on it (in place when the
 * Context made it, synchronously either way); HEAD and 204/304 answers are
 * fixed up (answer/finish.ts), which may need to read the body. A throw or a
 * rejection is onError's to answer, and then only the default 500.
 */
import { finish, finishedAlready } from "../answer/finish.js";
import { internalError } from "../answer/errors.js";
import type { Context } from "./context.js";
import type { ErrorHandler, Handler } from "./types.js";

/** Never throws: the app's onError, wrapped with the default 500. */
export type SafeErrorHandler = (error: unknown, c: Context) => Promise<Response>;

/** onError as the app has it now (`current` is read per failure: onError may be set after routes). */
export function safeErrorHandler(current: () => ErrorHandler | null): SafeErrorHandler {
  return async (error, c) => {
    const handler = current();
    if (handler === null) {
      console.error(error);
      return internalError();
    }
    try {
      const answer = await handler(error instanceof Error ? error : new Error(String(error)), c);
      if (answer instanceof Response) return answer;
    } catch {
      // onError itself failed: the default answer, still without detail
    }
    return internalError();
  };
}

/** Calls a handler with no middleware around it; `head`: the request is HEAD. */
export function callHandler(handler: Handler, c: Context, head: boolean, onError: SafeErrorHandler): Response | Promise<Response> {
  let answer: unknown;
  try {
    answer = handler(c);
  } catch (error) {
    return failed(error, c, head, onError);
  }
  if (answer instanceof Response) {
    // text(), json() and html() answers need no look at their status.
    if (!c.hasHeaderOps && (head ? finishedAlready(answer, head) : c.madeWithBody(answer) || finishedAlready(answer, head))) return answer;
    c.res = answer;
    if (!head) {
      try {
        const final = c.finalResponse();
        if (finishedAlready(final, false)) return final;
      } catch {
        // settle answers it
      }
    }
    return settle(c, head, onError);
  }
  return awaitAnswer(answer, c, head, onError);
}

async function awaitAnswer(answer: unknown, c: Context, head: boolean, onError: SafeErrorHandler): Promise<Response> {
  try {
    const response: unknown = await answer;
    if (!(response instanceof Response)) {
      throw new TypeError(`the route handler returned ${response === null ? "null" : typeof response}, expected a Response`);
    }
    c.res = response;
  } catch (error) {
    c.res = await onError(error, c);
  }
  return settle(c, head, onError);
}

async function failed(error: unknown, c: Context, head: boolean, onError: SafeErrorHandler): Promise<Response> {
  c.res = await onError(error, c);
  return settle(c, head, onError);
}

/**
 * c.res with c.header()'s headers and the directives' fields, then HEAD and
 * 204/304 fixed up; a failure there is onError's to answer (and then only
 * the default 500).
 */
export async function settle(c: Context, head: boolean, onError: SafeErrorHandler): Promise<Response> {
  try {
    return await finish(c.finalResponse(), head);
  } catch (error) {
    return finish(await onError(error, c), head).catch(() => internalError());
  }
}
