// Route-table parser: accepted forms, every error with its line number, and
// the all-or-nothing guarantee. Table-driven where the cases share a shape.
#include <gtest/gtest.h>

#include <string>

#include "table_loader.h"

namespace hotpath::testing {
namespace {

const char kCoreTable[] =
    "GET\t/\t200\ttext/plain; charset=utf-8\tok\n"
    "HEAD\t/\t200\ttext/plain; charset=utf-8\t\n"
    "GET\t/hello/:name\t200\ttext/plain; charset=utf-8\thello {name}\n"
    "HEAD\t/hello/:name\t200\ttext/plain; charset=utf-8\t\n"
    "GET\t/json\t200\tapplication/json; charset=utf-8\t{\"ok\":true}\n"
    "HEAD\t/json\t200\tapplication/json; charset=utf-8\t\n";

TEST(Parser, LoadsTheOriginalCoreTable) {
  LoadedTable t = load_table(kCoreTable);
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_EQ(t.table.route_count, 6u);
  const Route* r = t.table.first_route;
  EXPECT_EQ(r->line, 1u);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(std::string(r->body.data, r->body.size), "ok");
}

TEST(Parser, TheCheckedInBenchTableLoads) {
  LoadedTable t = load_table(read_file(HOTPATH_SOURCE_DIR "/bench/c-core.tsv"));
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_EQ(t.table.route_count, 6u);
  EXPECT_EQ(read_file(HOTPATH_SOURCE_DIR "/bench/c-core.tsv"), kCoreTable);
}

TEST(Parser, GithubStyleTableLoads) {
  LoadedTable t = load_table(read_file(HOTPATH_SOURCE_DIR "/bench/github-api.tsv"));
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_GT(t.table.route_count, 150u);
}

TEST(Parser, CommentsBlankLinesCrlfAndBom) {
  LoadedTable t = load_table(
      "\xEF\xBB\xBF# a comment\r\n"
      "\r\n"
      "  \t \n"
      "GET\t/a\t200\ttext/plain\ta\r\n"
      "#GET\t/b\t200\ttext/plain\tb\n"
      "GET\t/c\t201\ttext/plain\tc");  // no final newline
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_EQ(t.table.route_count, 2u);
  EXPECT_EQ(t.table.first_route->line, 4u);
  EXPECT_EQ(t.table.first_route->next->line, 6u);
  EXPECT_EQ(t.table.first_route->next->status, 201);
  // CR dropped from the body of a CRLF line.
  EXPECT_EQ(std::string(t.table.first_route->body.data, t.table.first_route->body.size), "a");
}

TEST(Parser, EmptyTableLoadsAndAnswersNotFound) {
  LoadedTable t = load_table("# nothing\n\n");
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.table.route_count, 0u);
  EXPECT_EQ(answer(t.table, "GET", "/").status, 404);
}

TEST(Parser, BodyFieldMayBeOmitted) {
  LoadedTable t = load_table("GET\t/a\t200\ttext/plain\n");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_EQ(answer(t.table, "GET", "/a").headers.at("content-length"), "0");
}

TEST(Parser, BodyEscapes) {
  LoadedTable t = load_table("GET\t/a\t200\ttext/plain\ta\\tb\\nc\\rd\\\\e\n");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_EQ(answer(t.table, "GET", "/a").body, "a\tb\nc\rd\\e");
}

TEST(Parser, EscapedBackslashBeforeBraceKeepsPlaceholder) {
  LoadedTable t = load_table("GET\t/:x\t200\ttext/plain\t\\\\{x}\n");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_EQ(answer(t.table, "GET", "/v").body, "\\v");
}

TEST(Parser, StaticSegmentsArePercentDecodedAtLoad) {
  LoadedTable t = load_table("GET\t/caf%C3%A9\t200\ttext/plain\tx\n");
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_EQ(answer(t.table, "GET", "/caf\xC3\xA9").status, 200);
  EXPECT_EQ(answer(t.table, "GET", "/caf%c3%a9").status, 200);
  LoadedTable dup = load_table("GET\t/caf%C3%A9\t200\ttext/plain\tx\nGET\t/caf\xC3\xA9\t200\ttext/plain\ty\n");
  EXPECT_FALSE(dup.ok);
  EXPECT_EQ(dup.error_line, 2u);
}

struct BadTable {
  const char* name;
  std::string text;
  uint32_t line;
  const char* fragment;
};

void PrintTo(const BadTable& c, std::ostream* os) { *os << c.name; }

class ParserErrors : public ::testing::TestWithParam<BadTable> {};

TEST_P(ParserErrors, NamesTheLineAndTheReason) {
  const BadTable& c = GetParam();
  LoadedTable t = load_table(c.text);
  ASSERT_FALSE(t.ok) << "loaded: " << c.text;
  EXPECT_EQ(t.error_line, c.line) << t.error;
  EXPECT_NE(t.error.find(c.fragment), std::string::npos) << t.error;
  EXPECT_EQ(t.error.rfind("line " + std::to_string(c.line) + ": ", 0), 0u) << t.error;
}

const std::string kGood = "GET\t/ok\t200\ttext/plain\tok\n";

INSTANTIATE_TEST_SUITE_P(
    Table, ParserErrors,
    ::testing::Values(
        BadTable{"LowercaseMethod", "get\t/\t200\ttext/plain\tx\n", 1, "unknown method"},
        BadTable{"Directive", kGood + "HEADERS\tx-a\tb\n", 2, "unknown method or directive 'HEADERS'"},
        BadTable{"EmptyMethod", "\t/\t200\ttext/plain\tx\n", 1, "unknown method"},
        BadTable{"ThreeFields", "GET\t/\t200\n", 1, "fields"},
        BadTable{"SixFields", "GET\t/\t200\ttext/plain\tx\ty\n", 1, "write a tab inside BODY"},
        BadTable{"RelativePath", "GET\tx\t200\ttext/plain\tx\n", 1, "path"},
        BadTable{"EmptyPath", "GET\t\t200\ttext/plain\tx\n", 1, "path"},
        BadTable{"QueryInPath", "GET\t/a?b\t200\ttext/plain\tx\n", 1, "path"},
        BadTable{"HashInPath", "GET\t/a#b\t200\ttext/plain\tx\n", 1, "path"},
        BadTable{"SpaceInPath", "GET\t/a b\t200\ttext/plain\tx\n", 1, "path"},
        BadTable{"EmptyParamName", "GET\t/:\t200\ttext/plain\tx\n", 1, "parameter"},
        BadTable{"DigitParamName", "GET\t/:1x\t200\ttext/plain\tx\n", 1, "parameter"},
        BadTable{"DashParamName", "GET\t/:a-b\t200\ttext/plain\tx\n", 1, "parameter"},
        BadTable{"DuplicateParam", "GET\t/:a/:a\t200\ttext/plain\tx\n", 1, "duplicate parameter"},
        BadTable{"ParamAndWildcardSameName", "GET\t/:a/*a\t200\ttext/plain\tx\n", 1, "duplicate parameter"},
        BadTable{"WildcardNotLast", "GET\t/*a/b\t200\ttext/plain\tx\n", 1, "wildcard"},
        BadTable{"BareWildcardNotLast", "GET\t/*/b\t200\ttext/plain\tx\n", 1, "wildcard"},
        BadTable{"BadEscapeInPath", "GET\t/a%zz\t200\ttext/plain\tx\n", 1, "escape"},
        BadTable{"ShortEscapeInPath", "GET\t/a%4\t200\ttext/plain\tx\n", 1, "escape"},
        BadTable{"InvalidUtf8Escape", "GET\t/%FF\t200\ttext/plain\tx\n", 1, "UTF-8"},
        BadTable{"InvalidUtf8Line", kGood + "GET\t/\xFF\t200\ttext/plain\tx\n", 2, "UTF-8"},
        BadTable{"StatusLetters", "GET\t/\tabc\ttext/plain\tx\n", 1, "status"},
        BadTable{"StatusTwoDigits", "GET\t/\t20\ttext/plain\tx\n", 1, "status"},
        BadTable{"Status199", "GET\t/\t199\ttext/plain\tx\n", 1, "status"},
        BadTable{"Status600", "GET\t/\t600\ttext/plain\tx\n", 1, "status"},
        BadTable{"StatusSign", "GET\t/\t+20\ttext/plain\tx\n", 1, "status"},
        BadTable{"NoContentWithBody", "GET\t/\t204\ttext/plain\tx\n", 1, "empty body"},
        BadTable{"NotModifiedWithBody", "GET\t/\t304\t\tx\n", 1, "empty body"},
        BadTable{"ContentTypeControl", "GET\t/\t200\ttext/plain\x01\tx\n", 1, "content type"},
        BadTable{"ContentTypeNonAscii", "GET\t/\t200\ttext/pl\xC3\xA9\tx\n", 1, "content type"},
        BadTable{"EmptyContentType", "GET\t/\t200\t\tx\n", 1, "content type"},
        BadTable{"UnknownBodyEscape", "GET\t/\t200\ttext/plain\ta\\qb\n", 1, "unknown escape '\\q'"},
        BadTable{"QuoteBodyEscape", "GET\t/\t200\ttext/plain\ta\\\"b\n", 1, "escape"},
        BadTable{"TrailingBackslash", "GET\t/\t200\ttext/plain\tab\\\n", 1, "escape"},
        BadTable{"PlaceholderWithoutParam", "GET\t/:id\t200\ttext/plain\t{name}\n", 1, "parameter"},
        BadTable{"PlaceholderBareWildcard", "GET\t/*\t200\ttext/plain\t{x}\n", 1, "parameter"},
        BadTable{"DuplicateRoute", kGood + "GET\t/a/:x\t200\ttext/plain\tx\nGET\t/a/:y\t200\ttext/plain\ty\n", 3,
                 "duplicate route: GET '/a/:y' has the same method and path shape as line 2"},
        BadTable{"DuplicateAny", "ANY\t/*p\t200\ttext/plain\tx\nANY\t/*q\t200\ttext/plain\ty\n", 2, "line 1"},
        BadTable{"DuplicateAfterCommentsAndBlanks",
                 "# c\n\nGET\t/\t200\ttext/plain\tx\n# c\n\nGET\t/\t200\ttext/plain\ty\n", 6, "line 3"},
        BadTable{"ErrorAfterManyGoodLines", kGood + kGood.substr(0, 0) + "GET\t/b\t200\ttext/plain\tb\n" +
                                                 "GET\t/c\t200\ttext/plain\tc\n" + "PUT\t/d\t999\ttext/plain\td\n",
                 4, "status"}),
    [](const ::testing::TestParamInfo<BadTable>& info) { return std::string(info.param.name); });

TEST(Parser, ErrorLeavesNoPartialTable) {
  RouteTable table{};
  table.route_count = 12345;
  std::vector<char> memory(1 << 20);
  Arena arena{memory.data(), memory.size(), 0};
  LoadError error{};
  std::string text = kGood + "BAD\t/\t200\ttext/plain\tx\n";
  EXPECT_FALSE(parse_route_table(text.data(), text.size(), arena, &table, &error));
  EXPECT_EQ(table.route_count, 12345u);  // untouched
  EXPECT_EQ(error.line, 2u);
}

TEST(Parser, TinyArenaReportsOutOfMemoryNotCorruption) {
  std::string text = read_file(HOTPATH_SOURCE_DIR "/bench/github-api.tsv");
  for (size_t size : {0, 1, 64, 1024, 8192, 65536}) {
    std::vector<char> memory(size + 1);
    Arena arena{memory.data(), size, 0};
    RouteTable table{};
    LoadError error{};
    bool ok = parse_route_table(text.data(), text.size(), arena, &table, &error);
    if (!ok) {
      EXPECT_TRUE(error.out_of_memory) << size << ": " << std::string(error.message, error.message_length);
    }
    EXPECT_LE(arena.used, size);
  }
}

TEST(Parser, LongExcerptsAreCutAtCharacterBoundaries) {
  std::string method(100, 'X');
  method.replace(45, 2, "\xC3\xA9");  // an é straddling the cut
  LoadedTable t = load_table(method + "\t/\t200\ttext/plain\tx\n");
  ASSERT_FALSE(t.ok);
  EXPECT_NE(t.error.find("..."), std::string::npos);
  EXPECT_LE(t.error.size(), kMaxErrorMessage);
}

TEST(Parser, TenThousandRoutesLoad) {
  std::string text;
  for (int i = 0; i < 10000; ++i) {
    text += "GET\t/r" + std::to_string(i) + "/:id/items/" + std::to_string(i % 7) + "\t200\tapplication/json\t{\"n\":" +
            std::to_string(i) + ",\"id\":\"{id}\"}\n";
  }
  LoadedTable t = load_table(text);
  ASSERT_TRUE(t.ok) << t.error;
  EXPECT_EQ(t.table.route_count, 10000u);
  Answer a = answer(t.table, "GET", "/r9999/abc/items/3");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "{\"n\":9999,\"id\":\"abc\"}");
  EXPECT_EQ(answer(t.table, "GET", "/r9999/abc/items/4").status, 404);
}

