// Fuzz target: the native server's HTTP/1.1 request parsing
// (native/http_parser.cpp): parse_request_head and ChunkedDecoder, driven the
// way a connection drives them, on a stream of pipelined requests.
//
// Input: a 16-byte cut header (cut_points.h), then the bytes a client sends.
//
// The driver mirrors native/worker.cpp: re-run the stateless head parser on
// everything buffered until it completes or fails; then count a
// Content-Length body or feed a ChunkedDecoder; then the next request, until
// an error, a request that closes the connection, or the end of the bytes.
//
// Invariants:
//  - Split reads change nothing: the stream fed whole and fed in the reads
//    the cut header chooses give the same requests (method, target, version,
//    keep-alive, Expect, framing, Content-Length, head length, payload) and
//    the same end (idle, waiting in a head or body, error with the same
//    status, or closed with the same bytes left unparsed).
//  - A complete head is self-contained: parse_request_head on exactly its
//    head_length bytes gives the same head. head_length is within the bytes
//    given; method and target point inside them; the method is a token; the
//    target has no byte <= 0x20 or 0x7F; framing and Content-Length agree.
//  - An error status is one of 400, 414, 431, 501, 505.
//  - ChunkedDecoder never consumes past the bytes it is given and, when it
//    asks for more, has consumed everything.
// Each call gets its own exact-size heap copy, so ASan sees any read past the
// bytes given.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bytes.h"  // is_tchar, from router/
#include "cut_points.h"
#include "fuzz_check.h"
#include "http_parser.h"

