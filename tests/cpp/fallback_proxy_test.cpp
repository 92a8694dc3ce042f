// FallbackProxy (native/fallback_proxy.h) with real sessions and the
// server's own answer step, fd-free: the test plays the fallback on the
// other side of each FallbackChannel (it reads the request frames the proxy
// queued and feeds back response frames), and the event loop (it hands
// answers to the sessions and feeds paused bodies again). What is checked
// is what a client would receive, byte for byte, and the proxy's
// accounting (requests in flight, the shared counter).
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fallback_proxy.h"
#include "route_answers.h"
#include "session_driver.h"

namespace hotpath::native {
namespace {

using hotpath::testing::ParsedAnswer;
using hotpath::testing::parse_answers;
using Fields = std::vector<std::pair<std::string, std::string>>;

// Route indexes: 0 "/", 1 "/dyn/:name", 2 "/echo", 3 "/other/*rest", 4 "/guarded".
const char kTable[] =
    "MIDDLEWARE\tHEADER\tx-app\tdemo\n"
    "GET\t/\t200\ttext/plain\tok\n"
    "PROXY\tGET\t/dyn/:name\n"
    "PROXY\tPOST\t/echo\n"
    "PROXY_UNIX\tGET\t/other/*rest\t/tmp/hotpath-proxy-test-other.sock\n"
    "PROXY\tGET\t/guarded\n"
    "ROUTE_MIDDLEWARE\t4\tHEADER\tcache-control\tno-store\n"
    "ROUTE_MIDDLEWARE\t4\tREQUIRE_HEADER\tx-key\tk\n";

struct SentRequest {
  uint32_t id = 0;
  uint32_t route = 0;
  std::string method, target, body;
  Fields fields, params;
};

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

class Harness final : public ProxyEvents {
 public:
  // A client connection: its session, and what the test keeps for it.
  struct Client : Http1Session {
    explicit Client(SessionContext& context) : Http1Session(context) {}
    Http1Session* session = this;
    std::string out;     // what the client received
    std::string unused;  // bytes the session did not use yet
    int resumed = 0;
  };

  explicit Harness(const std::string& table = kTable, uint64_t max_body = 1 << 20, uint32_t max_inflight = 1024,
                   bool with_fallback = true) {
    std::string error;
    EXPECT_TRUE(parse_fallback_address("unix:/tmp/hotpath-proxy-test-default.sock", &default_address, &error));
    auto loaded = load_routes_text(table, "proxy-test.tsv", &error);
    EXPECT_TRUE(loaded) << error;
    tables = std::make_unique<RouteTables>(std::move(loaded), 1);
    ProxySettings settings;
    settings.fallback = with_fallback ? &default_address : nullptr;
    settings.timeout_ms = 1000;
    settings.max_inflight = max_inflight;
    settings.max_response_bytes = 4096;
    settings.inflight = &inflight;
    proxy = std::make_unique<FallbackProxy>(settings, date, *this);
    answers = std::make_unique<RouteAnswers>(*tables, date, proxy.get());
    context = SessionContext{SessionLimits{}, &date, answers.get()};
    context.limits.max_body_bytes = max_body;
  }
  ~Harness() {
    clients.clear();
    proxy.reset();
  }

  Client& client(size_t i = 0) {
    while (clients.size() <= i) clients.push_back(std::make_unique<Client>(context));
    return *clients[i];
  }

  // One read from client i.
  void send(const std::string& bytes, size_t i = 0) {
    Client& c = client(i);
    c.unused += bytes;
    feed(c);
  }

