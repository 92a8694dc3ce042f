#include "http_parser.h"

#include "bytes.h"  // is_tchar, shared with the router core

namespace hotpath::http {
namespace {

using hotpath::is_tchar;

// field-vchar / obs-text, SP, HTAB (RFC 9110 section 5.5).
bool is_field_byte(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7F); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool equals_nocase(const char* a, size_t n, const char* lower_b) {
  size_t i = 0;
  for (; lower_b[i]; ++i) {
    if (i >= n || lower(a[i]) != lower_b[i]) return false;
  }
  return i == n;
}

struct Span {
  const char* data;
  size_t size;
};

Span trim_ows(const char* p, size_t n) {
  while (n && is_ows(*p)) ++p, --n;
  while (n && is_ows(p[n - 1])) --n;
  return {p, n};
}

// Calls fn(element) for each comma-separated element (OWS trimmed, empty
// elements skipped, RFC 9110 section 5.6.1). Stops early when fn is false.
template <typename Fn>
bool for_each_element(const char* p, size_t n, Fn fn) {
  size_t start = 0;
  for (size_t i = 0; i <= n; ++i) {
    if (i < n && p[i] != ',') continue;
    Span e = trim_ows(p + start, i - start);
    if (e.size && !fn(e)) return false;
    start = i + 1;
  }
  return true;
}

// Host = uri-host [ ":" port ] (RFC 9112 3.2, RFC 3986 3.2.2): only the bytes
// of a reg-name (unreserved, pct-encoded, sub-delims), an IP-literal's
// brackets, and the ":" before a port. Empty is allowed.
bool is_host_value(Span value) {
  for (size_t i = 0; i < value.size; ++i) {
    char c = value.data[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    switch (c) {
      case '-': case '.': case '_': case '~': case '%': case '!': case '$': case '&': case '\'':
      case '(': case ')': case '*': case '+': case ',': case ';': case '=': case ':': case '[': case ']':
        continue;
      default:
        return false;
    }
  }
  return true;
}

ParseResult fail(RequestHead* head, uint16_t status) {
  head->error_status = status;
  return ParseResult::kError;
}

// Content-Length: 1*DIGIT, or a list of identical values (RFC 9110 8.6).
bool parse_content_length(Span value, bool* seen, uint64_t* length) {
  bool ok = true;
  bool any = false;
  for_each_element(value.data, value.size, [&](Span e) {
    uint64_t v = 0;
    for (size_t i = 0; i < e.size; ++i) {
      char c = e.data[i];
      if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) return ok = false;
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (*seen && v != *length) return ok = false;
    *seen = true;
    *length = v;
    any = true;
    return true;
  });
  return ok && any;
}

}  // namespace

ParseResult parse_request_head(const char* data, size_t length, const ParserLimits& limits, RequestHead* head,
                               HeaderField* out_fields, uint32_t field_capacity) {
  *head = RequestHead{};
  uint32_t stored = 0;
  size_t pos = 0;
  // RFC 9112 section 2.2: ignore empty lines before the request line.
  while (length - pos >= 2 && data[pos] == '\r' && data[pos + 1] == '\n') {
    pos += 2;
    if (pos > limits.max_head_bytes) return fail(head, 400);
  }
  if (pos < length && data[pos] == '\r' && length - pos < 2) return ParseResult::kIncomplete;
  const size_t start = pos;

  // ---- request line ----
  size_t line_end = pos;
  while (line_end < length && data[line_end] != '\n') {
    if (line_end - start >= limits.max_request_line) return fail(head, 414);
    ++line_end;
  }
  if (line_end == length) return ParseResult::kIncomplete;
  if (line_end == start || data[line_end - 1] != '\r') return fail(head, 400);  // bare LF
  const char* line = data + start;
  size_t n = line_end - 1 - start;
  size_t i = 0;
  while (i < n && is_tchar(static_cast<unsigned char>(line[i]))) ++i;
  if (i == 0 || i >= n || line[i] != ' ') return fail(head, 400);
  head->method = line;
  head->method_length = static_cast<uint32_t>(i);
  size_t target_start = ++i;
  while (i < n && line[i] != ' ') {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c <= 0x20 || c >= 0x7F) return fail(head, 400);
    ++i;
  }
  if (i == target_start || i >= n) return fail(head, 400);  // no target, or no version (HTTP/0.9)
  head->target = line + target_start;
  head->target_length = static_cast<uint32_t>(i - target_start);
  const char* version = line + i + 1;
  size_t version_length = n - i - 1;
  if (version_length != 8 || version[0] != 'H' || version[1] != 'T' || version[2] != 'T' || version[3] != 'P' ||
      version[4] != '/' || version[5] < '0' || version[5] > '9' || version[6] != '.' || version[7] < '0' ||
      version[7] > '9') {
    return fail(head, 400);
  }
  if (version[5] != '1' || version[7] > '1') return fail(head, 505);
  head->version_minor = static_cast<uint8_t>(version[7] - '0');

