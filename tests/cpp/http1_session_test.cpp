// Http1Session (native/http1_session.h), fd-free, table-driven: the bytes a
// client sends (in the reads given), what the server must answer (RFC 9112,
// RFC 9110, native/README.md), and what the session decides: keep reading,
// or stop and why. The answer step is the server's own (RouteAnswers over
// session_driver.cpp's table), recorded on the way.
//
// Every row is also served as one read and byte by byte: the same answers
// and the same decision, whatever the reads.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http1_session.h"
#include "session_driver.h"

namespace hotpath::native {

// GoogleTest prints these in failure messages (found by ADL, so outside the
// anonymous namespace).
void PrintTo(Http1Session::Ending e, std::ostream* os) {
  static const char* const kNames[] = {"reading", "closed-by-request", "rejected", "timed-out", "input-ended", "stopped"};
  *os << kNames[static_cast<int>(e)];
}

namespace {

using hotpath::testing::ParsedAnswer;
using hotpath::testing::SessionDriver;
using Ending = Http1Session::Ending;

const std::string kSmuggled = "GET /hello/smuggled HTTP/1.1\r\nHost: t\r\n\r\n";
std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}
std::string post(const std::string& headers, const std::string& body = "", const std::string& version = "1.1") {
  return "POST /submit HTTP/" + version + "\r\n" + (version == "1.1" ? "Host: t\r\n" : "") + headers + "\r\n" + body;
}
std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx", data.size());
  return size + std::string("\r\n") + data + "\r\n";
}

struct Want {
  int status;
  const char* body = nullptr;  // nullptr: not checked
};

enum class Then { kNothing, kEndInput, kTimeOut, kDrainFirst, kStopFirst };

struct Row {
  std::string name;
  std::vector<std::string> reads;
  std::vector<Want> answers;
  Ending ending = Ending::kReading;
  uint16_t rejection = 0;   // kRejected, kTimedOut
  size_t requests = 0;      // handed to the answer step
  Then then = Then::kNothing;
  std::vector<bool> heads;  // which final answers are to HEAD
  bool small_limits = false;  // --max-body-bytes 1000 --max-header-bytes 4096
  bool in_body = false;       // still framing a body at the end
  const char* first_body = nullptr;  // the body the answer step got for request 0
};
void PrintTo(const Row& r, std::ostream* os) { *os << r.name; }

SessionLimits limits_for(const Row& row) {
  SessionLimits limits;
  if (row.small_limits) {
    limits.max_body_bytes = 1000;
    limits.parser.max_head_bytes = 4096;
  }
  return limits;
}

struct Served {
  std::string output;  // Date lines removed
  Ending ending;
  uint16_t rejection;
  bool in_body;
  std::vector<hotpath::testing::SeenRequest> requests;
};

Served serve(const Row& row, const std::vector<std::string>& reads) {
  SessionDriver driver(hotpath::testing::kSessionTestTable, limits_for(row));
  driver.answers().fail = [](const std::string& what) { ADD_FAILURE() << "request handed over: " << what; };
  if (row.then == Then::kDrainFirst) driver.drain();
  if (row.then == Then::kStopFirst) driver.stop();
  for (const std::string& read : reads) driver.receive(read);
  if (row.then == Then::kEndInput) driver.end_input();
  if (row.then == Then::kTimeOut) driver.time_out();
  return {hotpath::testing::without_date(driver.output()), driver.session().ending(),
          driver.session().rejection_status(), driver.session().in_body(), driver.answers().requests};
}

