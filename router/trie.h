// Building the segment tree from parsed routes.
#pragma once
#include <stdint.h>

#include "arena.h"
#include "node.h"

namespace hotpath {

// One segment of a route pattern, already validated and decoded.
struct PatternSegment {
  // kPattern: constrained or multi-part parameters (one segment); kTail: a
  // wildcard with static text (the rest of the path).
  enum Kind : uint8_t { kStatic, kParam, kWildcard, kPattern, kTail } kind;
  bool optional;  // `:name?`: the route also matches without this segment
  Slice text;     // decoded static bytes, or the parameter name
  const SegmentPattern* pattern;  // kPattern, kTail
};

// Finds a node's static child in O(1) while loading (a node may have
// thousands of static children; a sibling-list scan would make loading
// quadratic). One open-addressing table for the whole tree, keyed by
// (parent, segment), sized from an upper bound on the number of nodes.
struct ChildIndex {
  Node** slots;
  uint32_t mask;
};

// `max_nodes`: an upper bound on static nodes (e.g. the number of '/' in the
// table text). False when the arena is too small.
bool create_child_index(Arena& arena, uint32_t max_nodes, ChildIndex* index);

enum InsertResult { kInserted, kDuplicate, kOutOfMemory };

// Adds a route under the path given by `segments`. On kDuplicate, *existing
// is the route already there with the same method and shape.
InsertResult insert_route(Arena& arena, ChildIndex& index, Node* root, const PatternSegment* segments,
                          uint32_t segment_count, const Route* route, const Route** existing);

// Builds the lookup tables of every node. False when the arena is exhausted.
bool compile_tree(Arena& arena, Node* root);

}  // namespace hotpath