  // The request frames queued on `channel` since the last call, taken off
  // as a fallback would read them.
  std::vector<SentRequest> take(FallbackChannel& channel) {
    std::vector<SentRequest> out;
    while (channel.unsent() > 0) {
      fallback::RequestFrame f;
      fallback::DecodeResult r = fallback::decode_request_frame(channel.out.data() + channel.out_offset,
                                                                channel.unsent(), fallback::kMaxFrameLength, &f);
      EXPECT_EQ(r.status, fallback::Decoded::kFrame) << r.error;
      if (r.status != fallback::Decoded::kFrame) break;
      SentRequest s;
      s.id = f.id;
      s.route = f.route;
      s.method = std::string(f.method);
      s.target = std::string(f.target);
      s.body = std::string(f.body);
      for (auto& x : f.fields) s.fields.emplace_back(std::string(x.name.data, x.name.size), std::string(x.value.data, x.value.size));
      for (auto& x : f.params) s.params.emplace_back(std::string(x.name.data, x.name.size), std::string(x.value.data, x.value.size));
      out.push_back(std::move(s));
      channel.out_offset += r.used;
    }
    if (channel.unsent() == 0) {
      channel.out.clear();
      channel.out_offset = 0;
      proxy->drained(channel);
    }
    return out;
  }

  std::string response(uint32_t id, uint16_t status, const Fields& fields, const std::string& body) {
    std::vector<HeaderField> f;
    for (auto& [n, v] : fields) f.push_back(HeaderField{Slice{n.data(), static_cast<uint32_t>(n.size())}, Slice{v.data(), static_cast<uint32_t>(v.size())}});
    std::string bytes;
    fallback::append_response_frame(bytes, id, status, f.data(), static_cast<uint32_t>(f.size()), body);
    return bytes;
  }

  // The fallback answers.
  bool reply(FallbackChannel& channel, uint32_t id, uint16_t status, const Fields& fields, const std::string& body) {
    std::string bytes = response(id, status, fields, body);
    return proxy->received(channel, bytes.data(), bytes.size());
  }

  FallbackChannel& channel(size_t i = 0) {
    EXPECT_GT(proxy->channels().size(), i);
    return *proxy->channels()[i];
  }

  std::vector<ParsedAnswer> answers_of(size_t i = 0, std::vector<bool> heads = {}) {
    std::string rest;
    auto parsed = parse_answers(client(i).out, heads, &rest);
    EXPECT_EQ(rest, "") << "a cut answer";
    return parsed;
  }

  // ProxyEvents
  void answered(Http1Session& session, uint64_t sequence, std::string_view answer) override {
    Client* c = static_cast<Client*>(&session);
    session.complete(sequence, answer, c->out);
    feed(*c);  // a full queue may have paused parsing
  }
  void writable(FallbackChannel&) override { ++writable_calls; }
  void resumed(Http1Session& session) override {
    Client* c = static_cast<Client*>(&session);
    ++c->resumed;
    feed(*c);
  }

  FallbackAddress default_address;
  std::atomic<uint32_t> inflight{0};
  std::unique_ptr<RouteTables> tables;
  DateHeader date;
  std::unique_ptr<FallbackProxy> proxy;
  std::unique_ptr<RouteAnswers> answers;
  SessionContext context{};
  std::vector<std::unique_ptr<Client>> clients;
  int writable_calls = 0;

 private:
  void feed(Client& c) {
    if (c.unused.empty() || !c.session->wants_input()) return;
    std::string bytes;
    bytes.swap(c.unused);
    size_t used = c.session->receive(bytes.data(), bytes.size(), c.out);
    if (c.session->reading()) c.unused = bytes.substr(used) + c.unused;
  }
};

TEST(FallbackProxy, ForwardsTheRequestAsItCame) {
  Harness h;
  h.send("GET http://example.com/dyn/r%C3%A9a%2Fb?q=1 HTTP/1.1\r\nHost: example.com\r\nX-Two: a\r\nx-two:  b \r\n\r\n");
  ASSERT_EQ(h.proxy->channels().size(), 1u);
  EXPECT_EQ(h.channel().address.text, "unix:/tmp/hotpath-proxy-test-default.sock");
  EXPECT_EQ(h.writable_calls, 1);
  std::vector<SentRequest> sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].route, 1u);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[0].target, "/dyn/r%C3%A9a%2Fb?q=1") << "an absolute-form target goes as its path and query";
  EXPECT_EQ(sent[0].fields, (Fields{{"Host", "example.com"}, {"X-Two", "a"}, {"x-two", "b"}}));
  EXPECT_EQ(sent[0].params, (Fields{{"name", "r\xC3\xA9" "a/b"}}));
  EXPECT_EQ(sent[0].body, "");
  EXPECT_EQ(h.client().out, "") << "nothing is answered before the fallback answers";
  EXPECT_EQ(h.proxy->in_flight(), 1u);
  EXPECT_EQ(h.inflight.load(), 1u);
}