// Rows name their leading fields only; the rest keep their defaults.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
std::vector<Row> rows() {
  const std::string big(700, 'x');
  return {
      // ---- pipelining and keep-alive ----
      {"three_pipelined_in_one_read",
       {get("/hello/1") + get("/hello/2") + get("/hello/3")},
       {{200, "hello 1"}, {200, "hello 2"}, {200, "hello 3"}}, Ending::kReading, 0, 3},
      {"pipelined_across_reads_cut_inside_heads",
       {get("/hello/a") + "GET /hel", "lo/b HTTP/1.1\r\nHo", "st: t\r\n\r\n" + get("/json")},
       {{200, "hello a"}, {200, "hello b"}, {200, "{\"ok\":true}"}}, Ending::kReading, 0, 3},
      {"empty_lines_before_a_request_line", {"\r\n\r\n" + get("/hello/e")}, {{200, "hello e"}}, Ending::kReading, 0, 1},
      {"connection_close_ends_it_and_the_rest_is_never_parsed",
       {get("/hello/last", "Connection: close\r\n") + kSmuggled}, {{200, "hello last"}}, Ending::kClosedByRequest, 0, 1},
      {"connection_options_list_keep_alive_CLOSE",
       {get("/hello/l", "Connection: keep-alive, CLOSE\r\n") + kSmuggled}, {{200, "hello l"}},
       Ending::kClosedByRequest, 0, 1},
      {"http10_without_keep_alive_closes", {"GET /hello/ten HTTP/1.0\r\n\r\n" + kSmuggled}, {{200, "hello ten"}},
       Ending::kClosedByRequest, 0, 1},
      {"http10_keep_alive_stays",
       {"GET /hello/k1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /hello/k2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"},
       {{200, "hello k1"}, {200, "hello k2"}}, Ending::kReading, 0, 2},
      {"routing_404_keeps_the_connection", {get("/nope") + get("/hello/next")},
       {{404, "Not Found"}, {200, "hello next"}}, Ending::kReading, 0, 2},
      {"head_answer_has_no_body_and_the_next_parses",
       {"HEAD /hello/abc HTTP/1.1\r\nHost: t\r\n\r\n" + get("/hello/xyz")}, {{200, ""}, {200, "hello xyz"}},
       Ending::kReading, 0, 2, Then::kNothing, {true, false}},

      // ---- bodies: always framed; given to the answer step; never a request ----
      {"content_length_body_holding_a_request_is_framed",
       {post("Content-Length: " + std::to_string(kSmuggled.size()) + "\r\n", kSmuggled) + get("/hello/real")},
       {{201, "created"}, {200, "hello real"}}, Ending::kReading, 0, 2, Then::kNothing, {}, false, false,
       "GET /hello/smuggled HTTP/1.1\r\nHost: t\r\n\r\n"},
      {"content_length_body_in_later_reads", {post("Content-Length: 5\r\n"), "hel", "lo" + get("/hello/after")},
       {{201, "created"}, {200, "hello after"}}, Ending::kReading, 0, 2, Then::kNothing, {}, false, false, "hello"},
      {"content_length_zero", {post("Content-Length: 0\r\n") + get("/hello/z")}, {{201, "created"}, {200, "hello z"}},
       Ending::kReading, 0, 2},
      {"get_with_a_body_holding_a_request",
       {get("/hello/g", "Content-Length: " + std::to_string(kSmuggled.size()) + "\r\n") + kSmuggled + get("/hello/b")},
       {{200, "hello g"}, {200, "hello b"}}, Ending::kReading, 0, 2},
      {"chunked_with_extensions_and_trailers_then_a_request",
       {post("Transfer-Encoding: chunked\r\n",
             "5;name=value;q=\"a;b\\\"c\"\r\nhello\r\n6;x\r\n world\r\n0;last=1\r\nX-Trailer: yes\r\n\r\n") +
        get("/hello/second")},
       {{201, "created"}, {200, "hello second"}}, Ending::kReading, 0, 2, Then::kNothing, {}, false, false,
       "hello world"},
      {"chunk_data_holding_a_request", {post("Transfer-Encoding: chunked\r\n", chunk(kSmuggled) + "0\r\n\r\n") + get("/")},
       {{201, "created"}, {200, "ok"}}, Ending::kReading, 0, 2},
      {"long_chunked_body_then_a_request",
       {post("Transfer-Encoding: chunked\r\n", chunk(big) + chunk(big.substr(0, 300)) + "0\r\n\r\n") + get("/hello/n")},
       {{201, "created"}, {200, "hello n"}}, Ending::kReading, 0, 2},
      {"body_still_arriving", {post("Content-Length: 10\r\n", "12345")}, {}, Ending::kReading, 0, 1, Then::kNothing, {},
       false, true},
      {"bad_chunk_replaces_the_answer_with_400", {post("Transfer-Encoding: chunked\r\n", "5\r\nhelloX\r\n") + kSmuggled},
       {{400, "Bad Request"}}, Ending::kRejected, 400, 1},
      {"pipelined_bodies_of_both_framings",
       {"POST /submit HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
        "PUT /submit HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + get("/")},
       {{201, "created"}, {200, "replaced"}, {200, "ok"}}, Ending::kReading, 0, 3},

      // ---- 100-continue (RFC 9110 10.1.1) ----
      {"expect_100_continue_before_the_body", {post("Content-Length: 5\r\nExpect: 100-continue\r\n"), "hello"},
       {{100}, {201, "created"}}, Ending::kReading, 0, 1},
      {"expect_100_continue_ignored_in_http10",
       {post("Content-Length: 5\r\nExpect: 100-continue\r\n", "hello", "1.0")}, {{201, "created"}},
       Ending::kClosedByRequest, 0, 1},
      {"expect_100_continue_without_a_body_gets_no_100", {get("/hello/e", "Expect: 100-continue\r\n")},
       {{200, "hello e"}}, Ending::kReading, 0, 1},
      {"expect_100_continue_over_the_limit_is_413_without_100",
       {post("Content-Length: 5000\r\nExpect: 100-continue\r\n")}, {{413, "Content Too Large"}}, Ending::kRejected, 413,
       0, Then::kNothing, {}, true},

      // ---- 413 (--max-body-bytes 1000) ----
      {"body_of_exactly_the_limit", {post("Content-Length: 1000\r\n", std::string(1000, 'x')) + get("/hello/a")},
       {{201, "created"}, {200, "hello a"}}, Ending::kReading, 0, 2, Then::kNothing, {}, true},
      {"content_length_over_the_limit_is_413_up_front",
       {post("Content-Length: 1001\r\n", (kSmuggled + std::string(1001, 'x')).substr(0, 1001))},
       {{413, "Content Too Large"}}, Ending::kRejected, 413, 0, Then::kNothing, {}, true},
      {"chunked_body_of_exactly_the_limit",
       {post("Transfer-Encoding: chunked\r\n", chunk(std::string(500, 'a')) + chunk(std::string(500, 'b')) + "0\r\n\r\n") +
        get("/")},
       {{201, "created"}, {200, "ok"}}, Ending::kReading, 0, 2, Then::kNothing, {}, true},
      {"chunked_body_over_the_limit_is_413",
       {post("Transfer-Encoding: chunked\r\n", chunk(std::string(600, 'a')) + chunk(std::string(600, 'b')) + "0\r\n\r\n") +
        kSmuggled},
       {{413, "Content Too Large"}}, Ending::kRejected, 413, 1, Then::kNothing, {}, true},

      // ---- target forms (RFC 9112 3.2) ----
      {"absolute_form_is_routed_by_its_path", {"GET http://x/hello/abc HTTP/1.1\r\nHost: t\r\n\r\n"},
       {{200, "hello abc"}}, Ending::kReading, 0, 1},
      {"absolute_form_without_a_path_is_slash", {"GET http://x HTTP/1.1\r\nHost: t\r\n\r\n"}, {{200, "ok"}},
       Ending::kReading, 0, 1},
      {"options_asterisk_is_204_with_every_method", {"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n" + get("/hello/o")},
       {{204, ""}, {200, "hello o"}}, Ending::kReading, 0, 1},
      {"asterisk_with_another_method_is_400", {"GET * HTTP/1.1\r\nHost: t\r\n\r\n" + kSmuggled}, {{400, "Bad Request"}},
       Ending::kRejected, 400, 0},
      {"authority_form_is_400", {"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n" + kSmuggled},
       {{400, "Bad Request"}}, Ending::kRejected, 400, 0},
      {"fragment_is_400", {get("/hello/a#frag") + kSmuggled}, {{400, "Bad Request"}}, Ending::kRejected, 400, 0},
      {"fragment_in_a_head_request_is_400_without_a_body",
       {"HEAD /hello/a#frag HTTP/1.1\r\nHost: t\r\n\r\n" + kSmuggled}, {{400, ""}}, Ending::kRejected, 400, 0,
       Then::kNothing, {true}},
      {"fragment_in_a_target_over_8192_is_the_routers_414", {get("/" + std::string(8200, 'a') + "#f")}, {{414}},
       Ending::kReading, 0, 1},

      // ---- syntax and framing errors: answered, then close ----
      {"valid_then_garbage", {get("/hello/first") + "garbage\r\n\r\n" + kSmuggled},
       {{200, "hello first"}, {400, "Bad Request"}}, Ending::kRejected, 400, 1},
      {"missing_host", {"GET /hello/a HTTP/1.1\r\n\r\n" + kSmuggled}, {{400}}, Ending::kRejected, 400, 0},
      {"cl_te_both", {post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + kSmuggled)}, {{400}},
       Ending::kRejected, 400, 0},
      {"gzip_then_chunked_is_501", {post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n" + kSmuggled)}, {{501}},
       Ending::kRejected, 501, 0},
      {"http2_is_505", {"GET / HTTP/2.0\r\nHost: t\r\n\r\n" + kSmuggled}, {{505}}, Ending::kRejected, 505, 0},
      {"request_line_over_8k_is_414", {get("/" + std::string(10000, 'a')) + kSmuggled}, {{414}}, Ending::kRejected, 414,
       0},
      {"head_over_the_limit_is_431", {get("/", "X-A: " + std::string(3000, 'a') + "\r\nX-B: " + std::string(3000, 'b') +
                                                   "\r\n") + kSmuggled},
       {{431}}, Ending::kRejected, 431, 0, Then::kNothing, {}, true},

      // ---- decisions from outside: half-close, drain, stop, head timeout ----
      {"half_close_after_three_answers_all_three",
       {get("/hello/1") + get("/hello/2") + get("/hello/3")},
       {{200, "hello 1"}, {200, "hello 2"}, {200, "hello 3"}}, Ending::kInputEnded, 0, 3, Then::kEndInput},
      {"half_close_drops_a_request_cut_short", {get("/hello/1") + "GET /hello/2 HTT"}, {{200, "hello 1"}},
       Ending::kInputEnded, 0, 1, Then::kEndInput},
      {"half_close_inside_a_body_answers_nothing_more", {post("Content-Length: 10\r\n", "12345")}, {},
       Ending::kInputEnded, 0, 1, Then::kEndInput, {}, false, true},
      {"drain_answers_the_next_request_with_close", {get("/hello/d") + kSmuggled},
       {{200, "hello d"}}, Ending::kStopped, 0, 1, Then::kDrainFirst},
      {"stop_reads_nothing", {get("/hello/s")}, {}, Ending::kStopped, 0, 0, Then::kStopFirst},
      {"head_timeout_is_408", {"GET /hel"}, {{408, "Request Timeout"}}, Ending::kTimedOut, 408, 0, Then::kTimeOut},
  };
}
#pragma GCC diagnostic pop

class SessionTable : public ::testing::TestWithParam<Row> {};

TEST_P(SessionTable, AnswersAndDecides) {
  const Row& row = GetParam();
  Served s = serve(row, row.reads);
  SCOPED_TRACE("output:\n" + s.output);
  std::string rest;
  std::vector<ParsedAnswer> answers = hotpath::testing::parse_answers(s.output, row.heads, &rest);
  EXPECT_EQ(rest, "") << "bytes after the last complete answer";
  ASSERT_EQ(answers.size(), row.answers.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    EXPECT_EQ(answers[i].status, row.answers[i].status) << "answer " << i;
    if (row.answers[i].body) {
      EXPECT_EQ(answers[i].body, row.answers[i].body) << "answer " << i;
    }
    if (answers[i].status >= 200) {
      EXPECT_EQ(answers[i].header("server"), "hotpath") << "answer " << i;
    }
  }
  EXPECT_EQ(s.ending, row.ending);
  EXPECT_EQ(s.rejection, row.rejection);
  EXPECT_EQ(s.requests.size(), row.requests);
  EXPECT_EQ(s.in_body, row.in_body);
  EXPECT_EQ(s.output.find("smuggled"), std::string::npos) << "the hidden request is never answered";
  if (row.first_body) {
    ASSERT_FALSE(s.requests.empty());
    EXPECT_EQ(s.requests[0].body, row.first_body);
    EXPECT_TRUE(s.requests[0].complete);
  }
  // The last answer says whether the connection stays (RFC 9112 9.6): a
  // session that stops after answering announces the close.
  if (!answers.empty() && answers.back().status >= 200) {
    const bool closing = s.ending == Ending::kClosedByRequest || s.ending == Ending::kRejected ||
                         s.ending == Ending::kTimedOut || s.ending == Ending::kStopped;
    const bool announced = answers.back().header("connection") == "close";
    const bool http10_close = s.ending == Ending::kClosedByRequest && !s.requests.empty() &&
                              s.requests.back().version_minor == 0;  // HTTP/1.0: closing is the default
    if (closing && !http10_close) {
      EXPECT_TRUE(announced) << "Connection: close on the last answer";
    }
    if (!closing) {
      EXPECT_FALSE(announced);
    }
  }
}

TEST_P(SessionTable, SameInOneReadAndByteByByte) {
  const Row& row = GetParam();
  const Served given = serve(row, row.reads);
  std::string all;
  for (const std::string& read : row.reads) all += read;
  const Served whole = serve(row, {all});
  std::vector<std::string> bytes;
  for (char c : all) bytes.emplace_back(1, c);
  const Served split = serve(row, bytes);
  for (const Served* s : {&whole, &split}) {
    EXPECT_EQ(s->output, given.output);
    EXPECT_EQ(s->ending, given.ending);
    EXPECT_EQ(s->rejection, given.rejection);
    EXPECT_EQ(s->in_body, given.in_body);
    ASSERT_EQ(s->requests.size(), given.requests.size());
    for (size_t i = 0; i < given.requests.size(); ++i) {
      EXPECT_TRUE(s->requests[i] == given.requests[i]) << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Http1, SessionTable, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& info) { return info.param.name; });

TEST(SessionTableSize, HasEnoughRows) { EXPECT_GE(rows().size(), 45u); }

// ---- details the table does not show -------------------------------------

TEST(Http1Session, HundredContinueGoesOutBeforeTheBodyIsRead) {
  SessionDriver d;
  d.receive(post("Content-Length: 5\r\nExpect: 100-continue\r\n"));
  EXPECT_EQ(d.output(), "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_TRUE(d.session().in_body());
  d.receive("hello");
  std::vector<ParsedAnswer> a = hotpath::testing::parse_answers(d.output(), {}, nullptr);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].status, 201);
}

TEST(Http1Session, OptionsAsteriskAllowsEveryMethodAndHasNoLength) {
  SessionDriver d;
  d.receive("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n");
  std::vector<ParsedAnswer> a = hotpath::testing::parse_answers(d.output(), {}, nullptr);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].header("allow"), "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  EXPECT_FALSE(a[0].has("content-length"));
  EXPECT_TRUE(d.answers().requests.empty()) << "the session answers OPTIONS * itself";
}

