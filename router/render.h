// The renderer: a matched route plus its parameter values become a body.
//
// Values are escaped for the route's content type so a parameter can never
// change the structure of a JSON or HTML body. Rendering writes into a buffer
// the caller owns and is all-or-nothing: when the buffer is too small nothing
// is written and the size needed is returned, so a response is never
// truncated.
#pragma once
#include <stdint.h>

#include "route.h"

namespace hotpath {

// Picks the escape mode for a Content-Type value (case-insensitive media
// type, parameters after ';' ignored).
EscapeMode escape_mode_for(Slice content_type);

// Whether a response with this status carries Content-Length: not 204
// (RFC 9110 section 8.6) and not 304 (whose Content-Length would describe a
// representation the router does not have); both never have a body.
inline bool status_sends_content_length(uint16_t status) { return status != 204 && status != 304; }

// The exact size of the rendered body.
uint32_t body_size(const Route& route, const Slice* params);

// Writes the body when capacity >= the size and returns the size; otherwise
// writes nothing and returns the size needed.
uint32_t render_body(const Route& route, const Slice* params, char* out, uint32_t capacity);

// Writes the body into `out`, which holds at least body_size() bytes: for a
// host that already has the size (AnswerHead::content_length), so the
// values are not measured again.
void write_body(const Route& route, const Slice* params, char* out);

// The escaped size of one value.
uint32_t escaped_size(EscapeMode mode, Slice value, bool quote);

}  // namespace hotpath
