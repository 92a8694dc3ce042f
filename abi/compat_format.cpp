#include "compat_format.h"

namespace hotpath::wasm {
namespace {

uint32_t digits(uint32_t v) {
  uint32_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

char* put(char* out, const char* text, uint32_t length) {
  copy_bytes(out, text, length);
  return out + length;
}

char* put_text(char* out, const char* text) {
  while (*text) *out++ = *text++;
  return out;
}

char* put_number(char* out, uint32_t v) {
  uint32_t n = digits(v);
  for (uint32_t i = n; i > 0; --i) {
    out[i - 1] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return out + n;
}

}  // namespace

bool parse_compat_request(const char* bytes, uint32_t length, CompatRequest* out) {
  uint32_t end = 0;
  while (end < length && bytes[end] != '\n') ++end;
  if (end > 0 && bytes[end - 1] == '\r') --end;
  uint32_t i = 0;
  while (i < end && is_tchar(static_cast<unsigned char>(bytes[i]))) ++i;
  if (i == 0 || i == end || bytes[i] != ' ') return false;
  out->method = bytes;
  out->method_length = i;
  uint32_t start = ++i;
  while (i < end && bytes[i] != ' ') ++i;
  out->target = bytes + start;
  out->target_length = i - start;
  return out->target_length > 0;
}

uint32_t compat_response_size(const CompatResponse& r) {
  uint32_t size = digits(r.status) + 1;  // "200\n"
  if (r.content_type.size) size += 14 + r.content_type.size + 1;  // "content-type: X\n"
  if (r.allow.size) size += 7 + r.allow.size + 1;                  // "allow: X\n"
  if (r.head) size += 16 + digits(r.body.size) + 1;                // "content-length: N\n"
  size += 1;                                                       // blank line
  if (!r.head) size += r.body.size;
  return size;
}

void write_compat_response(const CompatResponse& r, char* out) {
  out = put_number(out, r.status);
  *out++ = '\n';
  if (r.content_type.size) {
    out = put_text(out, "content-type: ");
    out = put(out, r.content_type.data, r.content_type.size);
    *out++ = '\n';
  }
  if (r.allow.size) {
    out = put_text(out, "allow: ");
    out = put(out, r.allow.data, r.allow.size);
    *out++ = '\n';
  }
  if (r.head) {
    out = put_text(out, "content-length: ");
    out = put_number(out, r.body.size);
    *out++ = '\n';
  }
  *out++ = '\n';
  if (!r.head) put(out, r.body.data, r.body.size);
}

}  // namespace hotpath::wasm
