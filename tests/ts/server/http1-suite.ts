// The socket cases of hotpath-server (tests/ts/support/http1-cases.ts) run
// against one of HotpathServer's listeners, with hotpath-server's
// expectations except the runtime's documented differences
// (tests/ts/support/http1-differences.ts), each asserted as written.
// http1-node.test.ts and http1-bun.test.ts call it, one runtime each.
import { afterAll, beforeAll, describe, it } from "vitest";

import { CASE_CONFIGS, HTTP1_CASES, type CaseConfig } from "../support/http1-cases.js";
import { runCase } from "../support/http1-case-runner.js";
import { asAnswered, type Runtime } from "../support/http1-differences.js";

export interface Listening {
  port: number;
  stop(): Promise<void>;
}

/** Every case of every configuration against servers made by `start` (given the case configuration's options). */
export function socketCases(runtime: Runtime, start: (options: Record<string, number>) => Promise<Listening>): void {
  for (const config of Object.keys(CASE_CONFIGS) as CaseConfig[]) {
    const cases = HTTP1_CASES.filter((c) => (c.config ?? "default") === config && (c.servers === undefined || c.servers.includes(runtime)));
    describe(`${config}: ${JSON.stringify(CASE_CONFIGS[config])}`, () => {
      let server: Listening | undefined;
      beforeAll(async () => {
        server = await start({ ...CASE_CONFIGS[config] });
      }, 30_000);
      afterAll(async () => {
        await server?.stop();
      }, 30_000);
      for (const group of new Set(cases.map((c) => c.group))) {
        describe(group, () => {
          for (const c of cases.filter((x) => x.group === group)) {
            const answered = asAnswered(c, runtime);
            const differs = answered !== c ? " [differs: SECURITY.md]" : "";
            it(`${c.name}${differs}`, async () => {
              await runCase(server!.port, answered, runtime);
            }, Math.max(30_000, (answered.timeoutMs ?? 5_000) + 10_000));
          }
        });
      }
    });
  }
}
