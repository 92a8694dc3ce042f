// The fallback protocol's frames (native/fallback_frames.h) against the
// byte layout of native/fallback-protocol.md: request frames written
// field by field as the table says, response frames decoded, and every
// malformed or cut frame refused without reading past the bytes given.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fallback_frames.h"

namespace hotpath::native::fallback {
namespace {

HeaderField field(const char* name, const char* value) {
  return HeaderField{Slice{name, static_cast<uint32_t>(std::strlen(name))},
                     Slice{value, static_cast<uint32_t>(std::strlen(value))}};
}

std::string le16(uint32_t v) { return std::string{static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)}; }
std::string le32(uint32_t v) {
  return std::string{static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF),
                     static_cast<char>((v >> 16) & 0xFF), static_cast<char>(v >> 24)};
}
std::string name(const std::string& s) { return le16(static_cast<uint32_t>(s.size())) + s; }
std::string value(const std::string& s) { return le32(static_cast<uint32_t>(s.size())) + s; }
std::string frame(const std::string& payload) { return le32(static_cast<uint32_t>(payload.size())) + payload; }

std::string sv(Slice s) { return std::string(s.data, s.size); }

// Decodes from an exact-size heap copy, so that ASan sees any read past it.
DecodeResult decode(const std::string& bytes, ResponseFrame* out, uint64_t max = kMaxFrameLength) {
  std::unique_ptr<char[]> copy(new char[bytes.size() ? bytes.size() : 1]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  DecodeResult r = decode_response_frame(copy.get(), bytes.size(), max, out);
  if (r.status == Decoded::kFrame) {
    // The views point into the copy: re-point them at `bytes` for the caller.
    for (HeaderField& f : out->fields) {
      f.name.data = bytes.data() + (f.name.data - copy.get());
      f.value.data = bytes.data() + (f.value.data - copy.get());
    }
    out->body = std::string_view(bytes.data() + (out->body.data() - copy.get()), out->body.size());
  }
  return r;
}

TEST(FallbackFrames, RequestFrameHasTheDocumentedLayout) {
  std::string out = "before";
  HeaderField fields[] = {field("Host", "t"), field("X-Two", "a"), field("x-two", "b")};
  Slice names[] = {Slice{"name", 4}, Slice{"", 0}};
  Slice values[] = {Slice{"r\xC3\xA9", 3}, Slice{"a/b", 3}};
  FrameMark mark;
  ASSERT_TRUE(begin_request_frame(out, 7, 3, "POST", "/dyn/r%C3%A9?q=1", fields, 3, names, values, 2, &mark));
  out += "body!";
  ASSERT_TRUE(finish_request_frame(out, mark));
  std::string payload = std::string(1, '\x01') + le32(7) + le32(3) + name("POST") + value("/dyn/r%C3%A9?q=1") +
                        le16(3) + name("Host") + value("t") + name("X-Two") + value("a") + name("x-two") + value("b") +
                        le16(2) + name("name") + value("r\xC3\xA9") + name("") + value("a/b") + value("body!");
  EXPECT_EQ(out, "before" + frame(payload));

  RequestFrame decoded;
  DecodeResult r = decode_request_frame(out.data() + 6, out.size() - 6, kMaxFrameLength, &decoded);
  ASSERT_EQ(r.status, Decoded::kFrame) << r.error;
  EXPECT_EQ(r.used, out.size() - 6);
  EXPECT_EQ(decoded.id, 7u);
  EXPECT_EQ(decoded.route, 3u);
  EXPECT_EQ(decoded.method, "POST");
  EXPECT_EQ(decoded.target, "/dyn/r%C3%A9?q=1");
  ASSERT_EQ(decoded.fields.size(), 3u);
  EXPECT_EQ(sv(decoded.fields[2].name), "x-two");
  ASSERT_EQ(decoded.params.size(), 2u);
  EXPECT_EQ(sv(decoded.params[1].name), "");
  EXPECT_EQ(sv(decoded.params[1].value), "a/b");
  EXPECT_EQ(decoded.body, "body!");
}

TEST(FallbackFrames, RequestFrameRefusesANameLongerThanAU16) {
  std::string long_name(70000, 'x');
  HeaderField fields[] = {HeaderField{Slice{long_name.data(), 70000}, Slice{"v", 1}}};
  std::string out = "kept";
  FrameMark mark;
  EXPECT_FALSE(begin_request_frame(out, 1, 0, "GET", "/", fields, 1, nullptr, nullptr, 0, &mark));
  EXPECT_EQ(out, "kept");
}

TEST(FallbackFrames, ResponseFrameDecodes) {
  HeaderField fields[] = {field("Content-Type", "text/plain"), field("Set-Cookie", "a=1"), field("Set-Cookie", "b=2")};
  std::string bytes;
  append_response_frame(bytes, 0xFFFFFFFE, 404, fields, 3, std::string("n\0t", 3));
  std::string payload = std::string(1, '\x02') + le32(0xFFFFFFFE) + le16(404) + le16(3) + name("Content-Type") +
                        value("text/plain") + name("Set-Cookie") + value("a=1") + name("Set-Cookie") + value("b=2") +
                        value(std::string("n\0t", 3));
  EXPECT_EQ(bytes, frame(payload));
  bytes += "next";
  ResponseFrame out;
  DecodeResult r = decode(bytes, &out);
  ASSERT_EQ(r.status, Decoded::kFrame) << r.error;
  EXPECT_EQ(r.used, bytes.size() - 4);
  EXPECT_EQ(out.id, 0xFFFFFFFEu);
  EXPECT_EQ(out.status, 404);
  ASSERT_EQ(out.fields.size(), 3u);
  EXPECT_EQ(sv(out.fields[2].value), "b=2");
  EXPECT_EQ(out.body, std::string("n\0t", 3));
}

TEST(FallbackFrames, EveryCutOfAResponseFrameAsksForMore) {
  HeaderField fields[] = {field("a", "b")};
  std::string bytes;
  append_response_frame(bytes, 5, 200, fields, 1, "hello");
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    ResponseFrame out;
    EXPECT_EQ(decode(bytes.substr(0, cut), &out).status, Decoded::kIncomplete) << "cut at " << cut;
  }
}

