import { readFile } from "node:fs/promises";

import { Failure } from "./errors.js";

/** A table file's bytes, as they are (the parser checks the encoding); a file that cannot be read is a Failure naming it. */
export async function readTableFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Failure(`${file}: cannot read (${code === "ENOENT" ? "no such file" : (code ?? String(error))})`);
  }
}
