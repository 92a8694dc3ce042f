/**
 * What a route's content type may be, the same for a table line
 * (router/table.cpp, parse_content_type, in the same words) and for a
 * reply given in code (reply.ts, checkReply): printable ASCII (a tab
 * allowed, as the table's rule reads it), and blank only where no body goes
 * out (204, 304). Anything else would be sent other than written, or not
 * be written to a table at all.
 */
import { excerpt } from "./message.js";

const BLANK = /^[ \t]*$/;
const INVALID_BYTE = /[^\t\u0020-\u007e]/;

/** null when `contentType` may answer with `status`, else why not. */
export function contentTypeProblem(contentType: string, status: number): string | null {
  if (INVALID_BYTE.test(contentType)) return `invalid content type ${excerpt(contentType)}: only printable ASCII is allowed`;
  if (BLANK.test(contentType) && status !== 204 && status !== 304) return "missing content type (it may be empty only for status 204 and 304)";
  return null;
}
