#include "directive.h"

#include "route.h"
#include "table.h"

namespace hotpath {
namespace {

// header_set: which chain (0: MIDDLEWARE only; r + 1: with route r's
// ROUTE_MIDDLEWARE), how many steps ran before it ended, how it ended, and
// which Access-Control-Allow-Origin the CORS step chose. A pure function of
// these, so hosts may cache what they make of each set.
constexpr uint32_t kStopShift = 16;
constexpr uint32_t kOutcomeShift = 24;
constexpr uint32_t kVariantShift = 26;

enum Outcome : uint32_t {
  kPass = 0,
  kPreflight = 1,             // no Access-Control-Request-Headers in the request
  kPreflightWithHeaders = 2,  // with one (it may be echoed, and Vary names it)
  kUnauthorized = 3,
};

uint32_t encode(uint32_t chain, uint32_t stop, Outcome outcome, uint32_t variant) {
  return chain | (stop << kStopShift) | (static_cast<uint32_t>(outcome) << kOutcomeShift) | (variant << kVariantShift);
}

bool name_is(Slice name, Slice lower) {
  if (name.size != lower.size) return false;
  for (uint32_t i = 0; i < name.size; ++i) {
    if (ascii_lower(name.data[i]) != lower.data[i]) return false;
  }
  return true;
}

// The request's value of one field: every field of that name, joined by
// ", " (RFC 9110 section 5.3), read without copying.
class FieldValue {
 public:
  FieldValue(const HeaderField* fields, uint32_t count, Slice lower_name)
      : fields_(fields), count_(count), name_(lower_name) {}

  bool present() const {
    for (uint32_t i = 0; i < count_; ++i) {
      if (name_is(fields_[i].name, name_)) return true;
    }
    return false;
  }

  // Calls fn(byte) for each byte of the joined value.
  template <typename F>
  void each_byte(F fn) const {
    bool first = true;
    for (uint32_t i = 0; i < count_; ++i) {
      if (!name_is(fields_[i].name, name_)) continue;
      if (!first) {
        fn(',');
        fn(' ');
      }
      first = false;
      for (uint32_t j = 0; j < fields_[i].value.size; ++j) fn(fields_[i].value.data[j]);
    }
  }

  uint32_t length() const {
    uint32_t n = 0;
    each_byte([&](char) { ++n; });
    return n;
  }

  // Equality in time that depends only on the lengths, never on where the
  // bytes differ (a REQUIRE_HEADER value is a secret).
  bool equals_constant_time(Slice expected) const {
    uint32_t at = 0;
    uint32_t difference = 0;
    each_byte([&](char c) {
      uint8_t e = at < expected.size ? static_cast<uint8_t>(expected.data[at]) : 0;
      difference |= static_cast<uint8_t>(c) ^ e;
      difference |= at >= expected.size;
      ++at;
    });
    for (uint32_t i = at; i < expected.size; ++i) difference |= static_cast<uint8_t>(expected.data[i]) | 1u;
    return difference == 0 && at == expected.size;
  }

  bool equals(Slice expected) const {
    uint32_t at = 0;
    bool same = true;
    each_byte([&](char c) {
      same = same && at < expected.size && expected.data[at] == c;
      ++at;
    });
    return same && at == expected.size;
  }

 private:
  const HeaderField* fields_;
  uint32_t count_;
  Slice name_;
};

#define HOTPATH_TEXT(s) Slice{s, sizeof(s) - 1}

// Which Access-Control-Allow-Origin a request gets: 0 none, else 1 + the
// index of the origin sent (1 for "*" and for a single origin).
uint32_t origin_variant(const RouteTable& table, const CorsPolicy& cors, const HeaderField* fields, uint32_t count) {
  if (cors.origin_count <= 1) return 1;
  FieldValue origin(fields, count, table.needed_headers[cors.origin_field]);
  for (uint32_t i = 0; i < cors.origin_count; ++i) {
    if (origin.equals(cors.origins[i])) return i + 1;
  }
  return 0;
}

Slice origin_text(const CorsPolicy& cors, uint32_t variant) {
  return cors.origin_count == 0 ? HOTPATH_TEXT("*") : cors.origins[variant - 1];
}

// The fields of a set being built: set() replaces a field of that name,
// add() appends one more.
class FieldList {
 public:
  FieldList(HeaderField* out, uint32_t capacity) : out_(out), capacity_(capacity) {}

