// The route table: parsing the TSV format into a compiled, immutable table.
//
// Format and rules: tests/vectors/README.md (and the README's reference).
// Loading is all-or-nothing: on any error the caller gets the line number and
// the reason, and no table.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
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
