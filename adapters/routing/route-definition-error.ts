/** A route that cannot be defined: bad pattern, or the same method and shape twice. */
export class RouteDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouteDefinitionError";
  }
}
