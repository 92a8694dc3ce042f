// HTTP/1.1 request parsing (RFC 9112), strict, without allocation.
//
// parse_request_head() is stateless in the picohttpparser style: it is given
// all bytes received so far and either finds a complete, valid request head
// at the start, asks for more bytes, or rejects with the status to answer.
// Bodies are framed by the head (Content-Length or chunked) and consumed
// incrementally: by counting for Content-Length, by ChunkedDecoder for
// chunked.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hotpath::http {

enum class ParseResult { kIncomplete, kComplete, kError };

struct ParserLimits {
  uint32_t max_request_line = 8192 + 64;  // longer: 414 (the target alone is limited to 8192 by the router)
  uint32_t max_head_bytes = 16384;        // request line + headers; longer: 431
  uint32_t max_headers = 128;             // more fields: 431
};

enum class BodyFraming : uint8_t { kNone, kContentLength, kChunked };

struct RequestHead {
  const char* method;
  uint32_t method_length;
  const char* target;  // as sent
  uint32_t target_length;
  uint8_t version_minor;  // HTTP/1.<minor>: 0 or 1
  bool keep_alive;        // after the Connection rules of RFC 9112 section 9.3
  bool expect_continue;   // "Expect: 100-continue"
  BodyFraming framing;
  uint64_t content_length;  // kContentLength only
  uint32_t head_length;     // bytes of the head, including empty lines before it and the final CRLF CRLF
  uint16_t error_status;    // kError: 400, 414, 431, 501 or 505
};

// Parses the request head at the start of `data`. kIncomplete: no complete
// head yet and no limit exceeded. kComplete: *head describes it. kError:
// head->error_status says what to answer (then close the connection).
ParseResult parse_request_head(const char* data, size_t length, const ParserLimits& limits, RequestHead* head);

// Incremental decoder of a chunked body (RFC 9112 section 7.1), including
// chunk extensions and the trailer section. Feed it bytes as they come.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(uint32_t max_trailer_bytes = 16384) : max_trailer_bytes_(max_trailer_bytes) {}

  // Consumes bytes of [data, data+length). Sets *consumed (never past the end
  // of the body) and adds payload bytes to *payload. kComplete once the last
  // chunk and trailers are in; kError on malformed framing (answer 400).
  ParseResult feed(const char* data, size_t length, size_t* consumed, uint64_t* payload);

 private:
  enum class State : uint8_t {
    kSize, kSizeAfterDigits,
    // chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ), value = token / quoted-string
    kExtBeforeName, kExtName, kExtAfterName, kExtBeforeValue, kExtValueToken, kExtQuoted, kExtQuotedEscape,
    kExtAfterValue, kSizeLf,
    kData, kDataCr, kDataLf,
    kTrailerLineStart, kTrailerName, kTrailerValue, kTrailerLf, kFinalLf, kDone,
  };
  State state_ = State::kSize;
  uint64_t remaining_ = 0;  // bytes left in the current chunk / current size being read
  uint32_t digits_ = 0;
  bool bws_ = false;  // whitespace seen after a size, name or value
  uint32_t trailer_bytes_ = 0;
  uint32_t max_trailer_bytes_;
};

}  // namespace hotpath::http
