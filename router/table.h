// The route table: parsing the TSV format into a compiled, immutable table.
//
// Format and rules: tests/vectors/README.md (and the README's reference).
// Loading is all-or-nothing: on any error the caller gets the line number and
// the reason, and no table.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "directive.h"
#include "node.h"
#include "route.h"

namespace hotpath {

struct RouteTable {
  const Node* root;
  const Route* first_route;  // in line order, linked by Route::next
  uint32_t route_count;
  // Distinct content types, [0] = error_content_type(); Route::content_type_id
  // indexes this, so hosts can prepare each header once.
  const Slice* content_types;
  uint32_t content_type_count;
  // Routes by index (Route::index), for hosts that name routes by number.
  const Route* const* routes;
  // The MIDDLEWARE lines, in table order (every request runs them).
  DirectiveChain middleware;
  // Request header names (lowercase) the directives read, each once; a host
  // may pass only these fields to evaluate_directives.
  const Slice* needed_headers;
  uint32_t needed_header_count;
  const CorsPolicy* cors;   // the MIDDLEWARE CORS line, or nullptr
  uint32_t handler_count;   // routes of kind kHandlerRoute
  uint32_t empty_content_type_id;  // id of "" (no Content-Type), or content_type_count when none
};

constexpr uint32_t kMaxErrorMessage = 256;
constexpr uint32_t kMaxPlaceholders = 1024;  // per body; bounds rendered size

struct LoadError {
  uint32_t line;       // 1-based; 0 when the error is not about one line
  bool out_of_memory;  // the arena was too small: retry with a larger one
  uint32_t message_length;
  char message[kMaxErrorMessage];  // "line 7: reason", not NUL-terminated
};

// Parses `text` into `arena`. Returns true and fills *table on success. On
// failure returns false, fills *error and leaves *table untouched; whatever
// the arena holds is garbage and may be reset. The table keeps no pointer
// into `text`.
bool parse_route_table(const char* text, size_t length, Arena& arena, RouteTable* table,
                       LoadError* error);

// A starting arena size for a table of `length` bytes that fits typical
// tables; on out_of_memory, double it and retry.
inline size_t suggested_arena_size(size_t length) { return 16384 + length * 16; }

}  // namespace hotpath