TEST(Http1Session, HandsOverHeaderFieldsAndTheRawHead) {
  SessionDriver d;
  const std::string head = "\r\nGET /hello/f?x=1 HTTP/1.1\r\nHost: t\r\nX-A:  a b \t\r\nOrigin:https://o.example\r\nX-Empty:\r\n\r\n";
  d.receive(head);
  ASSERT_EQ(d.answers().requests.size(), 1u);
  const auto& r = d.answers().requests[0];
  using F = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(r.fields, (F{{"Host", "t"}, {"X-A", "a b"}, {"Origin", "https://o.example"}, {"X-Empty", ""}}));
  EXPECT_EQ(r.raw_head, head);
  EXPECT_EQ(r.path, "/hello/f?x=1");
}

TEST(Http1Session, HandsOverEveryOneOf128Fields) {
  std::string extra;
  for (int i = 0; i < 127; ++i) extra += "X-" + std::to_string(i) + ": v" + std::to_string(i) + "\r\n";
  SessionDriver d;
  d.receive(get("/", extra));
  ASSERT_EQ(d.answers().requests.size(), 1u);
  const auto& fields = d.answers().requests[0].fields;
  ASSERT_EQ(fields.size(), 128u);
  EXPECT_EQ(fields[127], (std::pair<std::string, std::string>{"X-126", "v126"}));
}

