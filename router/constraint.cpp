#include "constraint.h"

namespace hotpath {
namespace {

// A set of positions of the position automaton (0 is the start).
struct Bits {
  uint64_t w[2];
  void set(uint32_t i) { w[i >> 6] |= uint64_t{1} << (i & 63); }
  bool empty() const { return (w[0] | w[1]) == 0; }
  void add(const Bits& o) {
    w[0] |= o.w[0];
    w[1] |= o.w[1];
  }
};

bool same(const Bits& a, const Bits& b) { return a.w[0] == b.w[0] && a.w[1] == b.w[1]; }

Bits intersect(const Bits& a, const Bits& b) { return Bits{{a.w[0] & b.w[0], a.w[1] & b.w[1]}}; }

// Calls f(p) for every position in the set.
template <typename F>
void each(const Bits& b, F f) {
  for (uint32_t k = 0; k < 2; ++k) {
    for (uint64_t word = b.w[k]; word; word &= word - 1) f(k * 64 + static_cast<uint32_t>(__builtin_ctzll(word)));
  }
}

// A set of symbols (bit 128: any non-ASCII character).
struct SymbolSet {
  uint64_t w[3];
  void set(uint32_t s) { w[s >> 6] |= uint64_t{1} << (s & 63); }
  bool has(uint32_t s) const { return (w[s >> 6] >> (s & 63)) & 1; }
  void range(uint32_t lo, uint32_t hi) {
    for (uint32_t s = lo; s <= hi; ++s) set(s);
  }
  void add(const SymbolSet& o) {
    for (uint32_t k = 0; k < 3; ++k) w[k] |= o.w[k];
  }
  void invert() {
    w[0] = ~w[0];
    w[1] = ~w[1];
    w[2] = ~w[2] & 1;
  }
};

// The first, last and nullable sets of a subexpression.
struct Frag {
  bool nullable;
  Bits first;
  Bits last;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// \d \w \s and their complements; false for any other letter.
bool class_escape(char c, SymbolSet* set) {
  SymbolSet s{};
  char lower = ascii_lower(c);
  if (lower == 'd') {
    s.range('0', '9');
  } else if (lower == 'w') {
    s.range('0', '9');
    s.range('A', 'Z');
    s.range('a', 'z');
    s.set('_');
  } else if (lower == 's') {
    s.set(' ');
    s.range('\t', '\r');
  } else {
    return false;
  }
  if (c != lower) s.invert();
  *set = s;
  return true;
}

class Builder {
 public:
  Builder(Slice text, ConstraintError* error) : s_(text.data), n_(text.size), error_(error) {}

  bool parse(Frag* top) {
    if (!alternation(0, top)) return false;
    if (i_ < n_) return fail("unbalanced ')'");
    return true;
  }

  bool build(const Frag& top, Arena& arena, const Automaton** out);

 private:
  bool fail(const char* reason, uint32_t number = 0, const char* tail = "") {
    *error_ = ConstraintError{reason, number, tail, false};
    return false;
  }

  bool position(const SymbolSet& set, Frag* f) {
    if (positions_ == kMaxConstraintPositions) {
      return fail("more than ", kMaxConstraintPositions, " symbols once its repetitions are written out");
    }
    uint32_t p = ++positions_;
    sets_[p] = set;
    follow_[p] = Bits{};
    *f = Frag{false, Bits{}, Bits{}};
    f->first.set(p);
    f->last.set(p);
    return true;
  }

  void concat(Frag* a, const Frag& b) {
    each(a->last, [&](uint32_t p) { follow_[p].add(b.first); });
    if (a->nullable) a->first.add(b.first);
    Bits last = b.last;
    if (b.nullable) last.add(a->last);
    a->last = last;
    a->nullable = a->nullable && b.nullable;
  }

  void loop(const Frag& a) {
    each(a.last, [&](uint32_t p) { follow_[p].add(a.first); });
  }

  // alternation := concatenation ('|' concatenation)*
  bool alternation(uint32_t depth, Frag* f) {
    if (!concatenation(depth, f)) return false;
    while (i_ < n_ && s_[i_] == '|') {
      ++i_;
      Frag g;
      if (!concatenation(depth, &g)) return false;
      f->nullable = f->nullable || g.nullable;
      f->first.add(g.first);
      f->last.add(g.last);
    }
    return true;
  }