TEST(FallbackProxy, TheAnswerIsTheFallbacksWithTheServersHeadAndTheDirectives) {
  Harness h;
  h.send(get("/dyn/x"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 201,
                      {{"Content-Type", "text/plain"}, {"Connection", "close, x-hop"}, {"X-Hop", "1"},
                       {"Keep-Alive", "timeout=5"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "999"},
                       {"Date", "yesterday"}, {"Server", "node"}, {"X-App", "theirs"}, {"Set-Cookie", "a=1"},
                       {"Set-Cookie", "b=2"}},
                      "created"));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 1u);
  const ParsedAnswer& a = answers[0];
  EXPECT_EQ(a.status, 201);
  EXPECT_EQ(a.reason, "Created");
  EXPECT_EQ(a.header("server"), "hotpath");
  EXPECT_NE(a.header("date"), "yesterday");
  EXPECT_EQ(a.header("content-length"), "7");
  EXPECT_EQ(a.header("content-type"), "text/plain");
  EXPECT_EQ(a.header("x-app"), "demo") << "a directive's field replaces the fallback's";
  EXPECT_FALSE(a.has("connection"));
  EXPECT_FALSE(a.has("x-hop")) << "named by the fallback's Connection: hop-by-hop";
  EXPECT_FALSE(a.has("keep-alive"));
  EXPECT_FALSE(a.has("transfer-encoding"));
  int cookies = 0, lengths = 0, apps = 0;
  for (auto& [n, v] : a.headers) {
    cookies += n == "Set-Cookie";
    lengths += n == "Content-Length";
    apps += n == "x-app" || n == "X-App";
  }
  EXPECT_EQ(cookies, 2) << "several Set-Cookie fields stay several";
  EXPECT_EQ(lengths, 1);
  EXPECT_EQ(apps, 1);
  EXPECT_EQ(a.body, "created");
  EXPECT_EQ(h.proxy->in_flight(), 0u);
  EXPECT_EQ(h.inflight.load(), 0u);
}

TEST(FallbackProxy, HeadKeepsTheFallbacksLengthAndNoContentHasNone) {
  Harness h;
  h.send("HEAD /dyn/a HTTP/1.1\r\nHost: t\r\n\r\n" + get("/dyn/b") + get("/dyn/c"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].method, "HEAD");
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 200, {{"Content-Length", "30"}}, ""));
  ASSERT_TRUE(h.reply(h.channel(), sent[1].id, 204, {{"Content-Length", "5"}}, "ignored"));
  ASSERT_TRUE(h.reply(h.channel(), sent[2].id, 304, {{"ETag", "\"x\""}}, ""));
  auto answers = h.answers_of(0, {true, false, false});
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].header("content-length"), "30");
  EXPECT_EQ(answers[0].body, "");
  EXPECT_FALSE(answers[1].has("content-length"));
  EXPECT_FALSE(answers[2].has("content-length"));
  EXPECT_EQ(answers[2].header("etag"), "\"x\"");
  EXPECT_EQ(hotpath::testing::without_date(h.client().out).find("ignored"), std::string::npos);
}

