#include "match.h"

#include "percent.h"
#include "scan.h"

namespace hotpath {
namespace {

#define HOTPATH_TEXT(s) Slice{s, sizeof(s) - 1}

constexpr Route make_error_route(uint16_t status, Slice body) {
  return Route{0, status, kRouteAny, kEscapeRaw, Slice{"", 0},
               HOTPATH_TEXT("text/plain; charset=utf-8"), body, nullptr, 0, body.size, nullptr, 0,
               nullptr};
}

// Constant-initialised: no global constructor (checked by the wasm link test).
constexpr Route kBadRequest = make_error_route(400, HOTPATH_TEXT("Bad Request"));
constexpr Route kNotFound = make_error_route(404, HOTPATH_TEXT("Not Found"));
constexpr Route kMethodNotAllowed = make_error_route(405, HOTPATH_TEXT("Method Not Allowed"));
constexpr Route kUriTooLong = make_error_route(414, HOTPATH_TEXT("URI Too Long"));

constexpr uint32_t kInvalidPath = 0xFFFFFFFFu;

// Finds where the path ends ('?', '#' or the end of the target) and checks
// it. Plain ASCII paths, the common case, are checked eight bytes at a time;
// anything with '%', non-ASCII or a forbidden byte takes the exact check of
// path_is_valid. Returns kInvalidPath for a path that answers 400.
uint32_t path_length(const char* target, uint32_t length, bool* has_escape) {
  uint32_t i = 0;
  bool special = false;
  for (; length - i >= 8; i += 8) {
    uint64_t w = scan::load8(target + i);
    uint64_t end = scan::equal_bytes(w, '?') | scan::equal_bytes(w, '#');
    uint64_t odd = scan::equal_bytes(w, '%') | scan::bytes_below(w, 0x21) | scan::equal_bytes(w, 0x7F) |
                   (w & scan::kHighs);
    if (end) {
      uint32_t at = scan::first_flagged_byte(end);
      // A flag below `at` may be a false positive only above a true one.
      special |= (odd & ((uint64_t{1} << (at * 8)) - 1)) != 0;
      i += at;
      goto found;
    }
    special |= odd != 0;
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
  Reply* reply;
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

bool accept(Walk& w, const Node* n, uint32_t captures) {
  if (!n->answer) return false;
  w.allow |= n->allow;
  const Route* r = n->answer[w.method];
  if (!r) return false;
  w.reply->route = r;
  w.reply->param_count = captures;
  return true;
}

// Tries the subtree of `n` against the path from `start` (the first byte of a
// segment). Depth is bounded by the tree's depth (kMaxSegments + 1).
bool walk(Walk& w, const Node* n, uint32_t start, uint32_t captures) {
  uint32_t end = scan::find_slash(w.path, start, w.length);
  bool last = end == w.length;
  Slice segment = segment_value(w, start, end);

  if (n->edge_count) {
    const Node* child = find_static(n, segment);
    if (child && (last ? accept(w, child, captures) : walk(w, child, end + 1, captures))) {
      return true;
    }
  }
  if (n->param_child && segment.size > 0) {
    w.reply->params[captures] = segment;
    const Node* child = n->param_child;
    if (last ? accept(w, child, captures + 1) : walk(w, child, end + 1, captures + 1)) {
      return true;
    }
  }
  if (n->wildcard_child) {
    w.reply->params[captures] = segment_value(w, start, w.length);
    if (accept(w, n->wildcard_child, captures + 1)) return true;
  }
  return false;
}

void answer_with(Reply* reply, const Route& route) {
  reply->route = &route;
  reply->status = route.status;
  reply->param_count = 0;
}

}  // namespace

const Route& bad_request_route() { return kBadRequest; }
const Route& not_found_route() { return kNotFound; }
const Route& method_not_allowed_route() { return kMethodNotAllowed; }
const Route& uri_too_long_route() { return kUriTooLong; }

void match_request(const Node* root, RequestMethod method, const char* target,
                   uint32_t target_length, char* scratch, Reply* reply) {
  reply->head = method == kHead;
  reply->allow = 0;
  if (target_length > kMaxTargetLength) return answer_with(reply, kUriTooLong);
  bool has_escape = false;
  uint32_t length = path_length(target, target_length, &has_escape);
  if (length == kInvalidPath) return answer_with(reply, kBadRequest);

  Walk w{target, length, has_escape, scratch, method, 0, reply};
  if (walk(w, root, 1, 0)) {
    reply->status = reply->route->status;
    return;
  }
  if (w.allow) {
    answer_with(reply, kMethodNotAllowed);
    reply->allow = w.allow;
    return;
  }
  answer_with(reply, kNotFound);
}

}  // namespace hotpath
