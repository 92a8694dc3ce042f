#include "trie.h"

namespace hotpath {
namespace {

// Nodes with at most this many static children are scanned linearly: for a
// handful of edges a compare of the length and bytes beats hashing.
constexpr uint32_t kLinearEdgeLimit = 4;

Node* new_node(Arena& arena) { return arena.allocate_array<Node>(1); }

uint32_t child_hash(const Node* parent, Slice text) {
  uint64_t p = reinterpret_cast<uintptr_t>(parent);
  return scan::segment_hash(text.data, text.size) ^ static_cast<uint32_t>((p >> 4) * 0x9E3779B1u);
}

Node* static_child(Arena& arena, ChildIndex& index, Node* parent, Slice text) {
  uint32_t at = child_hash(parent, text) & index.mask;
  for (Node* c; (c = index.slots[at]) != nullptr; at = (at + 1) & index.mask) {
    if (c->parent == parent && c->segment.size == text.size && bytes_equal(c->segment.data, text.data, text.size)) {
      return c;
    }
  }
  Node* child = new_node(arena);
  if (!child) return nullptr;
  child->parent = parent;
  child->segment = text;
  index.slots[at] = child;
  // Append, so edges keep table order (only matters for a stable layout).
  if (parent->last_static) {
    parent->last_static->next_sibling = child;
  } else {
    parent->first_static = child;
  }
  parent->last_static = child;
  return child;
}

// The pattern child of `parent` with the same shape as `pattern` (a
// wildcard pattern or not), made when there is none.
Node* pattern_child(Arena& arena, Node* parent, const SegmentPattern* pattern) {
  for (Node* c = parent->first_pattern; c; c = c->next_sibling) {
    const SegmentPattern* p = c->pattern;
    if (p->wildcard == pattern->wildcard && p->shape.size == pattern->shape.size &&
        bytes_equal(p->shape.data, pattern->shape.data, pattern->shape.size)) {
      return c;
    }
  }
  Node* child = new_node(arena);
  if (!child) return nullptr;
  child->parent = parent;
  child->pattern = pattern;
  if (parent->last_pattern) {
    parent->last_pattern->next_sibling = child;
  } else {
    parent->first_pattern = child;
  }
  parent->last_pattern = child;
  return child;
}

bool body_is_empty(const Route* r) { return r->parts == nullptr && r->body.size == 0; }

// Decides, once per node, which route answers each request method (the
// rules of tests/vectors/README.md, "Matching" 8 and 9).
void resolve_answers(Node* n) {
  const Route* const* r = n->routes;
  const Route* any = r[kRouteAny];
  bool terminal = false;
  for (uint32_t m = 0; m < kRouteMethodCount; ++m) terminal |= r[m] != nullptr;
  if (!terminal) return;
  const Route** answer = n->answers;
  n->answer = answer;
  for (uint32_t m = 0; m < kRouteAny; ++m) answer[m] = r[m] ? r[m] : any;
  // HEAD: an explicit HEAD route, unless it is an empty declaration beside a
  // GET twin; then GET; then ANY.
  const Route* head = r[kHead];
  if (head && !(r[kGet] && head->kind == kReplyRoute && body_is_empty(head))) {
    answer[kHead] = head;
  } else if (r[kGet]) {
    answer[kHead] = r[kGet];
  } else {
    answer[kHead] = any;
  }
  answer[kOther] = any;
  MethodMask allow = 0;
  for (uint32_t m = 0; m < kRouteAny; ++m) {
    if (r[m]) allow |= static_cast<MethodMask>(1u << m);
  }
  if (allow & (1u << kGet)) allow |= static_cast<MethodMask>(1u << kHead);
  n->allow = allow;
}

bool compile_edges(Arena& arena, Node* n) {
  uint32_t count = 0;
  for (Node* c = n->first_static; c; c = c->next_sibling) ++count;
  n->edge_count = count;
  if (count == 0) return true;
  StaticEdge* edges = arena.allocate_array<StaticEdge>(count);
  if (!edges) return false;
  uint32_t i = 0;
  for (Node* c = n->first_static; c; c = c->next_sibling, ++i) {
    edges[i] = StaticEdge{c->segment.data, c->segment.size, c};
  }
  n->edges = edges;
  if (count <= kLinearEdgeLimit) return true;
  uint32_t size = 16;
  while (size < count * 4) size <<= 1;  // load factor <= 1/4: short probes
  EdgeSlot* slots = arena.allocate_array<EdgeSlot>(size);
  if (!slots) return false;
  for (i = 0; i < count; ++i) {
    uint32_t hash = scan::segment_hash(edges[i].segment, edges[i].length);
    uint32_t at = hash & (size - 1);
    while (slots[at].edge != 0) at = (at + 1) & (size - 1);
    slots[at] = EdgeSlot{hash, i + 1};
  }
  n->slots = slots;
  n->slot_mask = size - 1;
  return true;
}

// The pattern children in the order they are tried (segment patterns, then
// wildcard patterns; each by pattern_before).
bool compile_patterns(Arena& arena, Node* n) {
  uint32_t patterns = 0;
  uint32_t tails = 0;
  for (Node* c = n->first_pattern; c; c = c->next_sibling) ++(c->pattern->wildcard ? tails : patterns);
  n->pattern_count = static_cast<uint16_t>(patterns);
  n->tail_count = static_cast<uint16_t>(tails);
  n->alternatives = n->param_child || n->wildcard_child || patterns + tails > 0;
  if (patterns + tails == 0) return true;
  PatternEdge* edges = arena.allocate_array<PatternEdge>(patterns + tails);
  if (!edges) return false;
  uint32_t filled[2] = {0, 0};
  for (Node* c = n->first_pattern; c; c = c->next_sibling) {
    bool tail = c->pattern->wildcard;
    PatternEdge* range = edges + (tail ? patterns : 0);
    // Insertion sort: a node has few pattern children.
    uint32_t i = filled[tail]++;
    while (i > 0 && pattern_before(*c->pattern, *range[i - 1].pattern)) {
      range[i] = range[i - 1];
      --i;
    }
    range[i] = PatternEdge{c->pattern, c};
  }
  n->patterns = edges;
  return true;
}

}  // namespace

bool create_child_index(Arena& arena, uint32_t max_nodes, ChildIndex* index) {
  uint32_t size = 16;
  while (size < max_nodes * 2 && size < 0x80000000u) size <<= 1;  // load factor <= 1/2
  index->slots = arena.allocate_array<Node*>(size);
  index->mask = size - 1;
  return index->slots != nullptr;
}

InsertResult insert_route(Arena& arena, ChildIndex& index, Node* root, const PatternSegment* segments,
                          uint32_t segment_count, const Route* route, const Route** existing) {
  Node* n = root;
  for (uint32_t i = 0; i < segment_count; ++i) {
    const PatternSegment& s = segments[i];
    Node* next = nullptr;
    switch (s.kind) {
      case PatternSegment::kStatic:
        next = static_child(arena, index, n, s.text);
        break;
      case PatternSegment::kParam:
        if (!n->param_child) n->param_child = new_node(arena);
        next = n->param_child;
        break;
      case PatternSegment::kWildcard:
        if (!n->wildcard_child) n->wildcard_child = new_node(arena);
        next = n->wildcard_child;
        break;
      case PatternSegment::kPattern:
      case PatternSegment::kTail:
        next = pattern_child(arena, n, s.pattern);
        break;
    }
    if (!next) return kOutOfMemory;
    n = next;
  }
  const Route*& slot = n->routes[route->method_slot];
  if (slot) {
    *existing = slot;
    return kDuplicate;
  }
  slot = route;
  return kInserted;
}

bool compile_tree(Arena& arena, Node* n) {
  // Recursion depth is bounded by kMaxSegments + 1.
  resolve_answers(n);
  if (!compile_edges(arena, n) || !compile_patterns(arena, n)) return false;
  for (Node* c = n->first_static; c; c = c->next_sibling) {
    if (!compile_tree(arena, c)) return false;
  }
  for (Node* c = n->first_pattern; c; c = c->next_sibling) {
    if (!compile_tree(arena, c)) return false;
  }
  if (n->param_child && !compile_tree(arena, n->param_child)) return false;
  if (n->wildcard_child && !compile_tree(arena, n->wildcard_child)) return false;
  return true;
}

}  // namespace hotpath
