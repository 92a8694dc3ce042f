// The load and fault suite (load-suite.ts) against hotpath-server: 10,000
// concurrent keep-alive connections by default (LOAD_CONNECTIONS).
import { loadSuite } from "./load-suite.js";

loadSuite("native", 10_000);
