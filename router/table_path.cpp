// The PATH column of route and PROXY lines: segments, parameters and their
// constraints, wildcards, optional segments (tests/vectors/README.md, "Route
// table" and "Matching"). adapters/routing/pattern.ts is the same parser in
// TypeScript: the same checks in the same order, with the same words.
#include "percent.h"
#include "table_parser.h"

namespace hotpath::detail {
namespace {

// Where the constraint opened by text[open] ('{') ends: the index of its
// closing '}', or text.size when it does not close. Braces nest (`{4}`),
// and a '\' or a character class hides the next '}'.
uint32_t constraint_end(Slice text, uint32_t open) {
  uint32_t depth = 0;
  for (uint32_t k = open; k < text.size; ++k) {
    char c = text.data[k];
    if (c == '\\') {
      ++k;
    } else if (c == '[') {
      for (++k; k < text.size && text.data[k] != ']'; ++k) {
        if (text.data[k] == '\\') ++k;
      }
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return k;
    }
  }
  return text.size;
}

// The end of the parameter name (and constraint) after the ':' at text[i]:
// the index of what follows them.
uint32_t parameter_end(Slice text, uint32_t i) {
  uint32_t j = i + 1;
  while (j < text.size && is_name_char(text.data[j])) ++j;
  if (j < text.size && text.data[j] == '{') {
    j = constraint_end(text, j);
    if (j < text.size) ++j;
  }
  return j;
}

// Spaces and control bytes are never allowed; '?' and '#' only inside a
// constraint, and '?' right after a parameter (an optional one).
bool path_bytes_are_valid(Slice path) {
  for (uint32_t i = 0; i < path.size; ++i) {
    uint8_t c = static_cast<uint8_t>(path.data[i]);
    if (c <= 0x20 || c == 0x7F) return false;
  }
  for (uint32_t i = 0; i < path.size; ++i) {
    char c = path.data[i];
    if (c == ':') {
      i = parameter_end(path, i);
      if (i < path.size && path.data[i] != '?') --i;  // look at what follows again
    } else if (c == '?' || c == '#') {
      return false;
    }
  }
  return true;
}

// The next segment boundary: a '/' outside any constraint, or path.size.
uint32_t segment_end(Slice path, uint32_t start) {
  uint32_t i = start;
  while (i < path.size && path.data[i] != '/') i = path.data[i] == ':' ? parameter_end(path, i) : i + 1;
  return i < path.size ? i : path.size;
}

// One piece of a segment: static text (decoded) or a capture.
struct Part {
  bool capture;
  bool wildcard;
  bool optional;
  Slice text;  // decoded static text, or the capture's name
  const Automaton* automaton;  // a parameter's (nullptr: unconstrained)
  Slice constraint;
};

constexpr uint32_t kMaxParts = 2 * kMaxSegmentParams + 2;

constexpr char kNames[] = ": names match [A-Za-z_][A-Za-z0-9_]*";
constexpr char kNamesDash[] =
    ": names match [A-Za-z_][A-Za-z0-9_]* (a '-' and a name character after a name: write the '-' as %2D)";

// The segment as written without names, static text escaped so that ':',
// '*', '{', '}' and '%' only ever stand for syntax: equal shapes are equal
// patterns.
uint32_t write_shape(const Part* parts, uint32_t count, char* out) {
  constexpr char kHex[] = "0123456789ABCDEF";
  uint32_t n = 0;
  for (uint32_t p = 0; p < count; ++p) {
    const Part& part = parts[p];
    if (!part.capture) {
      for (uint32_t i = 0; i < part.text.size; ++i) {
        uint8_t c = static_cast<uint8_t>(part.text.data[i]);
        if (c == ':' || c == '*' || c == '{' || c == '}' || c == '%') {
          out[n++] = '%';
          out[n++] = kHex[c >> 4];
          out[n++] = kHex[c & 15];
        } else {
          out[n++] = static_cast<char>(c);
        }
      }
    } else if (part.wildcard) {
      out[n++] = '*';
    } else {
      out[n++] = ':';
      if (part.automaton) {
        out[n++] = '{';
        for (uint32_t i = 0; i < part.constraint.size; ++i) out[n++] = part.constraint.data[i];
        out[n++] = '}';
      }
    }
  }
  return n;
}

}  // namespace

// "line N: BEFORE 'QUOTED'AFTER": most path errors, written in one place.
__attribute__((noinline)) bool Parser::fail_quoting(const char* before, Slice quoted, const char* after) {
  MessageWriter w = fail();
  w.text(before).excerpt(quoted).text(after);
  return finish(w);
}

bool Parser::parse_path(Slice path, PatternSegment* segments, uint32_t* segment_count, Slice* names,
                        uint32_t* name_count) {
  if (path.size == 0 || path.data[0] != '/') {
    return fail_quoting("invalid path ", path, ": a path starts with '/'");
  }
  if (!path_bytes_are_valid(path)) {
    return fail_quoting("invalid path ", path, ": spaces, control bytes, '?' and '#' are not allowed in a path");
  }
  uint32_t count = 0;
  uint32_t params = 0;
  uint32_t start = 1;
  Slice optional{nullptr, 0};  // the first optional segment, once there is one
  for (;;) {
    uint32_t end = segment_end(path, start);
    Slice text{path.data + start, end - start};
    bool last = end == path.size;
    if (count == kMaxSegments) {
      MessageWriter w = fail();
      w.text("path has more than ").number(kMaxSegments).text(" segments");
      return finish(w);
    }
    PatternSegment& seg = segments[count++];
    if (!parse_segment(text, last, &seg, names, &params)) return false;
    if (optional.data && !seg.optional) {
      return fail_quoting("optional parameter ", optional, " must be followed only by optional segments");
    }
    if (seg.optional && !optional.data) optional = text;
    if (last) break;
    start = end + 1;
  }
  *segment_count = count;
  *name_count = params;
  return true;
}

bool Parser::parse_segment(Slice text, bool last, PatternSegment* seg, Slice* names, uint32_t* params) {
  Part parts[kMaxParts];
  uint32_t count = 0;
  uint32_t captures = 0;  // parameters of this segment
  bool wildcard_here = false;
  uint32_t static_start = 0;
  for (uint32_t i = 0;; ++i) {
    bool at_end = i == text.size;
    if (!at_end && text.data[i] != ':' && text.data[i] != '*') continue;
    if (i > static_start) {
      Slice raw{text.data + static_start, i - static_start};
      if (!percent_escapes_are_valid(raw.data, raw.size)) {
        return fail_quoting("invalid percent escape in path segment ", text, "");
      }
      char* stored = arena.allocate_array<char>(raw.size);
      if (!stored) return out_of_memory();
      uint32_t n = percent_decode(raw.data, raw.size, stored);
      if (!utf8_is_valid(stored, n)) {
        return fail_quoting("path segment ", text, " decodes to invalid UTF-8");
      }
      parts[count++] = Part{false, false, false, Slice{stored, n}, nullptr, Slice{"", 0}};
    }
    if (at_end) break;
    bool wildcard = text.data[i] == '*';
    uint32_t j = i + 1;
    while (j < text.size && is_name_char(text.data[j])) ++j;
    Slice name{text.data + i + 1, j - i - 1};
    if (wildcard && !last) {
      return fail_quoting("wildcard ", text, " must be the last segment of the path");
    }
    if (!(wildcard && name.size == 0) && !is_identifier(name)) {
      return fail_quoting(wildcard ? "invalid wildcard name " : "invalid parameter name ", text, kNames);
    }
    // `:na-me` is one name to Hono and rou3, a name and "-me" to
    // find-my-way: refused, so that no one gets the reading they did not mean.
    if (name.size && j + 1 < text.size && text.data[j] == '-' && is_name_char(text.data[j + 1])) {
      return fail_quoting(wildcard ? "invalid wildcard name " : "invalid parameter name ", text, kNamesDash);
    }
    if (wildcard ? captures > 0 : wildcard_here) {
      return fail_quoting("wildcard segment ", text, " cannot hold a parameter");
    }
    if (wildcard && wildcard_here) {
      return fail_quoting("segment ", text, " has more than one wildcard");
    }
    if (count > 0 && parts[count - 1].capture) {
      return fail_quoting("parameters in segment ", text, " need static text between them");
    }
    if (!wildcard && captures == kMaxSegmentParams) {
      MessageWriter w = fail();
      w.text("segment ").excerpt(text).text(" has more than ").number(kMaxSegmentParams).text(" parameters");
      return finish(w);
    }
    for (uint32_t k = 0; k < *params; ++k) {
      if (name.size && names[k].size == name.size && bytes_equal(names[k].data, name.data, name.size)) {
        return fail_quoting("duplicate parameter name ", name, " in path");
      }
    }
    if (*params == kMaxParams) {
      MessageWriter w = fail();
      w.text("path has more than ").number(kMaxParams).text(" parameters");
      return finish(w);
    }
    char* stored = copy(name);
    if (!stored) return out_of_memory();
    names[(*params)++] = Slice{stored, name.size};
    Part part{true, wildcard, false, Slice{stored, name.size}, nullptr, Slice{"", 0}};
    if (!wildcard && j < text.size && text.data[j] == '{') {
      uint32_t close = constraint_end(text, j);
      if (close == text.size) {
        return fail_quoting("unterminated constraint in segment ", text, " (no closing '}')");
      }
      Slice constraint{text.data + j + 1, close - j - 1};
      ConstraintError error{};
      const Automaton* automaton = compile_constraint(constraint, arena, &error);
      if (!automaton) {
        if (error.out_of_memory) return out_of_memory();
        MessageWriter w = fail();
        w.text("invalid constraint ").excerpt(constraint).text(" of parameter ").excerpt(name).text(": ").text(error.reason);
        if (error.number) w.number(error.number).text(error.tail);
        return finish(w);
      }
      char* kept = copy(constraint);
      if (!kept) return out_of_memory();
      part.automaton = automaton;
      part.constraint = Slice{kept, constraint.size};
      j = close + 1;
    }
    if (!wildcard && j < text.size && text.data[j] == '?') {
      part.optional = true;
      ++j;
    }
    parts[count++] = part;
    captures += !wildcard;
    wildcard_here = wildcard_here || wildcard;
    i = j - 1;
    static_start = j;
  }
  bool optional = false;
  for (uint32_t p = 0; p < count; ++p) optional = optional || parts[p].optional;
  if (optional && count != 1) {
    return fail_quoting("optional parameter in segment ", text, " must be the whole segment");
  }
  seg->optional = optional;
  seg->pattern = nullptr;
  // A static segment, a plain parameter, a plain wildcard: the tree's own
  // children, as before patterns existed.
  if (count == 0) {
    seg->kind = PatternSegment::kStatic;
    seg->text = Slice{"", 0};
    return true;
  }
  if (count == 1 && !parts[0].automaton) {
    seg->kind = !parts[0].capture ? PatternSegment::kStatic
                : parts[0].wildcard ? PatternSegment::kWildcard
                                    : PatternSegment::kParam;
    seg->text = parts[0].text;
    return true;
  }
  uint32_t k = wildcard_here ? 1 : captures;
  SegmentPattern* p = arena.allocate_array<SegmentPattern>(1);
  Slice* separators = arena.allocate_array<Slice>(k);
  const Automaton** automata = arena.allocate_array<const Automaton*>(k);
  char* shape = arena.allocate_array<char>(3 * text.size + 1);
  if (!p || !separators || !automata || !shape) return out_of_memory();
  p->wildcard = wildcard_here;
  p->param_count = k;
  p->prefix = parts[0].capture ? Slice{"", 0} : parts[0].text;
  p->suffix = parts[count - 1].capture ? Slice{"", 0} : parts[count - 1].text;
  uint32_t at = 0;
  uint32_t states = 0;
  for (uint32_t q = 0; q < count; ++q) {
    const Part& part = parts[q];
    if (!part.capture) {
      p->static_bytes += part.text.size;
      continue;
    }
    automata[at] = part.automaton ? part.automaton : &any_value_automaton();
    p->constrained += part.automaton != nullptr;
    states += automata[at]->state_count - 1u;
    if (q + 2 < count) {
      // The separator after this parameter (another one follows it).
      Slice s = parts[q + 1].text;
      for (uint32_t b = 0; b < s.size; ++b) {
        if (static_cast<uint8_t>(s.data[b]) >= 0x80) {
          return fail_quoting("the text between parameters in segment ", text, " must be ASCII");
        }
      }
      separators[at] = s;
      states += s.size;
    }
    ++at;
  }
  if (k > 1 && states > kMaxSegmentStates) {
    MessageWriter w = fail();
    w.text("segment ").excerpt(text).text(" needs more than ").number(kMaxSegmentStates).text(" automaton states");
    return finish(w);
  }
  p->separators = separators;
  p->automata = automata;
  p->shape = Slice{shape, write_shape(parts, count, shape)};
  seg->kind = wildcard_here ? PatternSegment::kTail : PatternSegment::kPattern;
  seg->text = wildcard_here ? (parts[0].capture ? parts[0].text : parts[1].text) : Slice{"", 0};
  seg->pattern = p;
  return true;
}

}  // namespace hotpath::detail