TEST(FallbackProxy, PipelinedHandlerAndTableRoutesAnswerInRequestOrder) {
  Harness h;
  h.send(get("/dyn/1") + get("/") + get("/dyn/2") + get("/nope") + get("/dyn/3") + get("/"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(h.client().out, "") << "the first answer is the fallback's";
  ASSERT_TRUE(h.reply(h.channel(), sent[2].id, 200, {}, "three"));
  ASSERT_TRUE(h.reply(h.channel(), sent[1].id, 200, {}, "two"));
  EXPECT_EQ(h.client().out, "");
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 200, {}, "one"));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 6u);
  std::vector<std::string> bodies;
  for (auto& a : answers) bodies.push_back(a.body);
  EXPECT_EQ(bodies, (std::vector<std::string>{"one", "ok", "two", "Not Found", "three", "ok"}));
}

TEST(FallbackProxy, BodiesAreForwardedWholeLengthOrChunked) {
  Harness h;
  std::string big(300000, 'b');
  h.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" +
         big.substr(0, 1000));
  EXPECT_EQ(h.channel().unsent(), 0u) << "not sent before the body is whole";
  h.send(big.substr(1000));
  h.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;x=y\r\n \r\n");
  h.send("5\r\nworld\r\n0\r\nTrailer: t\r\n\r\n");
  h.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].body, big);
  EXPECT_EQ(sent[1].body, "hello world") << "de-chunked";
  EXPECT_EQ(sent[2].body, "");
  for (auto& s : sent) ASSERT_TRUE(h.reply(h.channel(), s.id, 200, {}, std::to_string(s.body.size())));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].body, "300000");
  EXPECT_EQ(answers[1].body, "11");
  EXPECT_EQ(answers[2].body, "0");
}

TEST(FallbackProxy, ABodyOverTheLimitIs413AndNeverForwarded) {
  Harness h("PROXY\tPOST\t/echo\n", 100);
  h.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + std::string(64, 'a') +
         "\r\n40\r\n" + std::string(64, 'a') + "\r\n");
  EXPECT_EQ(h.channel().unsent(), 0u);
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 413);
  EXPECT_EQ(h.proxy->in_flight(), 0u);
  EXPECT_EQ(h.inflight.load(), 0u);
}

TEST(FallbackProxy, NoAnswerInTimeIs504AndTheLateAnswerIsDropped) {
  Harness h;
  h.send(get("/dyn/slow") + get("/"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 1u);
  h.proxy->expire(monotonic_ms() + 500);
  EXPECT_EQ(h.client().out, "") << "before the deadline";
  h.proxy->expire(monotonic_ms() + 1001);
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].status, 504);
  EXPECT_EQ(answers[0].body, "Gateway Timeout");
  EXPECT_EQ(answers[0].header("x-app"), "demo") << "failure answers carry the directives' fields";
  EXPECT_EQ(answers[1].body, "ok");
  const std::string before = h.client().out;
  EXPECT_TRUE(h.reply(h.channel(), sent[0].id, 200, {}, "late"));
  EXPECT_EQ(h.client().out, before);
  EXPECT_EQ(h.proxy->in_flight(), 0u);
}

TEST(FallbackProxy, AFailedConnectionAnswers502AndLaterRequestsAreSentAgain) {
  Harness h;
  h.send(get("/dyn/a") + get("/dyn/b"));
  EXPECT_EQ(h.take(h.channel()).size(), 2u);
  h.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nab", 1);  // its body is still arriving
  h.proxy->failed(h.channel());
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].status, 502);
  EXPECT_EQ(answers[1].status, 502);
  EXPECT_EQ(h.client(1).out, "");
  h.send("cd", 1);  // its body completes: sent on the next connection
  h.send(get("/dyn/c"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].body, "abcd");
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 200, {}, "posted"));
  ASSERT_TRUE(h.reply(h.channel(), sent[1].id, 200, {}, "c"));
  EXPECT_EQ(h.answers_of(1)[0].body, "posted");
  EXPECT_EQ(h.answers_of().back().body, "c");
  EXPECT_EQ(h.proxy->in_flight(), 0u);
}

