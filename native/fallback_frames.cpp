#include "fallback_frames.h"

namespace hotpath::native::fallback {
namespace {

void put_u16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}

void put_u32(std::string& out, uint64_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void patch_u32(std::string& out, size_t at, uint64_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

void put_name(std::string& out, const char* data, size_t size) {
  put_u16(out, static_cast<uint32_t>(size));
  out.append(data, size);
}

void put_value(std::string& out, const char* data, size_t size) {
  put_u32(out, size);
  out.append(data, size);
}

void put_fields(std::string& out, const HeaderField* fields, uint32_t count) {
  put_u16(out, count);
  for (uint32_t i = 0; i < count; ++i) {
    put_name(out, fields[i].name.data, fields[i].name.size);
    put_value(out, fields[i].value.data, fields[i].value.size);
  }
}

// Reads the fields of one frame: every read is checked against the bytes
// the frame's length gives, never against the buffer behind it.
class Reader {
 public:
  Reader(const char* data, size_t length) : at_(reinterpret_cast<const uint8_t*>(data)), left_(length) {}

  bool u8(uint8_t* v) {
    if (left_ < 1) return false;
    *v = at_[0];
    skip(1);
    return true;
  }
  bool u16(uint32_t* v) {
    if (left_ < 2) return false;
    *v = static_cast<uint32_t>(at_[0]) | static_cast<uint32_t>(at_[1]) << 8;
    skip(2);
    return true;
  }
  bool u32(uint32_t* v) {
    if (left_ < 4) return false;
    *v = static_cast<uint32_t>(at_[0]) | static_cast<uint32_t>(at_[1]) << 8 | static_cast<uint32_t>(at_[2]) << 16 |
         static_cast<uint32_t>(at_[3]) << 24;
    skip(4);
    return true;
  }
  bool bytes(uint32_t n, Slice* out) {
    if (left_ < n) return false;
    *out = Slice{reinterpret_cast<const char*>(at_), n};
    skip(n);
    return true;
  }
  bool name(Slice* out) {
    uint32_t n = 0;
    return u16(&n) && bytes(n, out);
  }
  bool value(Slice* out) {
    uint32_t n = 0;
    return u32(&n) && bytes(n, out);
  }
  // A count, then that many (name, value) pairs. A count whose pairs could
  // not even fit (six bytes each at least) fails before anything is stored.
  bool fields(std::vector<HeaderField>* out) {
    uint32_t count = 0;
    if (!u16(&count) || count > left_ / 6) return false;
    out->clear();
    out->reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      HeaderField field{};
      if (!name(&field.name) || !value(&field.value)) return false;
      out->push_back(field);
    }
    return true;
  }
  size_t left() const { return left_; }

 private:
  void skip(size_t n) {
    at_ += n;
    left_ -= n;
  }
  const uint8_t* at_;
  size_t left_;
};

std::string_view view(Slice s) { return std::string_view(s.data, s.size); }

uint32_t read_u32(const char* p) {
  const uint8_t* b = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint32_t>(b[0]) | static_cast<uint32_t>(b[1]) << 8 | static_cast<uint32_t>(b[2]) << 16 |
         static_cast<uint32_t>(b[3]) << 24;
}

DecodeResult invalid(const char* error) {
  DecodeResult r;
  r.status = Decoded::kInvalid;
  r.error = error;
  return r;
}

// The common start of both decoders: the prefix, the limit, the type. On
// kFrame, *body_length is N and the frame's bytes follow the prefix.
DecodeResult frame_start(const char* data, size_t length, uint64_t max_length, uint8_t type, uint32_t min_length,
                         uint32_t* frame_length) {
  DecodeResult r;
  if (length < kPrefixBytes) return r;
  const uint32_t n = read_u32(data);
  if (n < min_length) return invalid("frame shorter than its fixed fields");
  if (length >= kPrefixBytes + 1 && static_cast<uint8_t>(data[kPrefixBytes]) != type) {
    return invalid(type == kResponseType ? "not a response frame (type 2)" : "not a request frame (type 1)");
  }
  if (n > max_length) {
    if (length < kPrefixBytes + 5) return r;  // type and id first
    r.status = Decoded::kOversized;
    r.skip = kPrefixBytes + static_cast<uint64_t>(n);
    r.id = read_u32(data + kPrefixBytes + 1);
    return r;
  }
  if (length - kPrefixBytes < n) return r;
  *frame_length = n;
  r.status = Decoded::kFrame;
  r.used = kPrefixBytes + n;
  return r;
}

}  // namespace

bool begin_request_frame(std::string& out, uint32_t id, uint32_t route, std::string_view method,
                         std::string_view target, const HeaderField* fields, uint32_t field_count,
                         const Slice* param_names, const Slice* param_values, uint32_t param_count,
                         FrameMark* mark) {
  if (method.size() > kMaxNameBytes || field_count > 0xFFFF || param_count > 0xFFFF) return false;
  for (uint32_t i = 0; i < field_count; ++i) {
    if (fields[i].name.size > kMaxNameBytes) return false;
  }
  for (uint32_t i = 0; i < param_count; ++i) {
    if (param_names[i].size > kMaxNameBytes) return false;
  }
  mark->start = out.size();
  put_u32(out, 0);  // the frame's length: finish_request_frame()
  out.push_back(static_cast<char>(kRequestType));
  put_u32(out, id);
  put_u32(out, route);
  put_name(out, method.data(), method.size());
  put_value(out, target.data(), target.size());
  put_fields(out, fields, field_count);
  put_u16(out, param_count);
  for (uint32_t i = 0; i < param_count; ++i) {
    put_name(out, param_names[i].data, param_names[i].size);
    put_value(out, param_values[i].data, param_values[i].size);
  }
  put_u32(out, 0);  // the body's length: finish_request_frame()
  mark->body_at = out.size();
  return true;
}

bool finish_request_frame(std::string& out, const FrameMark& mark) {
  const uint64_t frame_length = out.size() - mark.start - kPrefixBytes;
  if (frame_length > kMaxFrameLength) return false;
  patch_u32(out, mark.start, frame_length);
  patch_u32(out, mark.body_at - 4, out.size() - mark.body_at);
  return true;
}

void append_response_frame(std::string& out, uint32_t id, uint16_t status, const HeaderField* fields,
                           uint32_t field_count, std::string_view body) {
  const size_t start = out.size();
  put_u32(out, 0);
  out.push_back(static_cast<char>(kResponseType));
  put_u32(out, id);
  put_u16(out, status);
  put_fields(out, fields, field_count);
  put_value(out, body.data(), body.size());
  patch_u32(out, start, out.size() - start - kPrefixBytes);
}

DecodeResult decode_response_frame(const char* data, size_t length, uint64_t max_length, ResponseFrame* frame) {
  // type, id, status, field count, body length: 13 bytes at least.
  uint32_t n = 0;
  DecodeResult r = frame_start(data, length, max_length, kResponseType, 13, &n);
  if (r.status != Decoded::kFrame) return r;
  Reader in(data + kPrefixBytes + 1, n - 1);
  uint32_t status = 0;
  Slice body{};
  if (!in.u32(&frame->id) || !in.u16(&status)) return invalid("response frame cut short");
  if (!in.fields(&frame->fields)) return invalid("response header fields overrun the frame");
  if (!in.value(&body)) return invalid("response body overruns the frame");
  if (in.left() != 0) return invalid("bytes after the response body");
  frame->status = static_cast<uint16_t>(status);
  frame->body = view(body);
  return r;
}

DecodeResult decode_request_frame(const char* data, size_t length, uint64_t max_length, RequestFrame* frame) {
  // type, id, route, method, target, field count, param count, body: 21 bytes at least.
  uint32_t n = 0;
  DecodeResult r = frame_start(data, length, max_length, kRequestType, 21, &n);
  if (r.status != Decoded::kFrame) return r;
  Reader in(data + kPrefixBytes + 1, n - 1);
  Slice method{}, target{}, body{};
  if (!in.u32(&frame->id) || !in.u32(&frame->route) || !in.name(&method) || !in.value(&target)) {
    return invalid("request frame cut short");
  }
  if (!in.fields(&frame->fields)) return invalid("request header fields overrun the frame");
  if (!in.fields(&frame->params)) return invalid("request parameters overrun the frame");
  if (!in.value(&body)) return invalid("request body overruns the frame");
  if (in.left() != 0) return invalid("bytes after the request body");
  frame->method = view(method);
  frame->target = view(target);
  frame->body = view(body);
  return r;
}

}  // namespace hotpath::native::fallback
