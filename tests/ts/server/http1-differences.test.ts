// The runtime differences (tests/ts/support/http1-differences.ts) name real
// cases, and SECURITY.md lists exactly them: its tables are the rows the
// data renders, no more, no fewer, in order.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import { corpusDifferenceRows, differenceRows, unknownDifferences } from "../support/http1-differences.js";
import { root } from "../support/node-files.js";

const security = readFileSync(`${root}SECURITY.md`, "utf8");
const readme = readFileSync(`${root}README.md`, "utf8");

/** The limits table (from its marker comment to the first blank line). */
function limitsTable(doc: string): string {
  const start = doc.indexOf("<!-- limits table");
  if (start < 0) throw new Error("no limits table marker");
  const body = doc.indexOf("\n", start) + 1;
  return doc.slice(body, doc.indexOf("\n\n", body));
}

/** The table rows (after the header and separator) of the first table under `heading`. */
function tableUnder(heading: string): string[] {
  const start = security.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`SECURITY.md has no heading ${JSON.stringify(heading)}`);
  const lines = security.slice(start).split("\n").slice(2);
  const first = lines.findIndex((l) => l.startsWith("|"));
  const rows: string[] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line);
  }
  return rows;
}

describe("the runtime differences, as SECURITY.md lists them", () => {
  it("each names a case of http1-cases.ts, once", () => {
    expect(unknownDifferences()).toEqual([]);
  });
  it("SECURITY.md's socket-case table is exactly the differences", () => {
    expect(tableUnder("### The socket cases")).toEqual(differenceRows());
  });
  it("README's limits table is SECURITY.md's, row for row", () => {
    expect(limitsTable(readme)).toBe(limitsTable(security));
    expect(limitsTable(security)).toContain("| open connections (`maxConnections`, `--max-connections`) |");
  });
  it("SECURITY.md's llhttp-corpus table is exactly the corpus differences", () => {
    expect(tableUnder("### llhttp's corpus over a socket")).toEqual(corpusDifferenceRows());
  });
});
