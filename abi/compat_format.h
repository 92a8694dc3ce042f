// The text format of the compatibility ABI (handle), as @hotpath/server 0.1.0
// documents it:
//   request:  "GET /hello/rai?x=1\n" [ "name: value\n" ... "\n" body ]
//   response: "200\ncontent-type: text/plain; charset=utf-8\n\nhello rai"
// 405 adds "allow: GET, HEAD\n"; the directives' fields follow as lowercase
// "name: value\n" lines; a HEAD answer has no body and carries
// "content-length: N\n" instead (never for 204 and 304); an empty content
// type sends no line.
#pragma once
#include <stdint.h>

#include "../router/directive.h"

namespace hotpath::wasm {

struct CompatRequest {
  const char* method;
  uint32_t method_length;
  const char* target;
  uint32_t target_length;
};

// Reads the request line ("METHOD SP TARGET [SP VERSION]" up to "\n" or
// "\r\n" or the end), then header lines ("name: value") up to an empty line,
// into fields (at most `capacity`; more are ignored, as are lines without a
// colon). The body is ignored. False when the request line is malformed.
bool parse_compat_request(const char* bytes, uint32_t length, CompatRequest* out, HeaderField* fields,
                          uint32_t capacity, uint32_t* field_count);

struct CompatResponse {
  uint32_t status;
  Slice content_type;
  Slice allow;  // empty unless 405
  const HeaderField* extra;  // the directives' fields
  uint32_t extra_count;
  Slice echo;   // Access-Control-Allow-Headers to add (size 0: none)
  Slice body;
  bool has_content_length;  // false for 204 and 304
  bool head;    // send content-length (when it has one) instead of the body
};

uint32_t compat_response_size(const CompatResponse& r);
void write_compat_response(const CompatResponse& r, char* out);

}  // namespace hotpath::wasm
