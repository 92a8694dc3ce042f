/** A route table that did not load: `line` is 1-based (0: not about a line). */
export class RouteTableError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = "RouteTableError";
    this.line = line;
  }
}
