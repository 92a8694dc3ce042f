// Matcher: table-driven cases over one route table (in the style of
// matchit's tests). Every request target and the scratch buffer sit against a
// guard page, so a read or write one byte too far crashes the test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "guard_page.h"
#include "table_loader.h"

namespace hotpath::testing {
namespace {

// Registered in an order that puts the least specific routes first, so the
// priority rules cannot come from table order.
const char kTable[] =
    "GET\t/files/*path\t200\ttext/plain\tfile {path}\n"
    "GET\t/users/:id/posts\t200\ttext/plain\tposts of {id}\n"
    "GET\t/users/:id\t200\ttext/plain\tuser {id}\n"
    "DELETE\t/users/:id\t204\t\t\n"
    "GET\t/users/new\t200\ttext/plain\tnew user form\n"
    "POST\t/users\t201\ttext/plain\tcreated\n"
    "GET\t/a/:x/c\t200\ttext/plain\tparam {x}\n"
    "GET\t/a/b/d\t200\ttext/plain\tstatic b d\n"
    "GET\t/a/*rest\t200\ttext/plain\twild {rest}\n"
    "GET\t/\t200\ttext/plain\troot\n"
    "GET\t/trail/\t200\ttext/plain\twith slash\n"
    "GET\t/trail\t200\ttext/plain\twithout slash\n"
    "ANY\t/any/:x\t200\ttext/plain\tany {x}\n"
    "PUT\t/any/:x\t200\ttext/plain\tput {x}\n"
    "HEAD\t/head-only\t200\ttext/plain\thead body\n"
    "OPTIONS\t/users\t204\t\t\n"
    "GET\t/x//y\t200\ttext/plain\tempty segment\n"
    "GET\t/enc/:v\t200\ttext/plain\t[{v}]\n";

struct Case {
  const char* method;
  const char* target;
  int status;
  const char* body;   // nullptr: not checked
  const char* allow;  // nullptr: no Allow expected
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.method << " " << std::string(c.target).substr(0, 60); }

// What the matcher and renderer give for one request, read from guarded memory.
struct Guarded {
  int status = 0;
  size_t content_length = 0;
  std::string allow;
  std::string body;
};

Guarded guarded_answer(const RouteTable& table, const std::string& method, const std::string& target) {
  GuardedBytes input(target);
  GuardedBytes scratch(std::string(target.size(), '\0'));
  Match match;
  match_request(table.root, request_method_from_token(method.data(), static_cast<uint32_t>(method.size())),
                input.data(), static_cast<uint32_t>(target.size()), scratch.mutable_data(), &match);
  Guarded a;
  a.status = match.status;
  uint32_t size = body_size(*match.route, match.params);
  GuardedBytes out(std::string(size, '\0'));
  EXPECT_EQ(render_body(*match.route, match.params, out.mutable_data(), size), size);
  a.content_length = size;
  if (!match.head) a.body.assign(out.data(), size);
  if (match.status == 405) {
    char allow[kMaxAllowLength];
    a.allow.assign(allow, format_allow(match.allow, allow, sizeof allow));
  }
  return a;
}

class Matcher : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    loaded_ = new LoadedTable(load_table(kTable));
    ASSERT_TRUE(loaded_->ok) << loaded_->error;
  }
  static void TearDownTestSuite() { delete loaded_; }
  static LoadedTable* loaded_;
};
LoadedTable* Matcher::loaded_ = nullptr;

TEST_P(Matcher, Routes) {
  const Case& c = GetParam();
  Guarded a = guarded_answer(loaded_->table, c.method, c.target);
  EXPECT_EQ(a.status, c.status) << c.method << " " << c.target;
  if (c.body) {
    EXPECT_EQ(a.body, c.body) << c.method << " " << c.target;
  }
  EXPECT_EQ(a.allow, c.allow ? c.allow : "") << c.method << " " << c.target;
}

