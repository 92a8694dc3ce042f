// The load and fault suite (load-suite.ts) against HotpathServer on Node
// (node:http, a child process running dist/): 1,000 concurrent keep-alive
// connections by default (LOAD_CONNECTIONS).
import { loadSuite } from "./load-suite.js";

loadSuite("node", 1_000);
