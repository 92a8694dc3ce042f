// The segment tree the matcher walks.
//
// One node per distinct path prefix, counted in segments. A node has static
// children (looked up by the decoded segment bytes), segment-pattern
// children (constrained and multi-part parameters, one per shape), at most
// one plain parameter child, wildcard-pattern children (wildcards with
// static text) and at most one plain wildcard child. Invariant relied on by
// the matcher:
// all routes whose patterns share a prefix share the nodes of that prefix, so
// each node is visited at most once per request and matching is linear in the
// size of the tree even with backtracking.
#pragma once
#include <stdint.h>

#include "method.h"
#include "route.h"
#include "scan.h"
#include "segment.h"

namespace hotpath {

struct Node;

struct StaticEdge {
  const char* segment;  // decoded bytes
  uint32_t length;
  Node* child;
};

// A slot of a node's open-addressing table of static edges. The full hash is
// kept so a probe rejects a different segment without touching its bytes.
struct EdgeSlot {
  uint32_t hash;
  uint32_t edge;  // index + 1; 0 = empty
};

// A segment-pattern child: its pattern and the node below it.
struct PatternEdge {
  const SegmentPattern* pattern;
  Node* child;
};

struct Node {
  // Read by the matcher, kept together at the front (one cache line).
  uint32_t edge_count;
  uint32_t slot_mask;       // static-edge hash table size - 1
  const StaticEdge* edges;
  const EdgeSlot* slots;    // nullptr when the few edges are scanned
  Node* param_child;
  Node* wildcard_child;
  const Route* const* answer;  // per request method; nullptr unless terminal
  MethodMask allow;         // methods answered here, for 405's Allow
  bool alternatives;        // a child besides the static ones: a branch to come back to
  uint16_t pattern_count;   // segment patterns, in priority order
  uint16_t tail_count;      // wildcard patterns, in priority order, after them
  const PatternEdge* patterns;  // pattern_count + tail_count

  // Only used while loading: children in a sibling list, routes by method.
  Node* parent;
  Node* first_static;
  Node* last_static;
  Node* next_sibling;
  Node* first_pattern;  // pattern and wildcard-pattern children, linked by next_sibling
  Node* last_pattern;
  const SegmentPattern* pattern;  // this node's pattern, for a pattern child
  Slice segment;  // this node's static segment (decoded)
  const Route* routes[kRouteMethodCount];
  const Route* answers[kRequestMethodCount];  // storage behind `answer`
};

}  // namespace hotpath
