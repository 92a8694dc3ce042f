/** A bad command line: `hotpath: message`, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A failure the user can act on: `hotpath: message`, exit status 1. */
export class Failure extends Error {
  override readonly name = "Failure";
}
