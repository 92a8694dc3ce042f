/**
 * Runs middleware in onion order around a final step. A throw or rejection
 * anywhere becomes the onError answer at that level, so outer middleware
 * still run their after-`next()` part (a CORS header reaches a 500 too), and
 * the chain always settles: never a hung request.
 */
import type { Context } from "./context.js";
import type { SafeErrorHandler } from "./respond.js";
import type { Middleware } from "./types.js";

export type { SafeErrorHandler } from "./respond.js";
export type Step = (c: Context) => Response | Promise<Response>;

export async function runChain(c: Context, layers: readonly Middleware[], final: Step, onError: SafeErrorHandler): Promise<void> {
  const dispatch = async (index: number): Promise<void> => {
    try {
      if (index === layers.length) {
        c.res = checked(await final(c), "the route handler");
        return;
      }
      let called = false;
      const next = (): Promise<void> => {
        if (called) return Promise.reject(new Error("next() called more than once by one middleware"));
        called = true;
        return dispatch(index + 1);
      };
      const result = await layers[index]!(c, next);
      if (result !== undefined) c.res = checked(result, "a middleware");
    } catch (error) {
      c.res = await onError(error, c);
    }
  };
  await dispatch(0);
  if (!c.answered) {
    // A middleware returned without calling next() or answering (or did not await next()).
    c.res = await onError(new Error("no answer: a middleware neither returned a Response nor awaited next()"), c);
  }
}

function checked(value: unknown, who: string): Response {
  if (value instanceof Response) return value;
  throw new TypeError(`${who} returned ${value === null ? "null" : typeof value}, expected a Response`);
}
