// The frames of the fallback protocol (native/fallback-protocol.md): the
// request frames hotpath-server writes to a fallback and the response
// frames it reads back. A frame is a u32 little-endian length N, then N
// bytes whose first is the frame's type; strings are a u16 (names) or u32
// (values, bodies) length and their bytes.
//
// The decoders are stateless in the picohttpparser style: given the bytes
// received so far, they find a whole frame at the start, ask for more, or
// reject. They never read past `length` and never trust a length field
// before checking it against what is left of the frame. The views they fill
// point into the given bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "directive.h"  // HeaderField: one type for every (name, value) of the server

namespace hotpath::native::fallback {

constexpr uint8_t kRequestType = 1;
constexpr uint8_t kResponseType = 2;
// The length prefix.
constexpr size_t kPrefixBytes = 4;
// The most a frame's length can say (a u32).
constexpr uint64_t kMaxFrameLength = 0xFFFFFFFFu;
// The most bytes a name (u16 length) can have.
constexpr uint32_t kMaxNameBytes = 0xFFFF;

// ---- request frames (server → fallback) --------------------------------------

// Where begin_request_frame() left a frame: finish_request_frame() fills in
// its length and its body's once the body is appended.
struct FrameMark {
  size_t start = 0;    // offset of the length prefix in the output
  size_t body_at = 0;  // offset of the first body byte
};

// Appends a request frame up to its body: the prefix, type, id, route,
// method, target, header fields and parameters, and room for the body's
// length. The caller appends the body bytes, then calls
// finish_request_frame(). Returns false, with nothing appended, when a
// name is longer than a u16 or there are more than 65535 fields.
bool begin_request_frame(std::string& out, uint32_t id, uint32_t route, std::string_view method,
                         std::string_view target, const HeaderField* fields, uint32_t field_count,
                         const Slice* param_names, const Slice* param_values, uint32_t param_count,
                         FrameMark* mark);

// Fills in the lengths of the frame begun at `mark` (its body is every
// byte appended since). Returns false when the frame is longer than a u32
// can say.
bool finish_request_frame(std::string& out, const FrameMark& mark);

// ---- response frames (fallback → server) -------------------------------------

// Appends a whole response frame (the fallback's side; used by the tests
// and the fuzz target to speak for a fallback).
void append_response_frame(std::string& out, uint32_t id, uint16_t status, const HeaderField* fields,
                           uint32_t field_count, std::string_view body);

// ---- decoding ----------------------------------------------------------------

struct RequestFrame {
  uint32_t id = 0;
  uint32_t route = 0;
  std::string_view method;
  std::string_view target;
  std::vector<HeaderField> fields;
  std::vector<HeaderField> params;
  std::string_view body;
};

struct ResponseFrame {
  uint32_t id = 0;
  uint16_t status = 0;
  std::vector<HeaderField> fields;
  std::string_view body;
};

enum class Decoded : uint8_t {
  kFrame,       // a whole frame: `used` bytes, the frame filled in
  kIncomplete,  // not a whole frame yet: pass the same bytes and more
  kOversized,   // its length is over the limit: `id` names it, skip `skip` bytes
  kInvalid,     // not a frame of this type: `error` says why; the stream is lost
};

struct DecodeResult {
  Decoded status = Decoded::kIncomplete;
  size_t used = 0;     // kFrame: bytes of the frame, prefix included
  uint64_t skip = 0;   // kOversized: bytes of the frame, prefix included
  uint32_t id = 0;     // kOversized: the frame's id
  const char* error = "";  // kInvalid
};

// Decodes the response frame at the start of [data, data+length). A frame
// whose length (N) is over `max_length` is kOversized once its type and id
// have arrived, so the caller can skip it and answer its request alone.
DecodeResult decode_response_frame(const char* data, size_t length, uint64_t max_length, ResponseFrame* frame);

// The same for a request frame (the fallback's side: tests and fuzzing).
DecodeResult decode_request_frame(const char* data, size_t length, uint64_t max_length, RequestFrame* frame);

}  // namespace hotpath::native::fallback
