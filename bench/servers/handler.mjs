// The handler route of the fallback benchmarks: one function, served
// through hotpath-server's fallback (c-core-fallback*.mjs) and directly
// (handler-direct.mjs, fast-dyn.mjs), so the CPU per request of the
// two ways compares the same work.
export const PATTERN = "/dyn/:name";

export const dynamic = (request, route) => new Response("hello " + route.params.name);
