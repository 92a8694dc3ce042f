// One error class for every path that loads route tables.
export { RouteTableError } from "../core/route-table-error.js";
