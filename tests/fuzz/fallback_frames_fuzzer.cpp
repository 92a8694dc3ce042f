// Fuzz target: the fallback protocol's frame decoders (native/fallback_frames.*)
// and what the server does with the bytes a fallback sends
// (FallbackProxy::received, native/fallback_proxy.*), on arbitrary bytes.
//
// Input: a 16-byte cut header (cut_points.h), then the bytes: read as a
// fallback's stream of response frames, and alone as one request frame and
// one response frame.
//
// Invariants:
//  - Decoding never reads past the bytes given (each decode runs on an
//    exact-size heap copy, for ASan), `used` never exceeds them, and a
//    whole frame re-encoded gives back exactly its bytes.
//  - Every proper prefix of a whole frame asks for more (kIncomplete).
//  - Split reads change nothing: the stream fed to a proxy whole and fed in
//    the chosen reads gives the clients the same bytes (Date lines aside),
//    the same verdict (a stream that does not decode), and the same
//    requests left in flight. Eight requests are waiting on ids 1..8 (one
//    of them HEAD, one with directives), so the frames can answer them;
//    the response limit is small (300 bytes), so frames are often skipped
//    as oversized.
//  - After the stream, failing the connection answers every request still
//    waiting: nothing is left in flight, the shared counter is back at 0.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cut_points.h"
#include "fallback_frames.h"
#include "fallback_proxy.h"
#include "fuzz_check.h"
#include "route_answers.h"
#include "session_driver.h"