  // concatenation := repeat*, with '^' first and '$' last at the top level
  bool concatenation(uint32_t depth, Frag* f) {
    *f = Frag{true, Bits{}, Bits{}};
    bool start = true;
    while (i_ < n_ && s_[i_] != '|' && s_[i_] != ')') {
      char c = s_[i_];
      if (c == '^' || c == '$') {
        bool end = i_ + 1 == n_ || s_[i_ + 1] == '|';
        if (depth > 0 || (c == '^' ? !start : !end)) {
          return fail("'^' and '$' may only start and end the constraint");
        }
        ++i_;
        continue;
      }
      start = false;
      Frag g;
      if (!repeat(depth, &g)) return false;
      concat(f, g);
    }
    return true;
  }

  // repeat := atom quantifier?
  bool repeat(uint32_t depth, Frag* f) {
    uint32_t atom_start = i_;
    if (!atom(depth, f)) return false;
    uint32_t atom_end = i_;
    if (i_ == n_) return true;
    char c = s_[i_];
    uint32_t min = 0;
    uint32_t max = 0;  // kUnbounded: no maximum
    constexpr uint32_t kUnbounded = 0xFFFFFFFFu;
    if (c == '*') {
      min = 0, max = kUnbounded, ++i_;
    } else if (c == '+') {
      min = 1, max = kUnbounded, ++i_;
    } else if (c == '?') {
      min = 0, max = 1, ++i_;
    } else if (c == '{') {
      if (!counts(&min, &max, kUnbounded)) return false;
    } else {
      return true;
    }
    if (i_ < n_ && (s_[i_] == '*' || s_[i_] == '+' || s_[i_] == '?' || s_[i_] == '{')) {
      return fail("a quantifier cannot follow a quantifier (lazy and possessive forms are not supported)");
    }
    if (c == '*' || c == '+' || c == '?') {
      if (c != '?') loop(*f);
      if (c != '+') f->nullable = true;
      return true;
    }
    // {m,n}: m copies, then max - m optional ones (or, unbounded, the last
    // required copy repeated). Copies after the first parse the atom again.
    uint32_t copies = max == kUnbounded ? (min == 0 ? 1 : min) : max;
    Frag result{true, Bits{}, Bits{}};
    uint32_t after = i_;
    for (uint32_t k = 0; k < copies; ++k) {
      Frag copy = *f;
      if (k > 0) {
        i_ = atom_start;
        if (!atom(depth, &copy)) return false;
        i_ = atom_end;
      }
      if (max == kUnbounded && k == copies - 1) {
        loop(copy);
        if (min == 0) copy.nullable = true;
      } else if (k >= min) {
        copy.nullable = true;
      }
      concat(&result, copy);
    }
    i_ = after;
    *f = result;
    return true;
  }

  // {m}, {m,}, {m,n} at i_ (a '{').
  bool counts(uint32_t* min, uint32_t* max, uint32_t unbounded) {
    uint32_t j = i_ + 1;
    uint32_t values[2] = {0, 0};
    uint32_t digits[2] = {0, 0};
    bool comma = false;
    for (; j < n_ && s_[j] != '}'; ++j) {
      char c = s_[j];
      if (c == ',' && !comma) {
        comma = true;
      } else if (is_digit(c)) {
        uint32_t& v = values[comma];
        if (v <= kMaxConstraintPositions) v = v * 10 + static_cast<uint32_t>(c - '0');
        ++digits[comma];
      } else {
        break;
      }
    }
    if (j == n_ || s_[j] != '}' || digits[0] == 0) return fail("invalid repetition: write {m}, {m,} or {m,n}");
    *min = values[0];
    *max = !comma ? values[0] : digits[1] == 0 ? unbounded : values[1];
    if (*max != unbounded && *max < *min) return fail("invalid repetition: the minimum is above the maximum");
    if (*min > kMaxConstraintPositions || (*max != unbounded && *max > kMaxConstraintPositions)) {
      return fail("more than ", kMaxConstraintPositions, " symbols once its repetitions are written out");
    }
    i_ = j + 1;
    return true;
  }

