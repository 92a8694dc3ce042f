/**
 * The files of `hotpath init worker`: a Cloudflare Worker serving routes.tsv
 * with router.wasm. Run-time (default): the package's router.wasm loads
 * routes.tsv, imported as text, once per isolate. Baked (--baked): wrangler's
 * build step runs `hotpath wasm`, and the Worker imports the module with the
 * table built in.
 */
export interface WorkerTemplate {
  name: string;
  baked: boolean;
  /** The @hotpath/server dependency, e.g. "^0.2.0". */
  hotpathVersion: string;
  wranglerVersion: string;
  typescriptVersion: string;
}

export function workerFiles(t: WorkerTemplate): Record<string, string> {
  return {
    "package.json": packageJson(t),
    "wrangler.toml": wranglerToml(t),
    "tsconfig.json": TSCONFIG,
    "src/index.ts": t.baked ? INDEX_BAKED : INDEX_RUNTIME,
    "routes.tsv": ROUTES,
    ".gitignore": "node_modules/\n.wrangler/\nbuild/\n",
    "README.md": readme(t),
  };
}

function packageJson(t: WorkerTemplate): string {
  const scripts: Record<string, string> = {
    dev: "wrangler dev",
    deploy: "wrangler deploy",
    check: "hotpath check routes.tsv && tsc",
  };
  if (t.baked) scripts["build"] = "hotpath wasm routes.tsv -o build/router.wasm";
  const manifest = {
    name: t.name,
    private: true,
    type: "module",
    scripts,
    dependencies: { "@hotpath/server": t.hotpathVersion },
    devDependencies: { typescript: t.typescriptVersion, wrangler: t.wranglerVersion },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function wranglerToml(t: WorkerTemplate): string {
  const build = t.baked
    ? `
# build/router.wasm is router.wasm with routes.tsv baked in (no compiler
# needed), made again before every \`wrangler dev\` and \`wrangler deploy\`.
[build]
command = "npx hotpath wasm routes.tsv -o build/router.wasm"
watch_dir = "routes.tsv"
`
    : "";
  return `name = "${t.name}"
main = "src/index.ts"
compatibility_date = "2026-04-01"

# .wasm files are imported as compiled WebAssembly.Module objects, and .tsv
# route tables as text (types: @hotpath/server/modules).
[[rules]]
type = "CompiledWasm"
globs = ["**/*.wasm"]
fallthrough = true

[[rules]]
type = "Text"
globs = ["**/*.tsv"]
fallthrough = true
${build}`;
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      module: "ES2022",
      moduleResolution: "Bundler",
      lib: ["ES2022", "DOM"],
      types: ["@hotpath/server/modules"],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
    include: ["src"],
  },
  null,
  2,
)}\n`;

const INDEX_RUNTIME = `// A Worker serving routes.tsv with Hotpath's router.wasm. The table is
// loaded once per isolate (a bad one throws, naming its line); answers of
// 2xx and 3xx routes are cached per path (LRU).
import routerWasm from "@hotpath/server/router.wasm";
import { createFastWasmFetch } from "@hotpath/server/wasm";
import routes from "../routes.tsv";

const app = createFastWasmFetch({
  instance: new WebAssembly.Instance(routerWasm, {}),
  routes,
  cache: { maxEntries: 1024 },
});

export default {
  fetch(request: Request): Response {
    return app.fetch(request);
  },
};
`;

const INDEX_BAKED = `// A Worker serving routes.tsv with Hotpath's router.wasm, the table baked
// into build/router.wasm by \`hotpath wasm\` (wrangler.toml [build]): nothing
// is parsed per isolate beyond the built-in table; answers of 2xx and 3xx
// routes are cached per path (LRU).
import routerWasm from "../build/router.wasm";
import { createFastWasmFetch } from "@hotpath/server/wasm";

const app = createFastWasmFetch({
  instance: new WebAssembly.Instance(routerWasm, {}),
  cache: { maxEntries: 1024 },
});

export default {
  fetch(request: Request): Response {
    return app.fetch(request);
  },
};
`;

// METHOD, path, status, content type, body: tab-separated. :name is a
// parameter, *name the rest of the path; {name} puts it in the body.
const ROUTES = [
  "GET\t/\t200\ttext/plain; charset=utf-8\tok",
  "GET\t/hello/:name\t200\ttext/plain; charset=utf-8\thello {name}",
  'GET\t/users/:id\t200\tapplication/json; charset=utf-8\t{"id":"{id}"}',
  "GET\t/files/*path\t200\ttext/plain; charset=utf-8\tfile {path}",
  "",
].join("\n");

function readme(t: WorkerTemplate): string {
  return `# ${t.name}

A Cloudflare Worker serving \`routes.tsv\` with [@hotpath/server](https://www.npmjs.com/package/@hotpath/server)'s router.wasm.

\`\`\`sh
npm install
npx wrangler dev          # http://127.0.0.1:8787/hello/world
npx hotpath check routes.tsv
npx wrangler deploy
\`\`\`

Each line of \`routes.tsv\` is \`METHOD\`, path, status, content type and body,
separated by tabs. ${
    t.baked
      ? "The table is baked into `build/router.wasm` by `hotpath wasm` before every `wrangler dev` and `wrangler deploy` (wrangler.toml `[build]`)."
      : "The Worker loads it at start (`src/index.ts`); `hotpath init worker --baked` makes a Worker whose router.wasm has it built in."
  }
`;
}
