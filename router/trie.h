// Building the segment tree from parsed routes.
#pragma once
#include <stdint.h>

#include "arena.h"
#include "node.h"

namespace hotpath {

// One segment of a route pattern, already validated and decoded.
struct PatternSegment {
  enum Kind : uint8_t { kStatic, kParam, kWildcard } kind;
  Slice text;  // decoded static bytes, or the parameter name
};

enum InsertResult { kInserted, kDuplicate, kOutOfMemory };

// Adds a route under the path given by `segments`. On kDuplicate, *existing
// is the route already there with the same method and shape.
InsertResult insert_route(Arena& arena, Node* root, const PatternSegment* segments,
                          uint32_t segment_count, const Route* route, const Route** existing);

// Builds the lookup tables of every node. False when the arena is exhausted.
bool compile_tree(Arena& arena, Node* root);

}  // namespace hotpath