  bool atom(uint32_t depth, Frag* f) {
    char c = s_[i_];
    SymbolSet set{};
    if (c == '(') {
      if (depth + 1 > kMaxConstraintDepth) return fail("groups nested more than ", kMaxConstraintDepth, " deep");
      ++i_;
      if (i_ < n_ && s_[i_] == '?') {
        if (i_ + 1 >= n_ || s_[i_ + 1] != ':') return fail("'(?' starts only a (?:...) group");
        i_ += 2;
      }
      if (!alternation(depth + 1, f)) return false;
      if (i_ == n_) return fail("missing ')'");
      ++i_;
      return true;
    }
    if (c == '[') return character_class(f);
    if (c == '*' || c == '+' || c == '?' || c == '{') return fail("nothing to repeat before a quantifier");
    if (c == ']' || c == '}') return fail("unbalanced ']' or '}' (write \\] or \\})");
    ++i_;
    if (c == '.') {
      set.invert();
    } else if (c == '\\') {
      if (i_ == n_) return fail("a '\\' ends the constraint");
      char e = s_[i_++];
      if (!class_escape(e, &set)) {
        if (is_alnum(e)) return fail("unknown escape (escapes are \\d \\w \\s \\D \\W \\S and \\ before punctuation)");
        set.set(static_cast<uint8_t>(e));
      }
    } else {
      set.set(static_cast<uint8_t>(c));
    }
    return position(set, f);
  }

  // One literal of a class at i_: a character or an escaped punctuation
  // character. *is_set: it was \d, \w, \s or a complement (into *set).
  bool class_item(uint32_t* symbol, SymbolSet* set, bool* is_set) {
    char c = s_[i_++];
    *is_set = false;
    if (c == '[') return fail("'[' inside a character class (write \\[)");
    if (c != '\\') {
      *symbol = static_cast<uint8_t>(c);
      return true;
    }
    if (i_ == n_) return fail("unterminated character class");
    char e = s_[i_++];
    if (class_escape(e, set)) {
      *is_set = true;
      return true;
    }
    if (is_alnum(e)) return fail("unknown escape (escapes are \\d \\w \\s \\D \\W \\S and \\ before punctuation)");
    *symbol = static_cast<uint8_t>(e);
    return true;
  }

  bool character_class(Frag* f) {
    ++i_;  // '['
    bool negate = i_ < n_ && s_[i_] == '^';
    if (negate) ++i_;
    if (i_ < n_ && s_[i_] == ']') return fail("empty character class");
    SymbolSet set{};
    for (;;) {
      if (i_ == n_) return fail("unterminated character class");
      if (s_[i_] == ']') break;
      uint32_t lo = 0;
      SymbolSet item{};
      bool is_set = false;
      if (!class_item(&lo, &item, &is_set)) return false;
      if (is_set) {
        set.add(item);
        continue;
      }
      if (i_ + 1 < n_ && s_[i_] == '-' && s_[i_ + 1] != ']') {
        ++i_;
        uint32_t hi = 0;
        if (!class_item(&hi, &item, &is_set)) return false;
        if (is_set || hi < lo) return fail("invalid range in a character class");
        set.range(lo, hi);
      } else {
        set.set(lo);
      }
    }
    ++i_;  // ']'
    if (negate) set.invert();
    return position(set, f);
  }

