// Segment patterns: a path segment that is more than one static text, one
// plain `:name` or one plain `*name`: constrained parameters
// (`:id{[0-9]+}`), parameters with static text around or between them
// (`v:version`, `:name.:ext`, `:from-:to`), and wildcards with static text
// (`*.png`, `assets*`). Rules: tests/vectors/README.md, "Matching".
#pragma once
#include <stdint.h>

#include "bytes.h"
#include "constraint.h"

namespace hotpath {

// Parameters in one segment.
constexpr uint32_t kMaxSegmentParams = 8;
// Automaton states of a segment with several parameters: each parameter's
// states (2 for an unconstrained one) plus one per byte of the static text
// between its parameters. Bounds the matcher's work per character.
constexpr uint32_t kMaxSegmentStates = 128;

struct SegmentPattern {
  // A segment of parameters (and static text), or, when `wildcard`, the
  // rest of the path from this segment on, between `prefix` and `suffix`.
  bool wildcard;
  Slice prefix;  // decoded static text before the first parameter
  Slice suffix;  // decoded static text after the last parameter
  uint32_t param_count;            // 1 for a wildcard
  const Slice* separators;         // param_count - 1 non-empty ASCII texts between parameters
  const Automaton* const* automata;  // per parameter (any_value_automaton() when unconstrained)
  // For the priority order (tests/vectors/README.md, "Matching" 7) and
  // duplicate shapes: decoded static bytes, constrained parameters, and
  // the segment written without parameter names.
  uint32_t static_bytes;
  uint32_t constrained;
  Slice shape;
};

// Matches a parameter segment's decoded value; on success, out[0..count)
// are the parameters' values (slices of `value`).
bool match_segment(const SegmentPattern& p, Slice value, Slice* out);

// Matches a wildcard pattern against the decoded rest of the path; on
// success *out is the wildcard's value (possibly empty).
bool match_tail(const SegmentPattern& p, Slice rest, Slice* out);

// The order patterns are tried in at one node: true when `a` comes first.
bool pattern_before(const SegmentPattern& a, const SegmentPattern& b);

}  // namespace hotpath
