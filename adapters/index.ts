/**
 * @hotpath/server: routes defined once in TypeScript, served by
 * HotpathServer (any fetch runtime; listen on Bun or Node) or, through
 * Hotpath({ adapter }), by router.wasm or the native server.
 *
 *   import { HotpathServer, cors, text } from "@hotpath/server";
 *   const app = new HotpathServer()
 *     .use(cors())
 *     .get("/", text("ok"))
 *     .get("/users/:id", (c) => c.json({ id: c.params.id }));
 *   await app.listen(3000);
 *
 * No node: import at load time: the entry runs in Workers as it is.
 */
export { HotpathServer, HotpathServer as FastServer, type HotpathServerOptions, type RouteTarget } from "./server/app.js";
export { Context } from "./server/context.js";
export type { Query } from "./server/query.js";
export type { ErrorHandler, Handler, ListenOptions, Middleware, Next, NotFoundHandler, RunningServer } from "./server/types.js";
export { Hotpath, HotpathCServer, HotpathWasmServer, type HotpathOptions, type WasmAdapterChoice } from "./server/hotpath.js";
export { toRouteTable } from "./server/route-table.js";
export { cors, type CorsOptions } from "./server/middleware/cors.js";
export { header } from "./server/middleware/header.js";
export { requireHeader } from "./server/middleware/require-header.js";
export { text, json, html, template, jsonTemplate, isReply, type Reply } from "./reply.js";
export { RouteTableError } from "./routing/route-table-error.js";
export { RouteDefinitionError } from "./routing/route-definition-error.js";