  // ---- header fields ----
  pos = line_end + 1;
  uint32_t fields = 0;
  uint32_t hosts = 0;
  bool has_length = false;
  bool has_transfer_encoding = false;
  bool chunked_final = false;
  bool other_coding = false;
  bool bad_coding = false;
  uint32_t chunked_count = 0;
  bool connection_close = false;
  bool connection_keep_alive = false;
  for (;;) {
    size_t end = pos;
    // The head limit counts every byte, CRLFs included.
    while (end < length && data[end] != '\n') {
      if (end - start + 1 >= limits.max_head_bytes) return fail(head, 431);
      ++end;
    }
    if (end == length) return ParseResult::kIncomplete;
    if (end == pos || data[end - 1] != '\r') return fail(head, 400);  // bare LF
    const char* field = data + pos;
    size_t field_length = end - 1 - pos;
    pos = end + 1;
    if (field_length == 0) break;  // the empty line: end of the head
    if (field[0] == ' ' || field[0] == '\t') return fail(head, 400);  // obs-fold (RFC 9112 5.2)
    if (++fields > limits.max_headers) return fail(head, 431);
    size_t colon = 0;
    while (colon < field_length && is_tchar(static_cast<unsigned char>(field[colon]))) ++colon;
    if (colon == 0 || colon == field_length || field[colon] != ':') return fail(head, 400);  // incl. space before ':'
    for (size_t k = colon + 1; k < field_length; ++k) {
      if (!is_field_byte(static_cast<unsigned char>(field[k]))) return fail(head, 400);  // NUL, bare CR, controls
    }
    Span value = trim_ows(field + colon + 1, field_length - colon - 1);
    if (stored < field_capacity) {
      out_fields[stored++] = HeaderField{Slice{field, static_cast<uint32_t>(colon)},
                                         Slice{value.data, static_cast<uint32_t>(value.size)}};
    }
    if (equals_nocase(field, colon, "host")) {
      ++hosts;
      if (!is_host_value(value)) return fail(head, 400);  // RFC 9112 3.2: an invalid Host value is 400
    } else if (equals_nocase(field, colon, "content-length")) {
      if (!parse_content_length(value, &has_length, &head->content_length)) return fail(head, 400);
    } else if (equals_nocase(field, colon, "transfer-encoding")) {
      has_transfer_encoding = true;
      if (value.size == 0) bad_coding = true;
      for_each_element(value.data, value.size, [&](Span e) {
        size_t name = 0;  // coding name, before any ";" parameters
        while (name < e.size && is_tchar(static_cast<unsigned char>(e.data[name]))) ++name;
        if (name == 0) bad_coding = true;
        bool is_chunked = equals_nocase(e.data, name, "chunked");
        if (is_chunked) {
          ++chunked_count;
          if (name != e.size) bad_coding = true;  // chunked takes no parameters
        } else {
          other_coding = true;
        }
        chunked_final = is_chunked;
        return true;
      });
    } else if (equals_nocase(field, colon, "connection")) {
      for_each_element(value.data, value.size, [&](Span e) {
        if (equals_nocase(e.data, e.size, "close")) connection_close = true;
        if (equals_nocase(e.data, e.size, "keep-alive")) connection_keep_alive = true;
        return true;
      });
    } else if (equals_nocase(field, colon, "expect")) {
      // RFC 9110 10.1.1: a server MUST ignore 100-continue in HTTP/1.0.
      head->expect_continue = head->version_minor == 1 && equals_nocase(value.data, value.size, "100-continue");
    }
  }
  head->head_length = static_cast<uint32_t>(pos);
  head->field_count = stored;