TEST(FallbackProxy, AFrameThatDoesNotDecodeLosesTheStream) {
  Harness h;
  h.send(get("/dyn/a"));
  auto sent = h.take(h.channel());
  std::string garbage = std::string("\x05\x00\x00\x00\x07zzzz", 9);
  EXPECT_FALSE(h.proxy->received(h.channel(), garbage.data(), garbage.size()));
  h.proxy->failed(h.channel());  // as the socket side does
  EXPECT_EQ(h.answers_of()[0].status, 502);
}

TEST(FallbackProxy, ABadAnswerIs502ForItsRequestAlone) {
  Harness h;
  h.send(get("/dyn/a") + get("/dyn/b") + get("/dyn/c") + get("/dyn/d"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 4u);
  // Status outside 200..599, a field value with CR LF, a name that is no token.
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 101, {}, ""));
  ASSERT_TRUE(h.reply(h.channel(), sent[1].id, 200, {{"X-Evil", "a\r\nSet-Cookie: pwned=1"}}, ""));
  ASSERT_TRUE(h.reply(h.channel(), sent[2].id, 200, {{"Bad Name", "v"}}, ""));
  ASSERT_TRUE(h.reply(h.channel(), sent[3].id, 200, {}, "fine"));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers[0].status, 502);
  EXPECT_EQ(answers[1].status, 502);
  EXPECT_EQ(answers[2].status, 502);
  EXPECT_EQ(answers[3].status, 200);
  EXPECT_EQ(answers[3].body, "fine");
  EXPECT_EQ(h.client().out.find("pwned"), std::string::npos);
}

TEST(FallbackProxy, AnOversizedAnswerIs502AndTheStreamGoesOn) {
  Harness h;  // --fallback-max-response-bytes 4096
  h.send(get("/dyn/big") + get("/dyn/small"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 2u);
  std::string stream = h.response(sent[0].id, 200, {}, std::string(10000, 'x')) + h.response(sent[1].id, 200, {}, "small");
  // In reads of 1000 bytes: the oversized frame is skipped as it arrives.
  for (size_t at = 0; at < stream.size(); at += 1000) {
    ASSERT_TRUE(h.proxy->received(h.channel(), stream.data() + at, std::min<size_t>(1000, stream.size() - at)));
  }
  EXPECT_LE(h.channel().in.size(), 1000u) << "an oversized frame is never buffered";
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].status, 502);
  EXPECT_EQ(answers[1].body, "small");
}

TEST(FallbackProxy, AnswersSplitAtEveryByteAreTheSame) {
  for (size_t cut = 1; cut < 40; ++cut) {
    Harness h;
    h.send(get("/dyn/a") + get("/dyn/b"));
    auto sent = h.take(h.channel());
    std::string stream =
        h.response(sent[1].id, 200, {{"x-b", "2"}}, "bee") + h.response(sent[0].id, 201, {{"x-a", "1"}}, "a");
    for (size_t at = 0; at < stream.size(); at += cut) {
      ASSERT_TRUE(h.proxy->received(h.channel(), stream.data() + at, std::min(cut, stream.size() - at)));
    }
    auto answers = h.answers_of();
    ASSERT_EQ(answers.size(), 2u) << "reads of " << cut;
    EXPECT_EQ(answers[0].header("x-a"), "1");
    EXPECT_EQ(answers[1].body, "bee");
  }
}

TEST(FallbackProxy, OverTheInFlightLimitIs503) {
  Harness h(kTable, 1 << 20, 2);
  h.send(get("/dyn/a") + get("/dyn/b") + get("/dyn/c") + get("/"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(h.inflight.load(), 2u);
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 200, {}, "a"));
  ASSERT_TRUE(h.reply(h.channel(), sent[1].id, 200, {}, "b"));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers[2].status, 503);
  EXPECT_EQ(answers[2].body, "Service Unavailable");
  EXPECT_EQ(answers[2].header("x-app"), "demo");
  EXPECT_FALSE(answers[2].has("connection")) << "a 503 does not close the client's connection";
  EXPECT_EQ(answers[3].body, "ok");
  h.send(get("/dyn/d"));
  EXPECT_EQ(h.take(h.channel()).size(), 1u) << "room again once answered";
}