INSTANTIATE_TEST_SUITE_P(
    Table, Matcher,
    ::testing::Values(
        // Priority: static > param > wildcard, whatever the order above.
        Case{"GET", "/users/new", 200, "new user form", nullptr},
        Case{"GET", "/users/42", 200, "user 42", nullptr},
        Case{"GET", "/users/42/posts", 200, "posts of 42", nullptr},
        Case{"GET", "/users/new/posts", 200, "posts of new", nullptr},  // backtrack new -> :id
        Case{"GET", "/files/a/b/c.txt", 200, "file a/b/c.txt", nullptr},
        Case{"GET", "/files/", 200, "file ", nullptr},
        Case{"GET", "/files", 404, "Not Found", nullptr},
        // Backtracking from a static dead end to the param and then wildcard.
        Case{"GET", "/a/b/d", 200, "static b d", nullptr},
        Case{"GET", "/a/b/c", 200, "param b", nullptr},
        Case{"GET", "/a/b/e", 200, "wild b/e", nullptr},
        Case{"GET", "/a/q/c", 200, "param q", nullptr},
        Case{"GET", "/a/", 200, "wild ", nullptr},
        // Params need a non-empty segment.
        Case{"GET", "/users/", 404, nullptr, nullptr},
        Case{"GET", "/users//posts", 404, nullptr, nullptr},
        // Root, trailing slashes, empty segments.
        Case{"GET", "/", 200, "root", nullptr},
        Case{"GET", "/trail", 200, "without slash", nullptr},
        Case{"GET", "/trail/", 200, "with slash", nullptr},
        Case{"GET", "/x//y", 200, "empty segment", nullptr},
        Case{"GET", "/x/y", 404, nullptr, nullptr},
        // Query and fragment never take part.
        Case{"GET", "/users/7?x=/files/", 200, "user 7", nullptr},
        Case{"GET", "/users/7#frag?x", 200, "user 7", nullptr},
        Case{"GET", "/?", 200, "root", nullptr},
        Case{"GET", "/trail?/", 200, "without slash", nullptr},
        // Percent-decoding.
        Case{"GET", "/enc/a%20b", 200, "[a b]", nullptr},
        Case{"GET", "/enc/a%2Fb", 200, "[a/b]", nullptr},
        Case{"GET", "/enc/%25", 200, "[%]", nullptr},
        Case{"GET", "/enc/caf%c3%a9", 200, "[caf\xC3\xA9]", nullptr},
        Case{"GET", "/us%65rs/new", 200, "new user form", nullptr},
        Case{"GET", "/files/a%2Fb/c%3F", 200, "file a/b/c?", nullptr},
        Case{"GET", "/enc/%zz", 400, "Bad Request", nullptr},
        Case{"GET", "/enc/%4", 400, "Bad Request", nullptr},
        Case{"GET", "/enc/%", 400, "Bad Request", nullptr},
        Case{"GET", "/nowhere/%zz", 400, "Bad Request", nullptr},
        Case{"GET", "/enc/%FF", 400, "Bad Request", nullptr},
        Case{"GET", "/enc/%C0%AF", 400, "Bad Request", nullptr},
        Case{"GET", "/enc/%ED%A0%80", 400, "Bad Request", nullptr},  // a surrogate
        Case{"GET", "/enc/\xC3", 400, "Bad Request", nullptr},
        Case{"GET", "/enc/a b", 400, "Bad Request", nullptr},
        Case{"GET", "/enc/%zz?", 400, nullptr, nullptr},
        Case{"GET", "/users/1?q=%zz", 200, "user 1", nullptr},  // query is not ours
        Case{"GET", "", 400, nullptr, nullptr},
        Case{"GET", "users", 400, nullptr, nullptr},
        Case{"GET", "?x", 400, nullptr, nullptr},
        // Methods, 405 and Allow (union over every matching path).
        Case{"POST", "/users/new", 405, "Method Not Allowed", "GET, HEAD, DELETE"},
        Case{"DELETE", "/users/new", 204, "", nullptr},  // falls back to DELETE /users/:id
        Case{"PATCH", "/users", 405, nullptr, "POST, OPTIONS"},
        Case{"OPTIONS", "/users", 204, "", nullptr},
        Case{"get", "/users/new", 405, nullptr, "GET, HEAD, DELETE"},
        Case{"PROPFIND", "/any/1", 200, "any 1", nullptr},
        Case{"PUT", "/any/1", 200, "put 1", nullptr},
        Case{"GET", "/any/1", 200, "any 1", nullptr},
        // HEAD: from GET with GET's length; explicit HEAD route.
        Case{"HEAD", "/users/42", 200, "", nullptr},
        Case{"HEAD", "/head-only", 200, "", nullptr},
        Case{"GET", "/head-only", 405, nullptr, "HEAD"},
        Case{"POST", "/files/x", 405, nullptr, "GET, HEAD"},
        // 414 before anything else.
        Case{"GET", "/files/a%zz", 400, nullptr, nullptr}));

