#include "segment.h"

namespace hotpath {
namespace {

// The matcher of a segment with several parameters (P1 S1 P2 ... Pk, the
// prefix and suffix already cut off): a Pike VM over the parameters'
// automata and the separators' bytes. Threads are kept in priority order,
// one per automaton state, so each character costs at most one step per
// state (linear in the segment's length). A thread inside parameter j,
// in an accepting state, may go on in j (tried first) or leave it for the
// separator after it: the first thread to reach the end gives each
// parameter, from left to right, the longest value with which the rest
// still matches.
struct Thread {
  uint8_t part;  // 2j: inside parameter j; 2j + 1: inside separator j (after parameter j)
  uint8_t sub;   // automaton state, or bytes of the separator matched
  uint16_t ends[kMaxSegmentParams - 1];  // where parameters 0..j-1 end (offsets in the middle)
};

constexpr uint32_t kMaxThreads = kMaxSegmentStates + 2 * kMaxSegmentParams;

class Machine {
 public:
  explicit Machine(const SegmentPattern& p) : p_(p) {
    uint32_t at = 0;
    for (uint32_t part = 0; part + 1 < 2 * p.param_count; ++part) {
      base_[part] = static_cast<uint16_t>(at);
      at += part % 2 == 0 ? p.automata[part / 2]->state_count : p.separators[part / 2].size + 1;
    }
    for (uint32_t id = 0; id < at; ++id) mark_[id] = 0;  // only the states this pattern has
  }

  bool run(Slice middle, Slice* out) {
    const uint32_t last = p_.param_count - 1;
    Thread* current = a_;
    Thread* next = b_;
    uint32_t count = 0;
    for (uint32_t i = 0; i < middle.size;) {
      uint32_t size;
      uint32_t symbol = symbol_at(middle.data, i, &size);
      next_count_ = 0;
      ++stamp_;
      if (i == 0) {
        Thread start{};
        enter(next, start, 0, symbol);
      }
      for (uint32_t t = 0; t < count; ++t) {
        const Thread& th = current[t];
        uint32_t j = th.part / 2;
        if (th.part % 2 == 0) {
          const Automaton& a = *p_.automata[j];
          add(next, th, th.part, a.next[th.sub * a.class_count + a.class_of[symbol]]);
          if (j < last && a.accepting[th.sub] && static_cast<uint8_t>(p_.separators[j].data[0]) == symbol) {
            Thread left = th;
            left.ends[j] = static_cast<uint16_t>(i);
            add(next, left, th.part + 1, 1);
          }
        } else if (th.sub < p_.separators[j].size) {
          if (static_cast<uint8_t>(p_.separators[j].data[th.sub]) == symbol) add(next, th, th.part, th.sub + 1);
        } else {
          enter(next, th, th.part + 1, symbol);
        }
      }
      Thread* swap = current;
      current = next;
      next = swap;
      count = next_count_;
      if (count == 0) return false;
      i += size;
    }
    for (uint32_t t = 0; t < count; ++t) {
      const Thread& th = current[t];
      if (th.part != 2 * last || !p_.automata[last]->accepting[th.sub]) continue;
      uint32_t start = 0;
      for (uint32_t j = 0; j < last; ++j) {
        out[j] = Slice{middle.data + start, th.ends[j] - start};
        start = th.ends[j] + p_.separators[j].size;
      }
      out[last] = Slice{middle.data + start, middle.size - start};
      return true;
    }
    return false;
  }

 private:
  // The first symbol of parameter part / 2, from its start state.
  void enter(Thread* list, const Thread& from, uint32_t part, uint32_t symbol) {
    const Automaton& a = *p_.automata[part / 2];
    add(list, from, part, a.next[1 * a.class_count + a.class_of[symbol]]);
  }

  void add(Thread* list, const Thread& from, uint32_t part, uint32_t sub) {
    if (part % 2 == 0 && sub == 0) return;  // the dead state
    uint32_t id = base_[part] + sub;
    if (mark_[id] == stamp_) return;  // a thread of higher priority is there
    mark_[id] = stamp_;
    Thread& t = list[next_count_++];
    t = from;
    t.part = static_cast<uint8_t>(part);
    t.sub = static_cast<uint8_t>(sub);
  }

  const SegmentPattern& p_;
  uint16_t base_[2 * kMaxSegmentParams];
  uint32_t mark_[kMaxThreads];
  uint32_t stamp_ = 0;
  uint32_t next_count_ = 0;
  Thread a_[kMaxThreads];
  Thread b_[kMaxThreads];
};

// Kept out of the matcher's frame: its few KiB of threads are only on the
// stack while a segment with several parameters is being matched.
__attribute__((noinline)) bool split_middle(const SegmentPattern& p, Slice middle, Slice* out) {
  Machine machine(p);
  return machine.run(middle, out);
}

int compare_bytes(Slice a, Slice b) {
  uint32_t n = a.size < b.size ? a.size : b.size;
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t x = static_cast<uint8_t>(a.data[i]);
    uint8_t y = static_cast<uint8_t>(b.data[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size == b.size ? 0 : a.size < b.size ? -1 : 1;
}

}  // namespace

__attribute__((noinline)) bool match_segment(const SegmentPattern& p, Slice value, Slice* out) {
  uint32_t fixed = p.prefix.size + p.suffix.size;
  if (value.size <= fixed) return false;  // every parameter takes one character or more
  if (!bytes_equal(value.data, p.prefix.data, p.prefix.size) ||
      !bytes_equal(value.data + value.size - p.suffix.size, p.suffix.data, p.suffix.size)) {
    return false;
  }
  Slice middle{value.data + p.prefix.size, value.size - fixed};
  if (p.param_count > 1) return split_middle(p, middle, out);
  const Automaton* a = p.automata[0];
  if (a != &any_value_automaton() && !automaton_accepts(*a, middle.data, middle.size)) return false;
  out[0] = middle;
  return true;
}

__attribute__((noinline)) bool match_tail(const SegmentPattern& p, Slice rest, Slice* out) {
  uint32_t fixed = p.prefix.size + p.suffix.size;
  if (rest.size < fixed) return false;
  if (!bytes_equal(rest.data, p.prefix.data, p.prefix.size) ||
      !bytes_equal(rest.data + rest.size - p.suffix.size, p.suffix.data, p.suffix.size)) {
    return false;
  }
  *out = Slice{rest.data + p.prefix.size, rest.size - fixed};
  return true;
}

bool pattern_before(const SegmentPattern& a, const SegmentPattern& b) {
  if (a.static_bytes != b.static_bytes) return a.static_bytes > b.static_bytes;
  if (a.constrained != b.constrained) return a.constrained > b.constrained;
  if (a.param_count != b.param_count) return a.param_count < b.param_count;
  return compare_bytes(a.shape, b.shape) < 0;
}

}  // namespace hotpath