  void add(Slice name, Slice value) {
    if (count_ < capacity_) out_[count_] = HeaderField{name, value};
    ++count_;
  }

  void set(Slice name, Slice value) {
    uint32_t kept = 0;
    bool placed = false;
    uint32_t n = count_ < capacity_ ? count_ : capacity_;
    for (uint32_t i = 0; i < n; ++i) {
      if (same_name(out_[i].name, name)) {
        if (placed) continue;
        out_[i].value = value;
        placed = true;
      }
      out_[kept++] = out_[i];
    }
    count_ = kept + (count_ - n);
    if (!placed) add(name, value);
  }

  uint32_t count() const { return count_; }

 private:
  static bool same_name(Slice a, Slice b) {
    if (a.size != b.size) return false;
    for (uint32_t i = 0; i < a.size; ++i) {
      if (ascii_lower(a.data[i]) != ascii_lower(b.data[i])) return false;
    }
    return true;
  }

  HeaderField* out_;
  uint32_t capacity_;
  uint32_t count_ = 0;
};

const Directive& step_at(const RouteTable& table, const Route* route, uint32_t i) {
  const DirectiveChain& global = table.middleware;
  return i < global.count ? *global.steps[i] : *route->directives.steps[i - global.count];
}

}  // namespace

void evaluate_directives(const RouteTable& table, const Route* route, RequestMethod method,
                         const HeaderField* fields, uint32_t field_count, DirectiveOutcome* out) {
  out->status = 0;
  out->header_set = 0;
  out->echo = false;
  const DirectiveChain& global = table.middleware;
  const Route* chained = route && route->directives.count ? route : nullptr;
  uint32_t total = global.count + (chained ? chained->directives.count : 0);
  uint32_t chain = chained ? chained->index + 1 : 0;
  uint32_t variant = 0;
  bool fields_added = false;
  for (uint32_t i = 0; i < total; ++i) {
    const Directive& d = step_at(table, chained, i);
    switch (d.kind) {
      case kHeaderDirective:
        fields_added = true;
        break;
      case kCorsDirective: {
        const CorsPolicy& cors = *d.cors;
        variant = origin_variant(table, cors, fields, field_count);
        const Slice* needed = table.needed_headers;
        bool preflight = method == kOptions && FieldValue(fields, field_count, needed[cors.origin_field]).present() &&
                         FieldValue(fields, field_count, needed[cors.method_field]).present();
        if (preflight) {
          FieldValue requested(fields, field_count, needed[cors.headers_field]);
          bool asked = requested.present();
          out->status = 204;
          out->header_set = encode(chain, i, asked ? kPreflightWithHeaders : kPreflight, variant);
          out->echo = cors.allow_headers.size == 0 && asked && requested.length() > 0;
          return;
        }
        fields_added |= variant != 0 || cors.credentials || cors.origin_count != 0;
        break;
      }
      case kRequireHeaderDirective: {
        FieldValue given(fields, field_count, table.needed_headers[d.needed]);
        if (!given.present() || !given.equals_constant_time(d.value)) {
          out->status = 401;
          out->header_set = fields_added || d.challenge.size ? encode(chain, i, kUnauthorized, variant) : 0;
          return;
        }
        break;
      }
    }
  }
  out->header_set = fields_added ? encode(chain, total, kPass, variant) : 0;
}

uint32_t header_set_fields(const RouteTable& table, uint32_t header_set, HeaderField* out, uint32_t capacity) {
  if (header_set == 0) return 0;
  uint32_t chain = header_set & 0xFFFFu;
  uint32_t stop = (header_set >> kStopShift) & 0xFFu;
  Outcome outcome = static_cast<Outcome>((header_set >> kOutcomeShift) & 3u);
  uint32_t variant = header_set >> kVariantShift;
  const Route* route = nullptr;
  if (chain) {
    if (chain > table.route_count) return 0;
    route = table.routes[chain - 1];
  }
  uint32_t total = table.middleware.count + (route ? route->directives.count : 0);
  if (stop > total || (outcome != kPass && stop == total)) return 0;  // not a set of this table

  FieldList list(out, capacity);
  // The answer's own fields first (the preflight's, the 401's challenge);
  // the operations of the steps before the end then apply on top, as
  // middleware that ran earlier changes the answer of a later one.
  if (outcome == kPreflight || outcome == kPreflightWithHeaders) {
    const Directive& d = step_at(table, route, stop);
    if (d.kind != kCorsDirective) return 0;
    const CorsPolicy& cors = *d.cors;
    if (variant) list.add(HOTPATH_TEXT("Access-Control-Allow-Origin"), origin_text(cors, variant));
    if (cors.credentials) list.add(HOTPATH_TEXT("Access-Control-Allow-Credentials"), HOTPATH_TEXT("true"));
    list.add(HOTPATH_TEXT("Access-Control-Allow-Methods"), cors.methods);
    if (cors.allow_headers.size) list.add(HOTPATH_TEXT("Access-Control-Allow-Headers"), cors.allow_headers);
    if (cors.has_max_age) list.add(HOTPATH_TEXT("Access-Control-Max-Age"), cors.max_age);
    bool vary_origin = cors.origin_count != 0;
    bool vary_headers = cors.allow_headers.size == 0 && outcome == kPreflightWithHeaders;
    if (vary_origin && vary_headers) {
      list.add(HOTPATH_TEXT("Vary"), HOTPATH_TEXT("Origin, Access-Control-Request-Headers"));
    } else if (vary_origin) {
      list.add(HOTPATH_TEXT("Vary"), HOTPATH_TEXT("Origin"));
    } else if (vary_headers) {
      list.add(HOTPATH_TEXT("Vary"), HOTPATH_TEXT("Access-Control-Request-Headers"));
    }
  } else if (outcome == kUnauthorized) {
    const Directive& d = step_at(table, route, stop);
    if (d.kind != kRequireHeaderDirective) return 0;
    if (d.challenge.size) list.add(HOTPATH_TEXT("WWW-Authenticate"), d.challenge);
  }
  for (uint32_t i = 0; i < stop; ++i) {
    const Directive& d = step_at(table, route, i);
    if (d.kind == kHeaderDirective) {
      list.set(d.name, d.value);
    } else if (d.kind == kCorsDirective) {
      const CorsPolicy& cors = *d.cors;
      if (variant) list.set(HOTPATH_TEXT("Access-Control-Allow-Origin"), origin_text(cors, variant));
      if (cors.credentials) list.set(HOTPATH_TEXT("Access-Control-Allow-Credentials"), HOTPATH_TEXT("true"));
      if (cors.origin_count != 0) list.add(HOTPATH_TEXT("Vary"), HOTPATH_TEXT("Origin"));
    }
  }
  return list.count();
}

uint32_t joined_field_value(const HeaderField* fields, uint32_t count, Slice lower_name, char* out,
                            uint32_t capacity) {
  FieldValue value(fields, count, lower_name);
  uint32_t n = value.length();
  if (n > capacity) return n;
  uint32_t at = 0;
  value.each_byte([&](char c) { out[at++] = c; });
  return n;
}

bool header_is_settable(Slice name) {
  static constexpr const char* kOwned[] = {
      "content-type", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade",
      "te",           "trailer",        "proxy-connection",  "date",       "server",     "allow",
  };
  for (const char* owned : kOwned) {
    if (slice_equals_nocase(name, owned)) return false;
  }
  return true;
}

}  // namespace hotpath
