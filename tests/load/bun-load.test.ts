// The load and fault suite (load-suite.ts) against HotpathServer on Bun
// (Bun.serve, a bun child process running dist/): 1,000 concurrent
// keep-alive connections by default (LOAD_CONNECTIONS).
import { loadSuite } from "./load-suite.js";

loadSuite("bun", 1_000);
