#include "match.h"

#include "percent.h"
#include "scan.h"

namespace hotpath {
namespace {

#define HOTPATH_TEXT(s) Slice{s, sizeof(s) - 1}

// Constant-initialised: no global constructor (checked by the wasm link test).
constexpr Route kBadRequest = builtin_route(400, error_content_type(), HOTPATH_TEXT("Bad Request"));
constexpr Route kNotFound = builtin_route(404, error_content_type(), HOTPATH_TEXT("Not Found"));
constexpr Route kMethodNotAllowed = builtin_route(405, error_content_type(), HOTPATH_TEXT("Method Not Allowed"));
constexpr Route kUriTooLong = builtin_route(414, error_content_type(), HOTPATH_TEXT("URI Too Long"));

constexpr uint32_t kInvalidPath = 0xFFFFFFFFu;

// Finds where the path ends ('?', '#' or the end of the target) and checks
// it. Plain ASCII paths, the common case, are checked eight bytes at a time;
// anything with '%', non-ASCII or a forbidden byte takes the exact check of
// path_is_valid. Returns kInvalidPath for a path that answers 400.
uint32_t path_length(const char* target, uint32_t length, bool* has_escape) {
  uint32_t i = 0;
  bool special = false;
  for (;;) {
    uint64_t w;
    uint32_t at;
    if (length - i >= 8) {
      at = i;
    } else if (i < length && length >= 8) {
      // The last partial word, read as the target's last eight bytes: the
      // bytes before `i` are already known to hold no flagged byte, so they
      // add no flag (true or false) of their own.
      at = length - 8;
    } else {
      break;
    }
    w = scan::load8(target + at);
    uint64_t end = scan::equal_bytes(w, '?') | scan::equal_bytes(w, '#');
    uint64_t odd = scan::equal_bytes(w, '%') | scan::bytes_below(w, 0x21) | scan::equal_bytes(w, 0x7F) |
                   (w & scan::kHighs);
    if (end) {
      uint32_t first = scan::first_flagged_byte(end);
      // A flag below `first` may be a false positive only above a true one.
      special |= (odd & ((uint64_t{1} << (first * 8)) - 1)) != 0;
      i = at + first;
      goto found;
    }
    special |= odd != 0;
    i = at + 8;
  }
  for (; i < length; ++i) {
    uint8_t b = static_cast<uint8_t>(target[i]);
    if (b == '?' || b == '#') break;
    special |= b == '%' || b <= 0x20 || b >= 0x7F;
  }
found:
  if (i == 0 || target[0] != '/') return kInvalidPath;
  if (special && !path_is_valid(target, i, has_escape)) return kInvalidPath;
  return i;
}

struct Walk {
  const char* path;
  uint32_t length;
  bool decode;       // the path has '%': decode segments before use
  char* scratch;     // decoded bytes live at the same offsets as in `path`
  RequestMethod method;
  MethodMask allow;  // union of methods of every terminal node reached
  Match* match;
};

Slice segment_value(Walk& w, uint32_t start, uint32_t end) {
  if (!w.decode) return Slice{w.path + start, end - start};
  // Decoded output is never longer than its input, so each segment decodes in
  // place in the scratch copy without touching its neighbours.
  uint32_t n = percent_decode(w.path + start, end - start, w.scratch + start);
  return Slice{w.scratch + start, n};
}

const Node* find_static(const Node* n, Slice s) {
  if (n->slots == nullptr) {
    for (uint32_t i = 0; i < n->edge_count; ++i) {
      const StaticEdge& e = n->edges[i];
      if (e.length == s.size && scan::equal(e.segment, s.data, s.size)) return e.child;
    }
    return nullptr;
  }
  uint32_t hash = scan::segment_hash(s.data, s.size);
  for (uint32_t at = hash & n->slot_mask;; at = (at + 1) & n->slot_mask) {
    const EdgeSlot& slot = n->slots[at];
    if (slot.edge == 0) return nullptr;
    if (slot.hash != hash) continue;
    const StaticEdge& e = n->edges[slot.edge - 1];
    if (e.length == s.size && scan::equal(e.segment, s.data, s.size)) return e.child;
  }
}

// A node with children besides its static ones, to come back to if the
// static branch below it fails: its segment patterns, plain parameter,
// wildcard patterns and plain wildcard, tried in that order (`next`).
struct Alternative {
  const Node* node;
  uint32_t start;     // the segment at this node
  uint32_t end;
  uint32_t captures;  // parameters captured above this node
  uint32_t next;      // the next child to try: patterns, parameter, tails, wildcard
};

// Optional segments the path left out: their parameters are empty.
__attribute__((noinline)) void leave_out(Match* m, uint32_t from, uint32_t to) {
  for (uint32_t i = from; i < to; ++i) m->params[i] = Slice{"", 0};
}

bool accept(Walk& w, const Node* n, uint32_t captures) {
  if (!n->answer) return false;
  w.allow |= n->allow;
  const Route* r = n->answer[w.method];
  if (!r) return false;
  w.match->route = r;
  if (captures != r->param_count) leave_out(w.match, captures, r->param_count);
  w.match->param_count = r->param_count;
  return true;
}

// Whether segment pattern `e` (or wildcard pattern, from the rest of the
// path) matches at `alt`; on success its captures are written. Out of the
// walk's frame: only tables with patterns come here.
__attribute__((noinline)) bool matches(Walk& w, const Alternative& alt, const PatternEdge& e) {
  Slice* out = w.match->params + alt.captures;
  if (e.pattern->wildcard) return match_tail(*e.pattern, segment_value(w, alt.start, w.length), out);
  return match_segment(*e.pattern, segment_value(w, alt.start, alt.end), out);
}

// Depth-first search of the tree, iterative so the hot path has no call
// overhead. Order at each node: static child, segment patterns (most
// specific first), parameter, wildcard patterns, wildcard (the priority
// rule); a failed branch resumes at the latest Alternative. Each node is
// entered at most once, and the stack holds at most one entry per tree
// level, so kMaxSegments + 1 entries always suffice.
bool walk(Walk& w, const Node* root) {
  Alternative stack[kMaxSegments + 1];
  uint32_t depth = 0;
  const Node* n = root;
  uint32_t start = 1;
  uint32_t captures = 0;
  for (;;) {
    // Descend through static children as far as they go.
    uint32_t end = scan::find_slash(w.path, start, w.length);
    Slice segment = segment_value(w, start, end);
    if (n->alternatives) stack[depth++] = Alternative{n, start, end, captures, 0};
    const Node* child = n->edge_count ? find_static(n, segment) : nullptr;
    if (child) {
      if (end != w.length) {
        n = child;
        start = end + 1;
        continue;
      }
      if (accept(w, child, captures)) return true;
    }
    // Backtrack to the latest node with an untried child.
    for (;;) {
      if (depth == 0) return false;
      Alternative& alt = stack[depth - 1];
      const Node* node = alt.node;
      uint32_t patterns = node->pattern_count;
      uint32_t next = alt.next++;
      if (next < patterns) {
        if (alt.end == alt.start) {
          alt.next = patterns;  // a pattern takes one character or more
          continue;
        }
        const PatternEdge& e = node->patterns[next];
        if (!matches(w, alt, e)) continue;
        if (alt.end != w.length) {
          n = e.child;
          start = alt.end + 1;
          captures = alt.captures + e.pattern->param_count;
          break;  // descend again from the pattern's child
        }
        if (accept(w, e.child, alt.captures + e.pattern->param_count)) return true;
        continue;
      }
      if (next == patterns) {
        const Node* param = node->param_child;
        if (param && alt.end > alt.start) {
          w.match->params[alt.captures] = segment_value(w, alt.start, alt.end);
          if (alt.end != w.length) {
            n = param;
            start = alt.end + 1;
            captures = alt.captures + 1;
            break;  // descend again from the parameter child
          }
          if (accept(w, param, alt.captures + 1)) return true;
        }
        continue;
      }
      uint32_t tail = next - patterns - 1;
      if (tail < node->tail_count) {
        const PatternEdge& e = node->patterns[patterns + tail];
        if (matches(w, alt, e) && accept(w, e.child, alt.captures + 1)) return true;
        continue;
      }
      --depth;
      const Node* wildcard = node->wildcard_child;
      if (wildcard) {
        w.match->params[alt.captures] = segment_value(w, alt.start, w.length);
        if (accept(w, wildcard, alt.captures + 1)) return true;
      }
    }
  }
}

void answer_with(Match* match, const Route& route) {
  match->route = &route;
  match->status = route.status;
  match->param_count = 0;
}

}  // namespace

const Route& bad_request_route() { return kBadRequest; }
const Route& not_found_route() { return kNotFound; }
const Route& method_not_allowed_route() { return kMethodNotAllowed; }
const Route& uri_too_long_route() { return kUriTooLong; }

void match_request(const Node* root, RequestMethod method, const char* target,
                   uint32_t target_length, char* scratch, Match* match) {
  match->head = method == kHead;
  match->allow = 0;
  if (target_length > kMaxTargetLength) return answer_with(match, kUriTooLong);
  bool has_escape = false;
  uint32_t length = path_length(target, target_length, &has_escape);
  if (length == kInvalidPath) return answer_with(match, kBadRequest);

  Walk w{target, length, has_escape, scratch, method, 0, match};
  if (walk(w, root)) {
    match->status = match->route->status;
    return;
  }
  if (w.allow) {
    answer_with(match, kMethodNotAllowed);
    match->allow = w.allow;
    return;
  }
  answer_with(match, kNotFound);
}

}  // namespace hotpath
