// Percent-decoding (RFC 3986 section 2.1) and UTF-8 validation for paths.
#pragma once
#include <stdint.h>

namespace hotpath {

// Validates a request path (already cut at '?' or '#'): it starts with '/',
// contains no raw control bytes or spaces, every '%' starts a valid "%XX"
// escape, and the decoded bytes are valid UTF-8. Sets *has_escape when the
// path contains at least one '%' (callers then decode segments before use).
bool path_is_valid(const char* path, uint32_t length, bool* has_escape);

// Decodes "%XX" escapes of a range already checked by path_is_valid (or by
// percent_escapes_are_valid). `out` may be the same memory as `in`: the
// output is never longer than the input and never overtakes it. Returns the
// decoded length.
uint32_t percent_decode(const char* in, uint32_t length, char* out);

// True when every '%' in the range starts a "%XX" escape.
bool percent_escapes_are_valid(const char* in, uint32_t length);

// True when the bytes are well-formed UTF-8 (no overlongs, no surrogates,
// nothing above U+10FFFF).
bool utf8_is_valid(const char* bytes, uint32_t length);

}  // namespace hotpath
