// Renderer: escaping per content type, exact sizes, and the never-truncated
// guarantee of render_body.
#include <gtest/gtest.h>

#include <string>

#include "table_loader.h"

namespace hotpath::testing {
namespace {

std::string render(const std::string& content_type, const std::string& body, const std::string& target) {
  LoadedTable t = load_table("GET\t/v/*value\t200\t" + content_type + "\t" + body + "\n");
  EXPECT_TRUE(t.ok) << t.error;
  Answer a = answer(t.table, "GET", target);
  EXPECT_EQ(a.status, 200) << target;
  EXPECT_EQ(a.headers.at("content-length"), std::to_string(a.body.size()));
  return a.body;
}

TEST(EscapeMode, FromMediaType) {
  auto mode = [](const char* ct) {
    uint32_t n = 0;
    while (ct[n]) ++n;
    return escape_mode_for(Slice{ct, n});
  };
  EXPECT_EQ(mode("application/json"), kEscapeJson);
  EXPECT_EQ(mode("Application/JSON; charset=utf-8"), kEscapeJson);
  EXPECT_EQ(mode(" application/json ;x=y"), kEscapeJson);
  EXPECT_EQ(mode("application/problem+json"), kEscapeJson);
  EXPECT_EQ(mode("application/jsonx"), kEscapeRaw);
  EXPECT_EQ(mode("text/html; charset=utf-8"), kEscapeMarkup);
  EXPECT_EQ(mode("TEXT/HTML"), kEscapeMarkup);
  EXPECT_EQ(mode("application/xml"), kEscapeMarkup);
  EXPECT_EQ(mode("image/svg+xml"), kEscapeMarkup);
  EXPECT_EQ(mode("text/plain; charset=utf-8"), kEscapeRaw);
  EXPECT_EQ(mode("text/htmlx"), kEscapeRaw);
  EXPECT_EQ(mode(""), kEscapeRaw);
}

TEST(Render, PlainTextIsRaw) {
  EXPECT_EQ(render("text/plain", "<{value}>", "/v/%22%3C%26%27%5C"), "<\"<&'\\>");
}

TEST(Render, JsonCannotInjectAKey) {
  std::string body = render("application/json", "{\"user\":\"{value}\"}", "/v/x%22,%22admin%22:true");
  EXPECT_EQ(body, "{\"user\":\"x\\\",\\\"admin\\\":true\"}");
}

TEST(Render, JsonEscapesControlBytesAndBackslash) {
  EXPECT_EQ(render("application/json", "[\"{value}\"]", "/v/a%5Cb%0A%09%08%0C%0D%01%1F%7F"),
            "[\"a\\\\b\\n\\t\\b\\f\\r\\u0001\\u001f\x7f\"]");
}

TEST(Render, JsonPlaceholderOutsideAStringIsQuoted) {
  EXPECT_EQ(render("application/json", "{\"id\":{value}}", "/v/42"), "{\"id\":\"42\"}");
  EXPECT_EQ(render("application/json", "[{value},\"{value}\"]", "/v/1,2"), "[\"1,2\",\"1,2\"]");
  EXPECT_EQ(render("application/json", "{value}", "/v/true}"), "\"true}\"");
}

TEST(Render, JsonStringStateFollowsEscapedQuotesInTheTemplate) {
  // The template's literal "a\"b" keeps the string open across the escaped
  // quote (the \\ in the TSV is one backslash in the body).
  EXPECT_EQ(render("application/json", "[\"a\\\\\"{value}\"]", "/v/x"), "[\"a\\\"x\"]");
  // An escaped backslash closes nothing: "a\\" ends the string, so the
  // placeholder after it is outside and gets quoted.
  EXPECT_EQ(render("application/json", "[\"a\\\\\\\\\",{value}]", "/v/x"), "[\"a\\\\\",\"x\"]");
}

TEST(Render, MarkupEscapes) {
  EXPECT_EQ(render("text/html; charset=utf-8", "<p>{value}</p>", "/v/%3Cscript%3Ealert(%27x%27)%26%22%3C/script%3E"),
            "<p>&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;</p>");
  EXPECT_EQ(render("application/xml", "<a>{value}</a>", "/v/%3C&"), "<a>&lt;&amp;</a>");
}

TEST(Render, LiteralBracesAndRepeatedPlaceholders) {
  EXPECT_EQ(render("application/json", "{\"ok\":true,\"v\":\"{value}\",\"w\":\"{value}\"}", "/v/z"),
            "{\"ok\":true,\"v\":\"z\",\"w\":\"z\"}");
  EXPECT_EQ(render("text/plain", "{ {} {value {1} {value}}", "/v/q"), "{ {} {value {1} q}");
}

TEST(Render, Utf8LengthIsCountedInBytes) {
  LoadedTable t = load_table("GET\t/v/:value\t200\ttext/plain; charset=utf-8\t\xC3\xA9{value}\n");
  ASSERT_TRUE(t.ok);
  Answer a = answer(t.table, "GET", "/v/%E2%82%AC");
  EXPECT_EQ(a.body, "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(a.headers.at("content-length"), "5");
}

TEST(Render, ShortBufferWritesNothingAndReportsTheSize) {
  LoadedTable t = load_table("GET\t/v/:value\t200\tapplication/json\t{\"v\":\"{value}\"}\n");
  ASSERT_TRUE(t.ok);
  std::string target = "/v/%22%22";
  std::string scratch(target.size(), '\0');
  Match match;
  match_request(t.table.root, kGet, target.data(), static_cast<uint32_t>(target.size()), scratch.data(), &match);
  ASSERT_EQ(match.status, 200);
  const uint32_t needed = body_size(*match.route, match.params);
  EXPECT_EQ(needed, std::string("{\"v\":\"\\\"\\\"\"}").size());
  for (uint32_t capacity = 0; capacity < needed; ++capacity) {
    std::string out(needed, '#');
    EXPECT_EQ(render_body(*match.route, match.params, out.data(), capacity), needed);
    EXPECT_EQ(out, std::string(needed, '#')) << "wrote into a short buffer of " << capacity;
  }
  std::string out(needed + 4, '#');
  EXPECT_EQ(render_body(*match.route, match.params, out.data(), needed + 4), needed);
  EXPECT_EQ(out, "{\"v\":\"\\\"\\\"\"}####");
}

// write_body is render_body without the measuring, for a host that has the
// size already (AnswerHead::content_length): it writes exactly that many
// bytes, static or rendered, escaped or raw, and nothing past them.
TEST(Render, WriteBodyWritesExactlyTheMeasuredSize) {
  struct Case {
    const char* table;
    const char* target;
    const char* body;
  };
  const Case cases[] = {
      {"GET\t/s\t200\ttext/plain\tstatic body\n", "/s", "static body"},
      {"GET\t/e\t200\ttext/plain\t\n", "/e", ""},
      {"GET\t/v/:value\t200\ttext/plain\thello {value}!\n", "/v/rai", "hello rai!"},
      {"GET\t/v/:value\t200\tapplication/json\t{\"v\":\"{value}\"}\n", "/v/%22%0A", "{\"v\":\"\\\"\\n\"}"},
      {"GET\t/v/:value\t200\ttext/html\t<b>{value}</b>\n", "/v/%3Ca%26", "<b>&lt;a&amp;</b>"},
      {"GET\t/v/:a/:b\t200\ttext/plain\t{b}{a}\n", "/v/x/yz", "yzx"},
  };
  for (const Case& c : cases) {
    LoadedTable t = load_table(c.table);
    ASSERT_TRUE(t.ok) << c.table;
    std::string target = c.target;
    std::string scratch(target.size(), '\0');
    Match match;
    match_request(t.table.root, kGet, target.data(), static_cast<uint32_t>(target.size()), scratch.data(), &match);
    ASSERT_EQ(match.status, 200) << c.target;
    const uint32_t size = body_size(*match.route, match.params);
    std::string out(size + 4, '#');
    write_body(*match.route, match.params, out.data());
    EXPECT_EQ(out, std::string(c.body) + "####") << c.target;
  }
}

TEST(Render, ErrorRoutes) {
  EXPECT_EQ(bad_request_route().status, 400);
  EXPECT_EQ(not_found_route().status, 404);
  EXPECT_EQ(method_not_allowed_route().status, 405);
  EXPECT_EQ(uri_too_long_route().status, 414);
  EXPECT_EQ(std::string(not_found_route().body.data, not_found_route().body.size), "Not Found");
}

TEST(Allow, FormatAndShortBuffer) {
  char out[kMaxAllowLength];
  MethodMask all = 0x7F;
  uint32_t n = format_allow(all, out, sizeof out);
  EXPECT_EQ(std::string(out, n), "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  char small[4] = {'#', '#', '#', '#'};
  EXPECT_EQ(format_allow(all, small, sizeof small), n);
  EXPECT_EQ(std::string(small, 4), "####");
  EXPECT_EQ(format_allow(0, out, sizeof out), 0u);
}

}  // namespace
}  // namespace hotpath::testing