  // ---- semantics (RFC 9112 sections 3.2, 6, 9.3) ----
  if (head->version_minor == 1 ? hosts != 1 : hosts > 1) return fail(head, 400);
  if (has_transfer_encoding) {
    // 6.1: a server MAY reject TE in HTTP/1.0; 6.3: TE with CL, or chunked not
    // final, cannot be framed reliably: 400 and close.
    if (head->version_minor == 0 || has_length || bad_coding || !chunked_final || chunked_count > 1) {
      return fail(head, 400);
    }
    if (other_coding) return fail(head, 501);  // e.g. "gzip, chunked": a coding we do not decode
    head->framing = BodyFraming::kChunked;
  } else if (has_length) {
    head->framing = head->content_length ? BodyFraming::kContentLength : BodyFraming::kNone;
  }
  head->keep_alive = head->version_minor == 1 ? !connection_close : (connection_keep_alive && !connection_close);
  return ParseResult::kComplete;
}

ParseResult ChunkedDecoder::feed(const char* data, size_t length, size_t* consumed, uint64_t* payload,
                                 PayloadSink* sink) {
  size_t i = 0;
  auto done = [&](ParseResult r) {
    *consumed = i;
    return r;
  };
  while (i < length) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    switch (state_) {
      case State::kSize: {
        int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (v >= 0) {
          if (remaining_ > (UINT64_MAX >> 4) || ++digits_ > 16) return done(ParseResult::kError);  // overflow
          remaining_ = remaining_ * 16 + static_cast<uint64_t>(v);
          ++i;
          break;
        }
        if (digits_ == 0) return done(ParseResult::kError);
        state_ = State::kSizeAfterDigits;
        break;  // re-read c there
      }
      case State::kSizeAfterDigits:
      case State::kExtAfterName:
      case State::kExtAfterValue:
        // BWS may only come before ";" or "=", never before the CRLF.
        if (is_ows(static_cast<char>(c))) {
          bws_ = true;
          ++i;
        } else if (c == ';') {
          bws_ = false;
          state_ = State::kExtBeforeName;
          ++i;
        } else if (c == '\r' && !bws_) {
          state_ = State::kSizeLf;
          ++i;
        } else if (c == '=' && state_ == State::kExtAfterName) {
          bws_ = false;
          state_ = State::kExtBeforeValue;
          ++i;
        } else {
          return done(ParseResult::kError);
        }
        break;
      case State::kExtBeforeName:
        if (is_ows(static_cast<char>(c))) {
          ++i;
        } else if (is_tchar(c)) {
          state_ = State::kExtName;
          ++i;
        } else {
          return done(ParseResult::kError);  // ";" must be followed by a name
        }
        break;
      case State::kExtName:
        if (is_tchar(c)) ++i;
        else state_ = State::kExtAfterName;
        break;
      case State::kExtBeforeValue:
        if (is_ows(static_cast<char>(c))) {
          ++i;
        } else if (c == '"') {
          state_ = State::kExtQuoted;
          ++i;
        } else if (is_tchar(c)) {
          state_ = State::kExtValueToken;
          ++i;
        } else {
          return done(ParseResult::kError);  // "=" must be followed by a value
        }
        break;
      case State::kExtValueToken:
        if (is_tchar(c)) ++i;
        else state_ = State::kExtAfterValue;
        break;
      case State::kExtQuoted:
        if (c == '"') state_ = State::kExtAfterValue;
        else if (c == '\\') state_ = State::kExtQuotedEscape;
        else if (!is_field_byte(c)) return done(ParseResult::kError);
        ++i;
        break;
      case State::kExtQuotedEscape:
        if (!is_field_byte(c)) return done(ParseResult::kError);
        state_ = State::kExtQuoted;
        ++i;
        break;
      case State::kSizeLf:
        if (c != '\n') return done(ParseResult::kError);
        state_ = remaining_ == 0 ? State::kTrailerLineStart : State::kData;
        digits_ = 0;
        ++i;
        break;
      case State::kData: {
        size_t take = length - i;
        if (take > remaining_) take = static_cast<size_t>(remaining_);
        remaining_ -= take;
        *payload += take;
        if (sink && take) sink->payload(data + i, take);
        i += take;
        if (remaining_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        if (c != '\r') return done(ParseResult::kError);
        state_ = State::kDataLf;
        ++i;
        break;
      case State::kDataLf:
        if (c != '\n') return done(ParseResult::kError);
        state_ = State::kSize;
        ++i;
        break;
      case State::kTrailerLineStart:
        if (c == '\r') {
          state_ = State::kFinalLf;
        } else if (is_tchar(c)) {
          state_ = State::kTrailerName;
        } else {
          return done(ParseResult::kError);  // obs-fold or junk
        }
        if (++trailer_bytes_ > max_trailer_bytes_) return done(ParseResult::kError);
        ++i;
        break;
      case State::kTrailerName:  // a trailer is a field line: token ":" value
        if (++trailer_bytes_ > max_trailer_bytes_) return done(ParseResult::kError);
        if (c == ':') state_ = State::kTrailerValue;
        else if (!is_tchar(c)) return done(ParseResult::kError);
        ++i;
        break;
      case State::kTrailerValue:
        if (++trailer_bytes_ > max_trailer_bytes_) return done(ParseResult::kError);
        if (c == '\r') state_ = State::kTrailerLf;
        else if (!is_field_byte(c)) return done(ParseResult::kError);
        ++i;
        break;
      case State::kTrailerLf:
        if (c != '\n') return done(ParseResult::kError);
        state_ = State::kTrailerLineStart;
        ++i;
        break;
      case State::kFinalLf:
        if (c != '\n') return done(ParseResult::kError);
        state_ = State::kDone;
        ++i;
        return done(ParseResult::kComplete);
      case State::kDone:
        return done(ParseResult::kComplete);
    }
  }
  return done(state_ == State::kDone ? ParseResult::kComplete : ParseResult::kIncomplete);
}

}  // namespace hotpath::http
