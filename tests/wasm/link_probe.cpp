// Links the whole freestanding core into a wasm32 module with no libc, so any
// call the core makes outside itself (memcpy, malloc, a global constructor's
// __cxa_atexit, ...) shows up as an undefined symbol and fails the link.
#include "../../router/router.h"

using namespace hotpath;

extern "C" __attribute__((export_name("probe"))) uint32_t probe(char* memory, uint32_t size,
                                                                 const char* table, uint32_t table_size,
                                                                 const char* target, uint32_t target_size,
                                                                 char* out, uint32_t capacity) {
  Arena arena{memory, size, 0};
  RouteTable routes;
  LoadError error;
  if (!parse_route_table(table, table_size, arena, &routes, &error)) return error.message_length;
  Match match;
  match_request(routes.root, request_method_from_token("GET", 3), target, target_size,
                out + capacity / 2, &match);
  char allow[kMaxAllowLength];
  format_allow(match.allow, allow, sizeof allow);
  return render_body(*match.route, match.params, out, capacity / 2);
}