TEST(FallbackProxy, APROXYRouteWithoutFallbackIs502AndPROXYUNIXHasItsOwn) {
  Harness h(kTable, 1 << 20, 1024, false);
  h.send(get("/dyn/a") + get("/other/x/y"));
  ASSERT_EQ(h.proxy->channels().size(), 1u);
  EXPECT_EQ(h.channel().address.text, "unix:/tmp/hotpath-proxy-test-other.sock");
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].params, (Fields{{"rest", "x/y"}}));
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 200, {}, "other"));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].status, 502);
  EXPECT_EQ(answers[1].body, "other");
}

TEST(FallbackProxy, DirectivesRunBeforeForwarding) {
  Harness h;
  h.send(get("/guarded") + get("/guarded", "X-Key: k\r\n"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 1u) << "the 401 never reaches the fallback";
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 200, {{"Cache-Control", "max-age=60"}}, "in"));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].status, 401);
  EXPECT_EQ(answers[1].header("cache-control"), "no-store");
  EXPECT_EQ(answers[1].body, "in");
}

TEST(FallbackProxy, CorsVaryIsAddedToTheFallbacksVary) {
  Harness h("MIDDLEWARE\tCORS\thttps://app.example\nPROXY\tGET\t/x\n");
  h.send(get("/x", "Origin: https://app.example\r\n") + get("/x", "Origin: https://app.example\r\n"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 2u);
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 200, {{"Vary", "Accept-Encoding"}, {"vary", "Cookie"}}, ""));
  ASSERT_TRUE(h.reply(h.channel(), sent[1].id, 200, {{"Vary", "origin"}}, ""));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].header("access-control-allow-origin"), "https://app.example");
  EXPECT_EQ(answers[0].header("vary"), "Accept-Encoding, Cookie, Origin");
  EXPECT_EQ(answers[1].header("vary"), "origin") << "listed already";
  int varies = 0;
  for (auto& [n, v] : answers[0].headers) varies += n == "Vary" || n == "vary";
  EXPECT_EQ(varies, 1);
}

// OWS is spaces and tabs (RFC 9110 5.6.3): a token with a 0xA0 byte before
// it is not "Origin", so Origin is added. HotpathServer's merge holds to the
// same (tests/ts/server/directives.test.ts, case "nbsp").
TEST(FallbackProxy, AVaryTokenIsTrimmedOfSpacesAndTabsOnly) {
  Harness h("MIDDLEWARE\tCORS\thttps://app.example\nPROXY\tGET\t/x\n");
  h.send(get("/x", "Origin: https://app.example\r\n") + get("/x", "Origin: https://app.example\r\n"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 2u);
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 200, {{"Vary", "Accept-Encoding, \xa0Origin"}}, ""));
  ASSERT_TRUE(h.reply(h.channel(), sent[1].id, 200, {{"Vary", "Accept-Encoding,\t ORIGIN"}}, ""));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].header("vary"), "Accept-Encoding, \xa0Origin, Origin");
  EXPECT_EQ(answers[1].header("vary"), "Accept-Encoding,\t ORIGIN") << "listed already, in another case";
}

TEST(FallbackProxy, AClientThatGoesAwayDropsItsAnswersButTheyCountUntilAnswered) {
  Harness h;
  h.send(get("/dyn/a"));
  h.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc", 1);
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(h.proxy->in_flight(), 2u);
  h.clients[0].reset();
  h.clients[1].reset();
  EXPECT_EQ(h.proxy->in_flight(), 1u) << "the unsent one is gone, the sent one waits for its answer";
  EXPECT_TRUE(h.reply(h.channel(), sent[0].id, 200, {}, "nobody"));
  EXPECT_EQ(h.proxy->in_flight(), 0u);
  EXPECT_EQ(h.inflight.load(), 0u);
}