  const char* s_;
  uint32_t n_;
  uint32_t i_ = 0;
  ConstraintError* error_;
  uint32_t positions_ = 0;
  SymbolSet sets_[kMaxConstraintPositions + 1];
  Bits follow_[kMaxConstraintPositions + 1];
};

bool Builder::build(const Frag& top, Arena& arena, const Automaton** out) {
  follow_[0] = top.first;
  // Symbol classes: symbols that every position treats alike.
  Bits signature[kMaxConstraintClasses];
  uint8_t class_of[kSymbolCount];
  uint32_t classes = 0;
  for (uint32_t s = 0; s < kSymbolCount; ++s) {
    Bits sig{};
    for (uint32_t p = 1; p <= positions_; ++p) {
      if (sets_[p].has(s)) sig.set(p);
    }
    uint32_t c = 0;
    while (c < classes && !same(signature[c], sig)) ++c;
    if (c == classes) {
      if (classes == kMaxConstraintClasses) return fail("more than ", kMaxConstraintClasses, " symbol classes");
      signature[classes++] = sig;
    }
    class_of[s] = static_cast<uint8_t>(c);
  }
  // Subset construction: state 0 the empty set (dead), state 1 {start}.
  constexpr uint32_t kStates = kMaxConstraintStates + 1;
  Bits subset[kStates];
  uint8_t next[kStates * kMaxConstraintClasses];
  subset[0] = Bits{};
  subset[1] = Bits{};
  subset[1].set(0);
  uint32_t count = 2;
  for (uint32_t c = 0; c < classes; ++c) next[c] = 0;
  for (uint32_t k = 1; k < count; ++k) {
    Bits reach{};
    each(subset[k], [&](uint32_t p) { reach.add(follow_[p]); });
    for (uint32_t c = 0; c < classes; ++c) {
      Bits to = intersect(reach, signature[c]);
      uint32_t j = 0;
      while (j < count && !same(subset[j], to)) ++j;
      if (j == count) {
        if (count == kStates) return fail("more than ", kMaxConstraintStates, " automaton states");
        subset[count++] = to;
      }
      next[k * classes + c] = static_cast<uint8_t>(j);
    }
  }
  Automaton* a = arena.allocate_array<Automaton>(1);
  uint8_t* table = arena.allocate_array<uint8_t>(count * classes);
  uint8_t* accepting = arena.allocate_array<uint8_t>(count);
  if (!a || !table || !accepting) {
    *error_ = ConstraintError{"", 0, "", true};
    return false;
  }
  for (uint32_t s = 0; s < kSymbolCount; ++s) a->class_of[s] = class_of[s];
  for (uint32_t k = 0; k < count * classes; ++k) table[k] = next[k];
  for (uint32_t k = 1; k < count; ++k) accepting[k] = !intersect(subset[k], top.last).empty();
  a->class_count = static_cast<uint8_t>(classes);
  a->state_count = static_cast<uint8_t>(count);
  a->next = table;
  a->accepting = accepting;
  *out = a;
  return true;
}

constexpr uint8_t kAnyNext[3] = {0, 2, 2};
constexpr uint8_t kAnyAccepting[3] = {0, 0, 1};
constexpr Automaton kAnyValue{{}, 1, 3, kAnyNext, kAnyAccepting};

}  // namespace

const Automaton& any_value_automaton() { return kAnyValue; }

bool automaton_accepts(const Automaton& a, const char* text, uint32_t length) {
  uint32_t state = 1;
  for (uint32_t i = 0; i < length;) {
    uint32_t size;
    uint32_t symbol = symbol_at(text, i, &size);
    state = a.next[state * a.class_count + a.class_of[symbol]];
    if (state == 0) return false;
    i += size;
  }
  return a.accepting[state] != 0;
}

const Automaton* compile_constraint(Slice text, Arena& arena, ConstraintError* error) {
  if (text.size == 0) {
    *error = ConstraintError{"empty constraint", 0, "", false};
    return nullptr;
  }
  if (text.size > kMaxConstraintLength) {
    *error = ConstraintError{"longer than ", kMaxConstraintLength, " bytes", false};
    return nullptr;
  }
  for (uint32_t i = 0; i < text.size; ++i) {
    if (static_cast<uint8_t>(text.data[i]) >= 0x80) {
      *error = ConstraintError{"a constraint is ASCII (a non-ASCII character matches '.' and negated classes)", 0, "",
                               false};
      return nullptr;
    }
  }
  // The builder's tables are a few KiB: on the stack, only while loading.
  Builder builder(text, error);
  Frag top;
  const Automaton* automaton = nullptr;
  if (!builder.parse(&top) || !builder.build(top, arena, &automaton)) return nullptr;
  return automaton;
}

}  // namespace hotpath