namespace {

using namespace hotpath;
using namespace hotpath::native;

const char kTable[] =
    "MIDDLEWARE\tHEADER\tx-app\tdemo\n"
    "PROXY\tGET\t/x/:n\n"
    "PROXY\tGET\t/y\n"
    "ROUTE_MIDDLEWARE\t1\tHEADER\tvary\tOrigin\n";

constexpr int kWaiting = 8;

std::unique_ptr<char[]> exact_copy(const std::string& bytes) {
  std::unique_ptr<char[]> copy(new char[bytes.size() ? bytes.size() : 1]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  return copy;
}

void check_codec(const std::string& bytes) {
  auto copy = exact_copy(bytes);
  fallback::ResponseFrame response;
  fallback::DecodeResult r = fallback::decode_response_frame(copy.get(), bytes.size(), fallback::kMaxFrameLength, &response);
  FUZZ_CHECK(r.used <= bytes.size());
  if (r.status == fallback::Decoded::kFrame) {
    std::string again;
    fallback::append_response_frame(again, response.id, response.status, response.fields.data(),
                                    static_cast<uint32_t>(response.fields.size()), response.body);
    FUZZ_CHECK(again == bytes.substr(0, r.used), "a response frame re-encoded differs");
    for (size_t cut = 0; cut < r.used; cut += 1 + r.used / 16) {
      auto prefix = exact_copy(bytes.substr(0, cut));
      fallback::ResponseFrame partial;
      FUZZ_CHECK(fallback::decode_response_frame(prefix.get(), cut, fallback::kMaxFrameLength, &partial).status ==
                     fallback::Decoded::kIncomplete,
                 "a prefix of %zu of a %zu-byte frame is not incomplete", cut, r.used);
    }
  }
  fallback::RequestFrame request;
  r = fallback::decode_request_frame(copy.get(), bytes.size(), fallback::kMaxFrameLength, &request);
  FUZZ_CHECK(r.used <= bytes.size());
  if (r.status == fallback::Decoded::kFrame) {
    std::vector<Slice> names, values;
    for (const HeaderField& p : request.params) {
      names.push_back(p.name);
      values.push_back(p.value);
    }
    std::string again;
    fallback::FrameMark mark;
    FUZZ_CHECK(fallback::begin_request_frame(again, request.id, request.route, request.method, request.target,
                                             request.fields.data(), static_cast<uint32_t>(request.fields.size()),
                                             names.data(), values.data(), static_cast<uint32_t>(names.size()), &mark));
    again.append(request.body);
    FUZZ_CHECK(fallback::finish_request_frame(again, mark));
    FUZZ_CHECK(again == bytes.substr(0, r.used), "a request frame re-encoded differs");
  }
}

// Eight client connections, each waiting on one request, and the test as
// the event loop.
class Proxied final : public ProxyEvents {
 public:
  Proxied() {
    std::string error;
    parse_fallback_address("unix:/tmp/hotpath-fuzz.sock", &address_, &error);
    tables_ = std::make_unique<RouteTables>(load_routes_text(kTable, "fuzz.tsv", &error), 1);
    ProxySettings settings;
    settings.fallback = &address_;
    settings.max_response_bytes = 300;
    settings.inflight = &inflight;
    proxy = std::make_unique<FallbackProxy>(settings, date_, *this);
    answers_ = std::make_unique<RouteAnswers>(*tables_, date_, proxy.get());
    context_ = SessionContext{SessionLimits{}, &date_, answers_.get()};
    for (int i = 0; i < kWaiting; ++i) {
      clients_.push_back(std::make_unique<Client>(context_));
      Client& c = *clients_.back();
      std::string request = i == 3   ? "HEAD /x/3 HTTP/1.1\r\nHost: f\r\n\r\n"
                            : i == 5 ? "GET /y HTTP/1.1\r\nHost: f\r\n\r\n"
                                     : "GET /x/" + std::to_string(i) + " HTTP/1.1\r\nHost: f\r\n\r\n";
      c.receive(request.data(), request.size(), c.out);
    }
    FUZZ_CHECK(proxy->channels().size() == 1 && proxy->in_flight() == kWaiting);
    channel = proxy->channels()[0].get();
    FUZZ_CHECK(channel->sent.count(1) && channel->sent.count(kWaiting), "ids 1..8");
  }
  ~Proxied() {
    clients_.clear();
    proxy.reset();
  }

  std::string outputs() const {
    std::string all;
    for (const auto& c : clients_) all += hotpath::testing::without_date(c->out) + "|";
    return all;
  }

  void answered(Http1Session& session, uint64_t sequence, std::string_view answer) override {
    Client* c = static_cast<Client*>(&session);
    session.complete(sequence, answer, c->out);
  }
  void writable(FallbackChannel&) override {}
  void resumed(Http1Session&) override {}

  std::atomic<uint32_t> inflight{0};
  std::unique_ptr<FallbackProxy> proxy;
  FallbackChannel* channel = nullptr;

 private:
  struct Client : Http1Session {
    explicit Client(SessionContext& context) : Http1Session(context) {}
    std::string out;
  };
  FallbackAddress address_;
  std::unique_ptr<RouteTables> tables_;
  DateHeader date_;
  std::unique_ptr<RouteAnswers> answers_;
  SessionContext context_{};
  std::vector<std::unique_ptr<Client>> clients_;
};

struct Outcome {
  bool lost = false;  // a frame did not decode
  std::string outputs;
  size_t in_flight = 0;
};

Outcome feed(const std::vector<std::string>& reads) {
  Proxied p;
  Outcome out;
  for (const std::string& read : reads) {
    auto copy = exact_copy(read);
    if (!p.proxy->received(*p.channel, copy.get(), read.size())) {
      out.lost = true;
      break;
    }
  }
  out.outputs = p.outputs();
  out.in_flight = p.proxy->in_flight();
  FUZZ_CHECK(p.inflight.load() == out.in_flight, "the shared counter %u, in flight %zu", p.inflight.load(), out.in_flight);
  p.proxy->failed(*p.channel);
  FUZZ_CHECK(p.proxy->in_flight() == 0 && p.inflight.load() == 0, "requests left after the connection failed");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hotpath::fuzz::SplitInput in = hotpath::fuzz::split_input(data, size);
  check_codec(in.payload);
  Outcome whole = feed({in.payload});
  Outcome split = feed(in.reads);
  FUZZ_CHECK(whole.lost == split.lost && whole.in_flight == split.in_flight,
             "split reads changed the verdict: lost %d/%d, in flight %zu/%zu", whole.lost, split.lost, whole.in_flight,
             split.in_flight);
  // A lost stream stops at the frame that did not decode, wherever the
  // read ended: what was answered before it is the same.
  FUZZ_CHECK(whole.outputs == split.outputs, "split reads changed what the clients got");
  return 0;
}
