// Parameter constraints (`:id{[0-9]+}`): a small regular-expression language
// compiled at load time into a deterministic automaton, so that matching a
// value costs one table step per character, whatever the constraint (no
// backtracking, linear in the value's length).
//
// The language (tests/vectors/README.md, "Constraints"), over ASCII text:
// literals; `.`; classes `[a-z0-9_-]`, `[^...]`; `\d \w \s \D \W \S`;
// `\` before punctuation for the literal; groups `(...)` and `(?:...)`
// (nothing is captured); `|`; `*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`; `^` at
// the start and `$` at the end (a constraint always matches the whole
// value, so they change nothing). A non-ASCII character of the value is one
// symbol that only `.` and negated classes match.
//
// Construction: the position (Glushkov) automaton of the expression, with
// every `{m,n}` written out, then the subset construction over the symbol
// classes the expression tells apart. The limits below bound the automaton's
// size and the loader's work; a constraint beyond them is a load error.
#pragma once
#include <stdint.h>

#include "arena.h"
#include "bytes.h"

namespace hotpath {

// Bytes of one constraint's text (between its braces).
constexpr uint32_t kMaxConstraintLength = 256;
// Symbols of a constraint once its repetitions are written out (`[0-9]{4}`
// is 4): the states of its position automaton.
constexpr uint32_t kMaxConstraintPositions = 127;
// States of its deterministic automaton (the start state included).
constexpr uint32_t kMaxConstraintStates = 64;
// Symbol classes it tells apart (`[a-z]+\.(png|jpg)` has 8: p, n, g, j,
// the other lowercase letters, '.', and everything else).
constexpr uint32_t kMaxConstraintClasses = 32;
// Groups nested in one another.
constexpr uint32_t kMaxConstraintDepth = 16;

// The alphabet: ASCII bytes 0-127, and one symbol for any non-ASCII character.
constexpr uint32_t kSymbolCount = 129;
constexpr uint32_t kOtherSymbol = 128;

// A deterministic automaton. State 0 is dead, state 1 the start; the start
// state never accepts (a parameter is never empty) and is never re-entered.
struct Automaton {
  uint8_t class_of[kSymbolCount];
  uint8_t class_count;
  uint8_t state_count;       // dead state included
  const uint8_t* next;       // [state * class_count + class]
  const uint8_t* accepting;  // [state]: 1 when the value may end here
};

// The automaton of an unconstrained parameter: any non-empty value.
const Automaton& any_value_automaton();

// The symbol at text[i] (valid UTF-8) and, in *length, its byte length.
inline uint32_t symbol_at(const char* text, uint32_t i, uint32_t* length) {
  uint8_t b = static_cast<uint8_t>(text[i]);
  if (b < 0x80) {
    *length = 1;
    return b;
  }
  *length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  return kOtherSymbol;
}

// Whether the automaton accepts the whole value (valid UTF-8).
bool automaton_accepts(const Automaton& a, const char* text, uint32_t length);

// Why a constraint did not compile: `reason`, then, when `number` is not
// zero, the number and `tail` ("more than " 64 " automaton states").
struct ConstraintError {
  const char* reason;
  uint32_t number;
  const char* tail;
  bool out_of_memory;
};

// Compiles `text` (the constraint between its braces). Returns the automaton
// (in the arena), or nullptr with *error filled in.
const Automaton* compile_constraint(Slice text, Arena& arena, ConstraintError* error);

}  // namespace hotpath