TEST(FallbackProxy, AReloadDoesNotChangeTheRouteOfARequestInFlight) {
  Harness h;
  h.send(get("/guarded", "X-Key: k\r\n"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 1u);
  std::string error;
  h.tables->replace(load_routes_text("PROXY\tGET\t/guarded\n", "new.tsv", &error));
  EXPECT_EQ(h.tables->reclaim(), 0u) << "the old table is freed";
  ASSERT_TRUE(h.reply(h.channel(), sent[0].id, 200, {}, "old route"));
  auto answers = h.answers_of();
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].header("cache-control"), "no-store") << "the old route's directives";
  EXPECT_EQ(answers[0].header("x-app"), "demo");
  h.send(get("/guarded"));
  sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 1u) << "the new table has no REQUIRE_HEADER";
  EXPECT_EQ(sent[0].route, 0u);
}

TEST(FallbackProxy, ABodyPausesWhileTheFallbackIsNotReadingAndResumes) {
  Harness h("PROXY\tPOST\t/echo\nPROXY\tGET\t/get\n", 64 << 20);
  // 5 MiB of frames the fallback has not read yet.
  std::string pipelined;
  for (int i = 0; i < 5; ++i) {
    h.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1048576\r\n\r\n" + std::string(1 << 20, 'a'), 1 + i);
  }
  ASSERT_GT(h.channel().unsent(), kFallbackBackPressureBytes);
  h.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 20000\r\n\r\n" + std::string(100, 'x'));
  EXPECT_FALSE(h.client().session->wants_input()) << "paused";
  h.send(std::string(19900, 'x'));
  EXPECT_EQ(h.client().unused.size(), 19900u) << "nothing of it is used while paused";
  auto sent = h.take(h.channel());  // the fallback reads: the body resumes
  EXPECT_EQ(sent.size(), 5u);
  EXPECT_EQ(h.client().resumed, 1);
  EXPECT_EQ(h.client().unused.size(), 0u);
  sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].body, std::string(20000, 'x'));
}

TEST(FallbackProxy, StoppingAnswersByTheStopDeadline) {
  Harness h;
  h.send(get("/dyn/a"));
  h.take(h.channel());
  const int64_t now = monotonic_ms();
  h.proxy->stop_by(now + 100);
  h.proxy->expire(now + 99);
  EXPECT_EQ(h.client().out, "");
  h.proxy->expire(now + 100);
  EXPECT_EQ(h.answers_of()[0].status, 504);
  h.send(get("/dyn/b"));
  h.take(h.channel());
  h.proxy->expire(now + 100);
  EXPECT_EQ(h.answers_of().size(), 2u) << "sent while stopping: the same deadline";
}

TEST(FallbackProxy, IdsAreUniqueAmongRequestsInFlightAcrossTheWrap) {
  Harness h;
  h.send(get("/dyn/a"));
  auto first = h.take(h.channel());
  ASSERT_EQ(first.size(), 1u);
  h.channel().next_id = 0xFFFFFFFF;
  h.send(get("/dyn/b") + get("/dyn/c"));
  h.channel().next_id = first[0].id;  // in flight: skipped
  h.send(get("/dyn/d"));
  auto sent = h.take(h.channel());
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].id, 0xFFFFFFFFu);
  EXPECT_EQ(sent[1].id, 0u);
  EXPECT_EQ(sent[2].id, first[0].id + 1);
  for (auto& s : sent) ASSERT_TRUE(h.reply(h.channel(), s.id, 200, {}, s.params[0].second));
  ASSERT_TRUE(h.reply(h.channel(), first[0].id, 200, {}, "a"));
  std::vector<std::string> bodies;
  for (auto& a : h.answers_of()) bodies.push_back(a.body);
  EXPECT_EQ(bodies, (std::vector<std::string>{"a", "b", "c", "d"}));
}

}  // namespace
}  // namespace hotpath::native
