// One app with every kind of route for Hotpath({ adapter: "c" })
// (tests/ts/native/c-handlers.test.ts): table routes, directives, function
// handlers, a group with JavaScript middleware, onError. The test serves it
// in process and, as `fallback: { module }`, from a child that imports this
// file. From dist/ (built by `npx tsc -p tsconfig.build.json`, as make
// test-ts does), so that the test and the child share one copy of the
// package. FALLBACK_VARIANT=other defines one route more (a different
// table: the child must refuse to serve it).
import { Hotpath, HotpathServer, cors, header, requireHeader, template, text } from "../../dist/adapters/index.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const api = new HotpathServer()
  .use(async (c, next) => {
    await next();
    c.header("x-group", "api");
  })
  .get("/who", (c) => c.json({ who: c.req.headers.get("x-user") }))
  .get("/fixed", text("fixed under middleware"));

const admin = new HotpathServer().use(requireHeader("x-key", "secret")).get("/", (c) => c.text("admin"));

const app = Hotpath({ adapter: "c" })
  .use(cors({ origin: "https://app.example" }))
  .use(header("x-powered-by", "hotpath"))
  .get("/", text("ok"))
  .get("/hello/:name", template("hello {name}"))
  .get("/dyn/:name", (c) => c.text(`dyn ${c.params.name} q=${c.query.q ?? ""}`))
  .post("/echo", async (c) => c.json({ got: await c.req.text(), type: c.req.headers.get("content-type") }))
  .get("/throw", () => {
    throw new Error("boom");
  })
  .get("/async-throw", async () => {
    await sleep(1);
    throw new Error("late boom");
  })
  .get("/files/*", (c) => c.json(c.params))
  .get("/rest/*path", (c) => c.json(c.params))
  .get("/status/:code", (c) => new Response(null, { status: Number(c.params.code) }))
  .get("/cookies", () => {
    const headers = new Headers();
    headers.append("set-cookie", "a=1");
    headers.append("set-cookie", "b=2");
    return new Response("two", { headers });
  })
  .get("/sleep/:ms", async (c) => {
    await sleep(Number(c.params.ms));
    return c.text(`slept ${c.params.ms}`);
  })
  .route("/api", api)
  .route("/admin", admin)
  .onError((error, c) => c.text(`handled: ${error.message}`, 500));

if (process.env.FALLBACK_VARIANT === "other") app.get("/extra", (c) => c.text("extra"));

export default app;