TEST(Http1Session, AbsoluteFormPathIsWhatIsRouted) {
  SessionDriver d;
  d.receive("GET http://a%12:b@hypnotoad.org:1234/toto?q HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_EQ(d.answers().requests.size(), 1u);
  EXPECT_EQ(d.answers().requests[0].target, "http://a%12:b@hypnotoad.org:1234/toto?q");
  EXPECT_EQ(d.answers().requests[0].path, "/toto?q");
}

TEST(Http1Session, ChunkedBodyGivenToTheAnswerStepStopsAtTheLimit) {
  SessionLimits limits;
  limits.max_body_bytes = 1000;
  SessionDriver d(hotpath::testing::kSessionTestTable, limits);
  d.receive(post("Transfer-Encoding: chunked\r\n", chunk(std::string(1500, 'a'))));
  EXPECT_EQ(d.session().ending(), Ending::kRejected);
  EXPECT_EQ(d.session().rejection_status(), 413);
  ASSERT_EQ(d.answers().requests.size(), 1u);
  EXPECT_EQ(d.answers().requests[0].body.size(), 1000u) << "never more than --max-body-bytes";
  EXPECT_FALSE(d.answers().requests[0].complete);
}

TEST(Http1Session, UsesOnlyWholeRequestsAndKeepsTheRest) {
  SessionDriver d;
  d.receive(get("/hello/1") + "GET /hello/2 HTTP/1.1\r\nHo");
  EXPECT_EQ(d.unused(), "GET /hello/2 HTTP/1.1\r\nHo");
  EXPECT_TRUE(d.session().head_pending());
  EXPECT_EQ(d.session().requests(), 1u);
  d.receive("st: t\r\n\r\n");
  EXPECT_EQ(d.unused(), "");
  EXPECT_FALSE(d.session().head_pending());
  EXPECT_EQ(d.session().requests(), 2u);
}

TEST(Http1Session, BytesAfterTheLastRequestAreNeverParsed) {
  SessionDriver d;
  d.receive(get("/hello/c", "Connection: close\r\n") + kSmuggled);
  EXPECT_EQ(d.ignored(), kSmuggled.size());
  d.receive(kSmuggled);
  EXPECT_EQ(d.ignored(), 2 * kSmuggled.size());
  EXPECT_EQ(d.answers().requests.size(), 1u);
}

// ---- answers that complete later (the JavaScript fallback's hook) --------

TEST(Http1Session, LaterAnswerHoldsTheAnswersBehindItInOrder) {
  SessionDriver d;
  d.answers().defer = [](const Request& r) { return r.sequence == 0; };
  d.receive(get("/hello/1") + get("/hello/2") + get("/hello/3"));
  EXPECT_EQ(d.output(), "") << "nothing may pass the answer still due";
  EXPECT_EQ(d.answers().requests.size(), 3u) << "later requests are parsed meanwhile";
  EXPECT_TRUE(d.session().awaiting_answers());
  d.complete(0);
  EXPECT_FALSE(d.session().awaiting_answers());
  std::vector<ParsedAnswer> a = hotpath::testing::parse_answers(d.output(), {}, nullptr);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].body, "hello 1");
  EXPECT_EQ(a[1].body, "hello 2");
  EXPECT_EQ(a[2].body, "hello 3");
}