namespace {

using namespace hotpath::http;

struct Message {
  std::string method, target;
  uint8_t version_minor;
  bool keep_alive, expect_continue;
  BodyFraming framing;
  uint64_t content_length;
  uint32_t head_length;
  uint64_t payload = 0;
  bool complete = false;
  bool operator==(const Message& o) const {
    return method == o.method && target == o.target && version_minor == o.version_minor &&
           keep_alive == o.keep_alive && expect_continue == o.expect_continue && framing == o.framing &&
           content_length == o.content_length && head_length == o.head_length && payload == o.payload &&
           complete == o.complete;
  }
};

enum class End { kIdle, kHeadPending, kBodyPending, kError, kClosed };

struct Outcome {
  std::vector<Message> messages;
  End end = End::kIdle;
  uint16_t error_status = 0;
  size_t unparsed = 0;  // kClosed: bytes after the last request
  bool operator==(const Outcome& o) const {
    return messages == o.messages && end == o.end && error_status == o.error_status && unparsed == o.unparsed;
  }
};

ParseResult parse_exact(const std::string& bytes, RequestHead* head) {
  std::unique_ptr<char[]> copy(new char[bytes.size()]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  ParseResult r = parse_request_head(copy.get(), bytes.size(), ParserLimits{}, head);
  if (r == ParseResult::kComplete) {
    const char* begin = copy.get();
    FUZZ_CHECK(head->head_length > 0 && head->head_length <= bytes.size());
    FUZZ_CHECK(head->method >= begin && head->method_length > 0 &&
               head->method + head->method_length <= begin + head->head_length);
    FUZZ_CHECK(head->target >= begin && head->target_length > 0 &&
               head->target + head->target_length <= begin + head->head_length);
    for (uint32_t i = 0; i < head->method_length; ++i) {
      FUZZ_CHECK(hotpath::is_tchar(static_cast<unsigned char>(head->method[i])));
    }
    for (uint32_t i = 0; i < head->target_length; ++i) {
      unsigned char c = static_cast<unsigned char>(head->target[i]);
      FUZZ_CHECK(c > 0x20 && c != 0x7F);
    }
    FUZZ_CHECK(head->version_minor <= 1);
    FUZZ_CHECK((head->framing == BodyFraming::kContentLength) == (head->content_length > 0 &&
                                                                  head->framing != BodyFraming::kChunked));
  } else if (r == ParseResult::kError) {
    uint16_t s = head->error_status;
    FUZZ_CHECK(s == 400 || s == 414 || s == 431 || s == 501 || s == 505, "error status %u", s);
  }
  return r;
}

class Connection {
 public:
  void receive(const std::string& bytes) {
    if (state_ == State::kClosed) {
      outcome_.unparsed += bytes.size();
      return;
    }
    if (state_ == State::kError) return;
    buffer_ += bytes;
    process();
  }

  Outcome finish() const {
    Outcome o = outcome_;
    switch (state_) {
      case State::kHead: {
        // Empty lines (and the CR of one more) before a request line are
        // ignored (RFC 9112 2.2): still idle.
        size_t i = 0;
        while (i + 1 < buffer_.size() && buffer_[i] == '\r' && buffer_[i + 1] == '\n') i += 2;
        bool idle = i == buffer_.size() || (i + 1 == buffer_.size() && buffer_[i] == '\r');
        o.end = idle ? End::kIdle : End::kHeadPending;
        break;
      }
      case State::kBody: o.end = End::kBodyPending; break;
      case State::kError: o.end = End::kError; break;
      case State::kClosed: o.end = End::kClosed; break;
    }
    return o;
  }

 private:
  enum class State { kHead, kBody, kError, kClosed };

  void process() {
    for (;;) {
      if (state_ == State::kHead) {
        RequestHead head;
        ParseResult r = parse_exact(buffer_, &head);
        if (r == ParseResult::kIncomplete) return;
        if (r == ParseResult::kError) {
          state_ = State::kError;
          outcome_.error_status = head.error_status;
          return;
        }
        Message m;
        // parse_exact's copy is gone: re-derive the strings from the buffer.
        RequestHead again;
        std::string exact = buffer_.substr(0, head.head_length);
        std::unique_ptr<char[]> copy(new char[exact.size()]);
        std::memcpy(copy.get(), exact.data(), exact.size());
        FUZZ_CHECK(parse_request_head(copy.get(), exact.size(), ParserLimits{}, &again) == ParseResult::kComplete,
                   "a complete head needs bytes after it");
        m.method.assign(again.method, again.method_length);
        m.target.assign(again.target, again.target_length);
        m.version_minor = again.version_minor;
        m.keep_alive = again.keep_alive;
        m.expect_continue = again.expect_continue;
        m.framing = again.framing;
        m.content_length = again.content_length;
        m.head_length = again.head_length;
        FUZZ_CHECK(again.head_length == head.head_length && again.framing == head.framing &&
                       again.content_length == head.content_length && again.keep_alive == head.keep_alive &&
                       again.expect_continue == head.expect_continue &&
                       again.version_minor == head.version_minor && again.method_length == head.method_length &&
                       again.target_length == head.target_length,
                   "the head parsed alone differs from the head parsed with bytes after it");
        buffer_.erase(0, head.head_length);
        outcome_.messages.push_back(m);
        if (head.framing == BodyFraming::kNone) {
          if (!end_message()) return;
          continue;
        }
        state_ = State::kBody;
        remaining_ = head.content_length;
        decoder_ = ChunkedDecoder();
      }
      if (buffer_.empty()) return;
      Message& m = outcome_.messages.back();
      if (m.framing == BodyFraming::kContentLength) {
        size_t take = buffer_.size() < remaining_ ? buffer_.size() : static_cast<size_t>(remaining_);
        m.payload += take;
        remaining_ -= take;
        buffer_.erase(0, take);
        if (remaining_ != 0) return;
      } else {
        std::unique_ptr<char[]> copy(new char[buffer_.size()]);
        std::memcpy(copy.get(), buffer_.data(), buffer_.size());
        size_t consumed = SIZE_MAX;
        ParseResult r = decoder_.feed(copy.get(), buffer_.size(), &consumed, &m.payload);
        FUZZ_CHECK(consumed <= buffer_.size(), "consumed %zu of %zu", consumed, buffer_.size());
        if (r == ParseResult::kError) {
          state_ = State::kError;
          outcome_.error_status = 400;
          return;
        }
        if (r == ParseResult::kIncomplete) FUZZ_CHECK(consumed == buffer_.size(), "incomplete but bytes left");
        buffer_.erase(0, consumed);
        if (r == ParseResult::kIncomplete) return;
      }
      if (!end_message()) return;
    }
  }

  bool end_message() {
    outcome_.messages.back().complete = true;
    state_ = State::kHead;
    if (outcome_.messages.back().keep_alive) return true;
    state_ = State::kClosed;
    outcome_.unparsed = buffer_.size();
    buffer_.clear();
    return false;
  }

  State state_ = State::kHead;
  std::string buffer_;
  uint64_t remaining_ = 0;
  ChunkedDecoder decoder_;
  Outcome outcome_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hotpath::fuzz::SplitInput in = hotpath::fuzz::split_input(data, size);
  Connection whole;
  whole.receive(in.payload);
  Outcome a = whole.finish();
  Connection split;
  for (const std::string& read : in.reads) split.receive(read);
  Outcome b = split.finish();
  FUZZ_CHECK(a == b, "split reads changed the result: %zu vs %zu requests, end %d vs %d, status %u vs %u",
             a.messages.size(), b.messages.size(), static_cast<int>(a.end), static_cast<int>(b.end), a.error_status,
             b.error_status);
  return 0;
}
