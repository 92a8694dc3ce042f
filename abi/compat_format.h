// The text format of the compatibility ABI (handle), as @hotpath/server 0.1.0
// documents it:
//   request:  "GET /hello/rai?x=1\n" [ "name: value\n" ... "\n" body ]
//   response: "200\ncontent-type: text/plain; charset=utf-8\n\nhello rai"
// 405 adds "allow: GET, HEAD\n"; a HEAD answer has no body and carries
// "content-length: N\n" instead; an empty content type sends no line.
#pragma once
#include <stdint.h>

#include "../router/bytes.h"

namespace hotpath::wasm {

struct CompatRequest {
  const char* method;
  uint32_t method_length;
  const char* target;
  uint32_t target_length;
};

// Reads the request line ("METHOD SP TARGET [SP VERSION]" up to "\n" or
// "\r\n" or the end). Header lines and body are accepted and ignored: no
// route depends on them. False when the line is malformed.
bool parse_compat_request(const char* bytes, uint32_t length, CompatRequest* out);

struct CompatResponse {
  uint32_t status;
  Slice content_type;
  Slice allow;  // empty unless 405
  Slice body;
  bool head;    // send content-length instead of the body
};

uint32_t compat_response_size(const CompatResponse& r);
void write_compat_response(const CompatResponse& r, char* out);

}  // namespace hotpath::wasm