TEST(Http1Session, LaterAnswersCompletedOutOfOrderGoOutInOrder) {
  SessionDriver d;
  d.answers().defer = [](const Request& r) { return r.sequence != 1; };
  d.receive(get("/hello/1") + get("/hello/2") + get("/hello/3"));
  d.complete(2);
  EXPECT_EQ(d.output(), "");
  d.complete(0);
  std::vector<ParsedAnswer> a = hotpath::testing::parse_answers(d.output(), {}, nullptr);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].body + a[1].body + a[2].body, "hello 1hello 2hello 3");
}

TEST(Http1Session, LaterAnswerWithABodyAndAHundredContinueBehindIt) {
  SessionDriver d;
  d.answers().defer = [](const Request& r) { return r.sequence == 0; };
  d.receive(post("Content-Length: 5\r\n", "hello") + post("Content-Length: 3\r\nExpect: 100-continue\r\n"));
  EXPECT_EQ(d.output(), "") << "the 100 for request 1 may not pass the answer to request 0";
  EXPECT_EQ(d.answers().requests[0].body, "hello");
  d.complete(0);
  std::vector<ParsedAnswer> a = hotpath::testing::parse_answers(d.output(), {}, nullptr);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].status, 201);
  EXPECT_EQ(a[1].status, 100);
  d.receive("abc");
  a = hotpath::testing::parse_answers(d.output(), {}, nullptr);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[2].status, 201);
  EXPECT_EQ(d.answers().requests[1].body, "abc");
}

