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

bool parse_compat_request(const char* bytes, uint32_t length, CompatRequest* out, HeaderField* fields,
                          uint32_t capacity, uint32_t* field_count) {
  *field_count = 0;
  uint32_t end = 0;
  while (end < length && bytes[end] != '\n') ++end;
  uint32_t line_end = end > 0 && bytes[end - 1] == '\r' ? end - 1 : end;
  uint32_t i = 0;
  while (i < line_end && is_tchar(static_cast<unsigned char>(bytes[i]))) ++i;
  if (i == 0 || i == line_end || bytes[i] != ' ') return false;
  out->method = bytes;
  out->method_length = i;
  uint32_t start = ++i;
  while (i < line_end && bytes[i] != ' ') ++i;
  out->target = bytes + start;
  out->target_length = i - start;
  if (out->target_length == 0) return false;
  // Header lines, up to the first empty one.
  uint32_t at = end + 1;
  while (at < length) {
    uint32_t stop = at;
    while (stop < length && bytes[stop] != '\n') ++stop;
    uint32_t last = stop > at && bytes[stop - 1] == '\r' ? stop - 1 : stop;
    if (last == at) break;  // the empty line: the body follows
    uint32_t colon = at;
    while (colon < last && bytes[colon] != ':') ++colon;
    if (colon > at && colon < last && *field_count < capacity) {
      uint32_t v = colon + 1;
      while (v < last && is_ows(bytes[v])) ++v;
      uint32_t w = last;
      while (w > v && is_ows(bytes[w - 1])) --w;
      fields[(*field_count)++] = HeaderField{Slice{bytes + at, colon - at}, Slice{bytes + v, w - v}};
    }
    at = stop + 1;
  }
  return true;
}

namespace {

char* put_lower(char* out, Slice name) {
  for (uint32_t i = 0; i < name.size; ++i) *out++ = ascii_lower(name.data[i]);
  return out;
}

}  // namespace

uint32_t compat_response_size(const CompatResponse& r) {
  uint32_t size = digits(r.status) + 1;  // "200\n"
  if (r.content_type.size) size += 14 + r.content_type.size + 1;  // "content-type: X\n"
  if (r.allow.size) size += 7 + r.allow.size + 1;                  // "allow: X\n"
  for (uint32_t i = 0; i < r.extra_count; ++i) size += r.extra[i].name.size + 2 + r.extra[i].value.size + 1;
  if (r.echo.size) size += 30 + r.echo.size + 1;                   // "access-control-allow-headers: X\n"
  bool length_line = r.head && r.has_content_length;
  if (length_line) size += 16 + digits(r.body.size) + 1;           // "content-length: N\n"
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
  for (uint32_t i = 0; i < r.extra_count; ++i) {
    out = put_lower(out, r.extra[i].name);
    *out++ = ':';
    *out++ = ' ';
    out = put(out, r.extra[i].value.data, r.extra[i].value.size);
    *out++ = '\n';
  }
  if (r.echo.size) {
    out = put_text(out, "access-control-allow-headers: ");
    out = put(out, r.echo.data, r.echo.size);
    *out++ = '\n';
  }
  if (r.head && r.has_content_length) {
    out = put_text(out, "content-length: ");
    out = put_number(out, r.body.size);
    *out++ = '\n';
  }
  *out++ = '\n';
  if (!r.head) put(out, r.body.data, r.body.size);
}

}  // namespace hotpath::wasm