TEST(MatcherHead, ContentLengthIsTheGetBodyLength) {
  LoadedTable t = load_table(kTable);
  ASSERT_TRUE(t.ok);
  Guarded get = guarded_answer(t.table, "GET", "/users/42");
  Guarded head = guarded_answer(t.table, "HEAD", "/users/42");
  EXPECT_EQ(head.content_length, get.content_length);
  EXPECT_EQ(head.body, "");
  Guarded head_only = guarded_answer(t.table, "HEAD", "/head-only");
  EXPECT_EQ(head_only.content_length, 9u);  // "head body"
}

TEST(MatcherLimits, TargetLengthBoundaryIs8192) {
  LoadedTable t = load_table(kTable);
  ASSERT_TRUE(t.ok);
  std::string at_limit = "/files/" + std::string(kMaxTargetLength - 7, 'a');
  ASSERT_EQ(at_limit.size(), kMaxTargetLength);
  Guarded ok = guarded_answer(t.table, "GET", at_limit);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body.size(), 5 + kMaxTargetLength - 7);
  EXPECT_EQ(guarded_answer(t.table, "GET", at_limit + "a").status, 414);
  EXPECT_EQ(guarded_answer(t.table, "GET", at_limit.substr(0, 8000) + "?" + std::string(200, 'q')).status, 414);
  EXPECT_EQ(guarded_answer(t.table, "GET", "/" + std::string(16384, 'x')).status, 414);
}

TEST(MatcherLimits, ManySegmentsDoNotRecurseDeeperThanTheTree) {
  LoadedTable t = load_table(kTable);
  ASSERT_TRUE(t.ok);
  std::string target;
  while (target.size() < 8000) target += "/a";
  EXPECT_EQ(guarded_answer(t.table, "GET", target).status, 200);  // /a/*rest
  std::string slashes(8000, '/');
  EXPECT_EQ(guarded_answer(t.table, "GET", slashes).status, 404);
}

TEST(MatcherStatic, HashedEdgesFindEverySibling) {
  // More than the linear-scan limit of static children at one node, with
  // names that collide on length and first/last byte.
  std::string text;
  std::vector<std::string> names;
  for (int i = 0; i < 300; ++i) {
    std::string name = "s" + std::to_string(i % 10) + std::string(static_cast<size_t>(i % 3), 'm') +
                       std::to_string(i) + "e";
    names.push_back(name);
    text += "GET\t/root/" + name + "\t200\ttext/plain\t" + name + "\n";
  }
  text += "GET\t/root/:other\t200\ttext/plain\tparam {other}\n";
  LoadedTable t = load_table(text);
  ASSERT_TRUE(t.ok) << t.error;
  for (const std::string& name : names) {
    EXPECT_EQ(guarded_answer(t.table, "GET", "/root/" + name).body, name);
  }
  EXPECT_EQ(guarded_answer(t.table, "GET", "/root/s0m0e").body, "param s0m0e");
  EXPECT_EQ(guarded_answer(t.table, "GET", "/root/").status, 404);
}

TEST(MatcherGuard, TableTextIsNeverReadPastItsEnd) {
  std::string text = kTable;
  text.pop_back();  // no final newline: the parser must stop at the end
  GuardedBytes guarded(text);
  std::vector<char> memory(1 << 20);
  Arena arena{memory.data(), memory.size(), 0};
  RouteTable table{};
  LoadError error{};
  ASSERT_TRUE(parse_route_table(guarded.data(), text.size(), arena, &table, &error));
  EXPECT_EQ(guarded_answer(table, "GET", "/enc/x").body, "[x]");
}

}  // namespace
}  // namespace hotpath::testing