TEST(Http1Session, ParsingPausesWhenTheQueueIsFull) {
  SessionDriver d;
  d.answers().defer = [](const Request&) { return true; };
  std::string many;
  for (uint32_t i = 0; i < kMaxQueuedAnswers + 6; ++i) many += get("/hello/" + std::to_string(i));
  d.receive(many);
  EXPECT_EQ(d.answers().requests.size(), kMaxQueuedAnswers);
  EXPECT_TRUE(d.session().reading());
  EXPECT_FALSE(d.session().wants_input());
  d.complete(0);
  EXPECT_TRUE(d.session().wants_input());
  d.receive("");
  EXPECT_EQ(d.answers().requests.size(), kMaxQueuedAnswers + 1);
}

TEST(Http1Session, PausedBodyIsNotUsedUntilResumed) {
  SessionDriver d;
  d.receive(post("Content-Length: 10\r\n", "12345"));
  ASSERT_TRUE(d.session().in_body());
  d.session().pause_body();
  EXPECT_FALSE(d.session().wants_input());
  EXPECT_TRUE(d.session().reading());
  d.receive("67890" + get("/hello/next"));
  EXPECT_EQ(d.answers().requests[0].body, "12345") << "no body byte is used while paused";
  EXPECT_EQ(d.unused(), "67890" + get("/hello/next"));
  EXPECT_EQ(d.output(), "");
  d.session().resume_body();
  EXPECT_TRUE(d.session().wants_input());
  d.receive("");
  EXPECT_EQ(d.answers().requests[0].body, "1234567890");
  std::vector<ParsedAnswer> a = hotpath::testing::parse_answers(d.output(), {}, nullptr);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].status, 201);
  EXPECT_EQ(a[1].body, "hello next");
}

