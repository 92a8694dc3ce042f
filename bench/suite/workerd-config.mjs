// The workerd config (capnp) that serves a wrangler bundle on 127.0.0.1:
// its modules under the names wrangler emitted (the main module first), so
// `import wasmModule from "./<hash>-router.wasm"` resolves to a compiled
// WebAssembly.Module as [[rules]] CompiledWasm does. `embed` paths are
// relative to the config file.
export function workerdConfig({ port, modules, compatibilityDate }) {
  const lines = modules.map(({ name, path = name }) => {
    const kind = name.endsWith(".js") ? "esModule" : name.endsWith(".wasm") ? "wasm" : "text";
    return `    (name = "${name}", ${kind} = embed "${path}"),`;
  });
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
${lines.join("\n")}
  ],
  compatibilityDate = "${compatibilityDate}",
);
`;
}