struct Bad {
  const char* name;
  std::string bytes;
  const char* error;
};

TEST(FallbackFrames, MalformedResponseFramesAreInvalid) {
  const std::string ok_tail = le16(0) + value("");
  const std::vector<Bad> rows = {
      {"shorter than its fixed fields", frame(std::string(1, '\x02') + le32(1) + le16(200)), "shorter"},
      {"request type", frame(std::string(1, '\x01') + le32(1) + le16(200) + ok_tail), "not a response"},
      {"unknown type", frame(std::string(1, '\x09') + le32(1) + le16(200) + ok_tail), "not a response"},
      {"field count past the end", frame(std::string(1, '\x02') + le32(1) + le16(200) + le16(2) + name("a") + value("b") + value("")), "overrun"},
      {"huge field count", frame(std::string(1, '\x02') + le32(1) + le16(200) + le16(0xFFFF) + value("")), "overrun"},
      {"name length past the end", frame(std::string(1, '\x02') + le32(1) + le16(200) + le16(1) + le16(500) + "a" + value("")), "overrun"},
      {"value length past the end", frame(std::string(1, '\x02') + le32(1) + le16(200) + le16(1) + name("a") + le32(0xFFFFFFF0) + value("")), "overrun"},
      {"body length past the end", frame(std::string(1, '\x02') + le32(1) + le16(200) + le16(0) + le32(10) + "abc"), "body overruns"},
      {"bytes after the body", frame(std::string(1, '\x02') + le32(1) + le16(200) + ok_tail + "x"), "after"},
  };
  for (const Bad& row : rows) {
    ResponseFrame out;
    DecodeResult r = decode(row.bytes, &out);
    EXPECT_EQ(r.status, Decoded::kInvalid) << row.name;
    EXPECT_NE(std::string(r.error).find(row.error), std::string::npos) << row.name << ": " << r.error;
  }
}

TEST(FallbackFrames, TypeIsCheckedAsSoonAsItArrives) {
  ResponseFrame out;
  EXPECT_EQ(decode(le32(100) + "\x01", &out).status, Decoded::kInvalid);
  EXPECT_EQ(decode(le32(100) + "\x02", &out).status, Decoded::kIncomplete);
}

TEST(FallbackFrames, OversizedFrameNamesItsIdBeforeItsBytesArrive) {
  std::string bytes;
  append_response_frame(bytes, 42, 200, nullptr, 0, std::string(1000, 'x'));
  ResponseFrame out;
  EXPECT_EQ(decode(bytes.substr(0, 8), &out, 100).status, Decoded::kIncomplete) << "the id is not complete yet";
  DecodeResult r = decode(bytes.substr(0, 9), &out, 100);
  ASSERT_EQ(r.status, Decoded::kOversized);
  EXPECT_EQ(r.id, 42u);
  EXPECT_EQ(r.skip, bytes.size());
  EXPECT_EQ(decode(bytes, &out, bytes.size() - 4).status, Decoded::kFrame) << "a frame of exactly the limit is fine";
}

}  // namespace
}  // namespace hotpath::native::fallback