TEST(Parser, LimitsOnSegmentsAndParameters) {
  std::string deep = "GET\t";
  for (uint32_t i = 0; i < kMaxSegments; ++i) deep += "/s";
  LoadedTable ok = load_table(deep + "\t200\ttext/plain\tx\n");
  EXPECT_TRUE(ok.ok) << ok.error;
  LoadedTable too_deep = load_table(deep + "/s\t200\ttext/plain\tx\n");
  EXPECT_FALSE(too_deep.ok);
  EXPECT_NE(too_deep.error.find("segments"), std::string::npos);

  std::string params = "GET\t";
  for (uint32_t i = 0; i <= kMaxParams; ++i) params += "/:p" + std::to_string(i);
  LoadedTable too_many = load_table(params + "\t200\ttext/plain\tx\n");
  EXPECT_FALSE(too_many.ok);
  EXPECT_NE(too_many.error.find("parameters"), std::string::npos);
}

}  // namespace
}  // namespace hotpath::testing

namespace hotpath::testing {
namespace {

TEST(Parser, DistinctContentTypesGetIdsAfterTheErrorType) {
  LoadedTable t = load_table(
      "GET\t/a\t200\ttext/plain; charset=utf-8\ta\n"
      "GET\t/b\t200\tapplication/json\t{}\n"
      "GET\t/c\t200\tapplication/json\t[]\n"
      "GET\t/d\t204\t\t\n");
  ASSERT_TRUE(t.ok) << t.error;
  ASSERT_EQ(t.table.content_type_count, 3u);
  auto text = [](Slice s) { return std::string(s.data, s.size); };
  EXPECT_EQ(text(t.table.content_types[0]), "text/plain; charset=utf-8");
  EXPECT_EQ(text(t.table.content_types[1]), "application/json");
  EXPECT_EQ(text(t.table.content_types[2]), "");
  const Route* r = t.table.first_route;
  EXPECT_EQ(r->content_type_id, 0u);              // same text as the error type
  EXPECT_EQ(r->next->content_type_id, 1u);
  EXPECT_EQ(r->next->next->content_type_id, 1u);
  EXPECT_EQ(r->next->next->next->content_type_id, 2u);
  EXPECT_EQ(not_found_route().content_type_id, 0u);
}

}  // namespace
}  // namespace hotpath::testing