TEST(Http1Session, SlotBuffersAreReusedAcrossBodies) {
  SessionDriver d;
  for (int i = 0; i < 50; ++i) d.receive(post("Content-Length: 3\r\n", "abc"));
  std::vector<ParsedAnswer> a = hotpath::testing::parse_answers(d.output(), {}, nullptr);
  ASSERT_EQ(a.size(), 50u);
  for (const ParsedAnswer& answer : a) EXPECT_EQ(answer.body, "created");
}

TEST(Http1Session, RejectedRequestsAreNotUsed) {
  SessionDriver d;
  const std::string bad = "GET * HTTP/1.1\r\nHost: t\r\n\r\n";
  d.receive(get("/hello/1") + bad);
  EXPECT_EQ(d.session().ending(), Ending::kRejected);
  EXPECT_EQ(d.ignored(), bad.size()) << "the rejected head is not used";
}

TEST(Http1Session, RejectedBodyCancelsItsLaterAnswer) {
  SessionDriver d;
  d.answers().defer = [](const Request&) { return true; };
  d.receive(post("Transfer-Encoding: chunked\r\n", "zz\r\n"));
  EXPECT_EQ(d.answers().cancelled, (std::vector<uint64_t>{0}));
  EXPECT_FALSE(d.session().awaiting_answers());
  std::vector<ParsedAnswer> a = hotpath::testing::parse_answers(d.output(), {}, nullptr);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].status, 400);
}

TEST(Http1Session, AnEndedSessionCancelsWhatIsStillDue) {
  SessionDriver d;
  d.answers().defer = [](const Request& r) { return r.sequence == 1; };
  d.receive(get("/hello/1") + get("/hello/2"));
  d.end_input();
  EXPECT_TRUE(d.session().awaiting_answers()) << "a half-closed client still gets its answers";
  EXPECT_TRUE(d.answers().cancelled.empty());
  d.end_session();  // the connection closed first
  EXPECT_EQ(d.answers().cancelled, (std::vector<uint64_t>{1}));
}

}  // namespace
}  // namespace hotpath::native
