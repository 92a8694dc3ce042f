// One error class for every path that loads route tables.
export { RouteTableError } from "../routing/route-table-error.js";
