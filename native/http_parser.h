// HTTP/1.1 request parsing (RFC 9112), strict, without allocation.
//
// parse_request_head() is stateless in the picohttpparser style: it is given
// all bytes received so far and either finds a complete, valid request head
// at the start, asks for more bytes, or rejects with the status to answer.
// Bodies are framed by the head (Content-Length or chunked) and consumed
// incrementally: by counting for Content-Length, by ChunkedDecoder for
// chunked. Header fields can be handed out as (name, value) slices into the
// bytes parsed, like picohttpparser's phr_header, without allocating.
#pragma once
#include <cstddef>
#include <cstdint>

#include "directive.h"
#include "limits.h"

namespace hotpath::http {

enum class ParseResult { kIncomplete, kComplete, kError };

struct ParserLimits {
  uint32_t max_request_line = native::kMaxRequestLineBytes;  // longer: 414
  uint32_t max_head_bytes = native::kDefaultMaxHeaderBytes;  // request line + headers; longer: 431
  uint32_t max_headers = hotpath::kMaxHeaderFields;           // more fields: 431
};

// One header field line: the name as sent, the value without its leading
// and trailing whitespace (RFC 9112 5.1). Both point into the parsed bytes.
// The core's type (router/directive.h), so the fields go to its directives
// as they are.
using HeaderField = hotpath::HeaderField;

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
  uint32_t field_count;     // header fields stored in the caller's array (at most its capacity)
  uint16_t error_status;    // kError: 400, 414, 431, 501 or 505
};

// Parses the request head at the start of `data`. kIncomplete: no complete
// head yet and no limit exceeded. kComplete: *head describes it, and the
// first `field_capacity` header fields are in `fields` (in order; pass a
// capacity of limits.max_headers to get them all). kError:
// head->error_status says what to answer (then close the connection).
ParseResult parse_request_head(const char* data, size_t length, const ParserLimits& limits, RequestHead* head,
                               HeaderField* fields = nullptr, uint32_t field_capacity = 0);

// Receives the payload of a chunked body as it is decoded: pointers into the
// bytes given to ChunkedDecoder::feed, valid during the call.
class PayloadSink {
 public:
  virtual void payload(const char* data, size_t length) = 0;

 protected:
  ~PayloadSink() = default;
};

// Incremental decoder of a chunked body (RFC 9112 section 7.1), including
// chunk extensions and the trailer section. Feed it bytes as they come.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(uint32_t max_trailer_bytes = native::kMaxTrailerBytes)
      : max_trailer_bytes_(max_trailer_bytes) {}

  // Consumes bytes of [data, data+length). Sets *consumed (never past the end
  // of the body), adds the number of payload bytes to *payload and hands
  // them to `sink` when there is one. kComplete once the last chunk and
  // trailers are in; kError on malformed framing (answer 400).
  ParseResult feed(const char* data, size_t length, size_t* consumed, uint64_t* payload,
                   PayloadSink* sink = nullptr);

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
