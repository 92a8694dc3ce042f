#include "render.h"

namespace hotpath {
namespace {

const char kHex[] = "0123456789abcdef";

// Size of one byte after JSON string escaping (RFC 8259 section 7).
uint32_t json_size(uint8_t c) {
  if (c == '"' || c == '\\') return 2;
  if (c < 0x20) {
    return (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') ? 2 : 6;
  }
  return 1;
}

uint32_t markup_size(uint8_t c) {
  switch (c) {
    case '&': return 5;   // &amp;
    case '<': return 4;   // &lt;
    case '>': return 4;   // &gt;
    case '"': return 6;   // &quot;
    case '\'': return 5;  // &#39;
    default: return 1;
  }
}

char* put(char* out, const char* text) {
  while (*text) *out++ = *text++;
  return out;
}

char* write_json(char* out, uint8_t c) {
  switch (c) {
    case '"': return put(out, "\\\"");
    case '\\': return put(out, "\\\\");
    case '\b': return put(out, "\\b");
    case '\f': return put(out, "\\f");
    case '\n': return put(out, "\\n");
    case '\r': return put(out, "\\r");
    case '\t': return put(out, "\\t");
    default: break;
  }
  if (c < 0x20) {
    out = put(out, "\\u00");
    *out++ = kHex[c >> 4];
    *out++ = kHex[c & 15];
    return out;
  }
  *out++ = static_cast<char>(c);
  return out;
}

char* write_markup(char* out, uint8_t c) {
  switch (c) {
    case '&': return put(out, "&amp;");
    case '<': return put(out, "&lt;");
    case '>': return put(out, "&gt;");
    case '"': return put(out, "&quot;");
    case '\'': return put(out, "&#39;");
    default: *out++ = static_cast<char>(c); return out;
  }
}

char* write_value(char* out, EscapeMode mode, Slice value, bool quote) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(value.data);
  switch (mode) {
    case kEscapeRaw:
      copy_bytes(out, value.data, value.size);
      return out + value.size;
    case kEscapeJson:
      if (quote) *out++ = '"';
      for (uint32_t i = 0; i < value.size; ++i) out = write_json(out, p[i]);
      if (quote) *out++ = '"';
      return out;
    case kEscapeMarkup:
      for (uint32_t i = 0; i < value.size; ++i) out = write_markup(out, p[i]);
      return out;
  }
  return out;
}

// The media type: up to ';', OWS trimmed.
Slice media_type(Slice content_type) {
  uint32_t end = 0;
  while (end < content_type.size && content_type.data[end] != ';') ++end;
  return trim_ows(Slice{content_type.data, end});
}

}  // namespace

EscapeMode escape_mode_for(Slice content_type) {
  struct Rule {
    const char* text;  // lowercase
    bool suffix;       // match the end of the media type, not all of it
    EscapeMode mode;
  };
  static constexpr Rule kRules[] = {
      {"application/json", false, kEscapeJson},   {"+json", true, kEscapeJson},
      {"text/html", false, kEscapeMarkup},        {"application/xhtml+xml", false, kEscapeMarkup},
      {"text/xml", false, kEscapeMarkup},         {"application/xml", false, kEscapeMarkup},
      {"+xml", true, kEscapeMarkup},
  };
  Slice type = media_type(content_type);
  for (const Rule& rule : kRules) {
    if (rule.suffix ? slice_ends_with_nocase(type, rule.text) : slice_equals_nocase(type, rule.text)) return rule.mode;
  }
  return kEscapeRaw;
}

uint32_t escaped_size(EscapeMode mode, Slice value, bool quote) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(value.data);
  uint32_t size = 0;
  switch (mode) {
    case kEscapeRaw:
      return value.size;
    case kEscapeJson:
      for (uint32_t i = 0; i < value.size; ++i) size += json_size(p[i]);
      return size + (quote ? 2 : 0);
    case kEscapeMarkup:
      for (uint32_t i = 0; i < value.size; ++i) size += markup_size(p[i]);
      return size;
  }
  return size;
}

uint32_t body_size(const Route& route, const Slice* params) {
  uint32_t size = route.literal_size;
  for (uint32_t i = 0; i < route.part_count; ++i) {
    const TemplatePart& part = route.parts[i];
    if (part.param >= 0) size += escaped_size(route.escape, params[part.param], part.quote);
  }
  return size;
}

void write_body(const Route& route, const Slice* params, char* out) {
  if (route.parts == nullptr) {
    copy_bytes(out, route.body.data, route.body.size);
    return;
  }
  for (uint32_t i = 0; i < route.part_count; ++i) {
    const TemplatePart& part = route.parts[i];
    copy_bytes(out, part.literal.data, part.literal.size);
    out += part.literal.size;
    if (part.param >= 0) out = write_value(out, route.escape, params[part.param], part.quote);
  }
}

uint32_t render_body(const Route& route, const Slice* params, char* out, uint32_t capacity) {
  uint32_t size = body_size(route, params);
  if (size <= capacity) write_body(route, params, out);
  return size;
}

}  // namespace hotpath
