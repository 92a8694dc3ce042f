/**
 * A route table served by HotpathServer with a function handler per route
 * (instead of the template replies of fromRouteTable), each answering what
 * the table says: so the shared vectors check the handler path too. A HEAD
 * line with an empty body stays a reply: it only declares HEAD (rule 8).
 */
import { HotpathServer, template } from "../../../adapters/index.js";
import { statusHasBody } from "../../../adapters/routing/answer.js";
import { renderTemplate } from "../../../adapters/routing/render.js";
import { parseRouteTable } from "../../../adapters/routing/table.js";
import { RouteRecorder } from "../../../adapters/route-recorder.js";

export function handlerApp(table: string): HotpathServer {
  const app = new HotpathServer();
  for (const { value } of parseRouteTable(table)) {
    if (value.method === "HEAD" && value.body === "") {
      RouteRecorder.record(app, value.method, value.path, template(value.body, value.status, value.contentType));
      continue;
    }
    const headers: Record<string, string> = value.contentType === "" ? {} : { "content-type": value.contentType };
    RouteRecorder.record(app, value.method, value.path, (c) =>
      new Response(statusHasBody(value.status) ? renderTemplate(value.template, c.params) : null, { status: value.status, headers }),
    );
  }
  return app;
}
