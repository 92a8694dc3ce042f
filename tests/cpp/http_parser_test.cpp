// HTTP/1.1 request parsing (native/http_parser), through the server's
// session (native/http1_session) where a connection is involved: the llhttp
// conformance corpus (../shared/conformance/http1-requests.jsonl), split
// reads, and table-driven unit tests of parse_request_head and ChunkedDecoder.
//
// Every byte string handed to the parser is copied so that its last byte sits
// right before a PROT_NONE page (guard_page.h): a read one byte too far
// crashes the test instead of passing by luck.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "guard_page.h"
#include "http1_session.h"
#include "http_parser.h"
#include "session_driver.h"

namespace hotpath::http {

// GoogleTest prints these in failure messages (found by ADL, so outside the
// anonymous namespace).
void PrintTo(ParseResult r, std::ostream* os) {
  *os << (r == ParseResult::kComplete ? "kComplete" : r == ParseResult::kIncomplete ? "kIncomplete" : "kError");
}
void PrintTo(BodyFraming f, std::ostream* os) {
  *os << (f == BodyFraming::kNone ? "kNone" : f == BodyFraming::kContentLength ? "kContentLength" : "kChunked");
}

namespace {

using hotpath::testing::GuardedBytes;
using nlohmann::json;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

ParseResult parse_guarded(const std::string& bytes, const ParserLimits& limits, RequestHead* head) {
  GuardedBytes guarded(bytes);
  return parse_request_head(guarded.data(), bytes.size(), limits, head);
}

ParseResult feed_guarded(ChunkedDecoder* decoder, const std::string& bytes, size_t* consumed, uint64_t* payload) {
  GuardedBytes guarded(bytes);
  *consumed = SIZE_MAX;
  return decoder->feed(guarded.data(), bytes.size(), consumed, payload);
}

// RFC 4648 base64 (the corpus' raw_b64 and body_b64). Returns false on a
// character outside the alphabet.
bool base64_decode(const std::string& in, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') break;
    else return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

std::string base64(const std::string& in) {
  std::string out;
  EXPECT_TRUE(base64_decode(in, &out)) << "bad base64: " << in;
  return out;
}

TEST(Base64, DecodesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("Zg=="), "f");
  EXPECT_EQ(base64("Zm8="), "fo");
  EXPECT_EQ(base64("Zm9v"), "foo");
  EXPECT_EQ(base64("Zm9vYg=="), "foob");
  EXPECT_EQ(base64("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64("/+8A"), std::string("\xff\xef\x00", 3));
  std::string out;
  EXPECT_FALSE(base64_decode("Zm9v!", &out));
}

bool equals_nocase(const std::string& a, const char* b) {
  size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string strip_ows(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

// Escapes control and non-ASCII bytes for failure messages.
std::string printable(const std::string& s, size_t max = 160) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

// Test names: letters, digits and '_' only.
std::string test_name(const std::string& s) {
  std::string name;
  for (char c : s) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

// ---------------------------------------------------------------------------
// The server's own session (native/http1_session.h), driven as the event loop
// drives it (session_driver.h): each read appended to the bytes not used yet
// and handed to Http1Session::receive(), the unused rest kept while it reads
// on. What the answer step was handed (every request, its body) and how the
// session ended are the outcome.
//
// With add_missing_host, every HTTP/1.1 head that has no Host line gets
// "Host: conformance.test" after its request line: the corpus comes from a
// parser's test suite and most of its requests lack Host, which we (rightly)
// answer with 400; the second pass shows that everything else about those
// requests is handled as llhttp does. The heads are found by serving: where
// the session rejects a head that is HTTP/1.1 and has no Host, the line is
// inserted and the bytes served again.
// ---------------------------------------------------------------------------

enum class End {
  kIdle,         // between requests; at most empty lines (CRLF) buffered
  kHeadPending,  // part of a request head buffered: waiting for more bytes
  kBodyPending,  // in a body: waiting for more bytes
  kError,        // the session rejected: error_status answered, then close
  kClosed,       // a request without keep-alive ended the connection
};

const char* end_name(End e) {
  switch (e) {
    case End::kIdle: return "idle";
    case End::kHeadPending: return "waiting-in-head";
    case End::kBodyPending: return "waiting-in-body";
    case End::kError: return "error";
    case End::kClosed: return "closed";
  }
  return "?";
}

void PrintTo(End e, std::ostream* os) { *os << end_name(e); }

// A request as the session handed it over (session_driver.h), and whether
// the Host line was inserted into its head.
struct Message : hotpath::testing::SeenRequest {
  bool host_added = false;
  uint64_t payload() const { return body.size(); }  // de-chunked for chunked

  bool operator==(const Message& o) const {
    return static_cast<const SeenRequest&>(*this) == o && host_added == o.host_added;
  }
};

struct Outcome {
  std::vector<Message> messages;
  End end = End::kIdle;
  uint16_t error_status = 0;
  size_t ignored = 0;         // kClosed: bytes after the last request, never parsed
  int first_host_added = -1;  // index of the first message that got a Host inserted
  std::string answers;        // what the session wrote, Date lines removed

  bool operator==(const Outcome& o) const {
    return messages == o.messages && end == o.end && error_status == o.error_status && ignored == o.ignored &&
           first_host_added == o.first_host_added && answers == o.answers;
  }
};

// Split reads: the same requests, the same answers and the same end.
bool same_requests(const Outcome& a, const Outcome& b) { return a == b; }

std::string describe(const Outcome& o) {
  std::ostringstream s;
  for (const Message& m : o.messages) {
    s << "  " << m.method << ' ' << printable(m.target, 60) << " HTTP/1." << m.version_minor;
    if (m.framing == BodyFraming::kContentLength) s << " cl=" << m.content_length;
    if (m.framing == BodyFraming::kChunked) s << " chunked";
    s << " payload=" << m.payload() << (m.complete ? " complete" : " partial") << (m.keep_alive ? "" : " close")
      << (m.expect_continue ? " expect-100" : "") << (m.host_added ? " (Host added)" : "") << '\n';
  }
  s << "  end: " << end_name(o.end);
  if (o.end == End::kError) s << ' ' << o.error_status;
  if (o.end == End::kClosed) s << ", " << o.ignored << " byte(s) never parsed";
  return s.str();
}

struct Hosted {
  std::string bytes;
  int first_host_added = -1;
  std::vector<size_t> added;  // indices of the messages whose head got the Host line
};

// Inserts the Host line into the head that starts at `at` (after any empty
// lines) when it is a whole HTTP/1.1 head without Host. False otherwise.
bool insert_host(std::string* bytes, size_t at) {
  size_t p = at;
  while (bytes->compare(p, 2, "\r\n") == 0) p += 2;
  size_t head_end = bytes->find("\r\n\r\n", p);
  if (head_end == std::string::npos) return false;
  size_t line_end = bytes->find("\r\n", p);
  static const std::string kVersion = " HTTP/1.1";
  if (line_end - p < kVersion.size() || bytes->compare(line_end - kVersion.size(), kVersion.size(), kVersion) != 0) {
    return false;
  }
  for (size_t q = line_end + 2; q < head_end + 2;) {
    size_t e = bytes->find("\r\n", q);
    if (e - q >= 5 && equals_nocase(bytes->substr(q, 5), "host:")) return false;
    q = e + 2;
  }
  bytes->insert(line_end + 2, "Host: conformance.test\r\n");
  return true;
}

Hosted add_missing_hosts(const std::string& raw) {
  Hosted h{raw, -1, {}};
  for (;;) {
    hotpath::testing::SessionDriver driver;
    driver.receive(h.bytes);
    if (driver.session().ending() != native::Http1Session::Ending::kRejected) return h;
    const auto& seen = driver.answers().requests;
    if (!seen.empty() && !seen.back().complete) return h;  // a body was rejected, not a head
    // A rejected head is not used: it starts where the used bytes end.
    const size_t at = h.bytes.size() - driver.ignored();
    if (!insert_host(&h.bytes, at)) return h;
    if (h.first_host_added < 0) h.first_host_added = static_cast<int>(seen.size());
    h.added.push_back(seen.size());
  }
}

Outcome outcome_of(hotpath::testing::SessionDriver& driver, const Hosted* hosted) {
  using Ending = native::Http1Session::Ending;
  Outcome o;
  for (const hotpath::testing::SeenRequest& r : driver.answers().requests) {
    Message m;
    static_cast<hotpath::testing::SeenRequest&>(m) = r;
    if (hosted) {
      m.host_added = std::find(hosted->added.begin(), hosted->added.end(), o.messages.size()) != hosted->added.end();
    }
    o.messages.push_back(std::move(m));
  }
  const native::Http1Session& session = driver.session();
  switch (session.ending()) {
    case Ending::kReading: {
      if (session.in_body()) {
        o.end = End::kBodyPending;
        break;
      }
      // Only empty lines kept (ignored before a request line, RFC 9112
      // 2.2), perhaps the CR of one more: between requests.
      const std::string& kept = driver.unused();
      size_t i = 0;
      while (i + 1 < kept.size() && kept[i] == '\r' && kept[i + 1] == '\n') i += 2;
      bool only_empty_lines = i == kept.size() || (i + 1 == kept.size() && kept[i] == '\r');
      o.end = only_empty_lines ? End::kIdle : End::kHeadPending;
      break;
    }
    case Ending::kRejected:
      o.end = End::kError;
      o.error_status = session.rejection_status();
      break;
    case Ending::kClosedByRequest:
      o.end = End::kClosed;
      o.ignored = driver.ignored();
      break;
    default:
      ADD_FAILURE() << "unexpected session ending " << static_cast<int>(session.ending());
      o.end = End::kError;
  }
  o.first_host_added = hosted ? hosted->first_host_added : -1;
  o.answers = hotpath::testing::without_date(driver.output());
  return o;
}

// Feeds `bytes` cut at the (sorted) positions `cuts`.
Outcome serve_bytes(const std::string& bytes, const std::vector<size_t>& cuts, const Hosted* hosted) {
  hotpath::testing::SessionDriver driver;
  size_t from = 0;
  for (size_t cut : cuts) {
    driver.receive(bytes.substr(from, cut - from));
    from = cut;
  }
  driver.receive(bytes.substr(from));
  return outcome_of(driver, hosted);
}

// `cuts` are positions in the bytes served: with add_missing_host, in the
// bytes with the Host lines inserted.
Outcome serve(const std::string& bytes, const std::vector<size_t>& cuts, bool add_missing_host) {
  if (!add_missing_host) return serve_bytes(bytes, cuts, nullptr);
  Hosted hosted = add_missing_hosts(bytes);
  std::vector<size_t> within;
  for (size_t cut : cuts) {
    if (cut < hosted.bytes.size()) within.push_back(cut);
  }
  return serve_bytes(hosted.bytes, within, &hosted);
}

Outcome serve(const std::string& bytes, bool add_missing_host) { return serve(bytes, {}, add_missing_host); }

// The bytes a split-reads test cuts: with add_missing_host, the hosted ones.
std::string served_bytes(const std::string& bytes, bool add_missing_host) {
  return add_missing_host ? add_missing_hosts(bytes).bytes : bytes;
}

// ---------------------------------------------------------------------------
// 1. Conformance: the llhttp request corpus
// ---------------------------------------------------------------------------

// A copy of ../shared/conformance (MIT, llhttp; licence in its README) lives
// in the repository so a clone anywhere can run this suite; when the shared
// folder sits beside the clone, the two must be identical (see below).
const char kCorpusPath[] = HOTPATH_SOURCE_DIR "/tests/conformance/http1-requests.jsonl";
const char kSharedCorpusPath[] = HOTPATH_SOURCE_DIR "/../shared/conformance/http1-requests.jsonl";

struct CorpusCase {
  json data;          // one line of the corpus
  std::string error;  // a line that is not valid JSON
  std::string id() const { return error.empty() ? data["id"].get<std::string>() : error; }
};
void PrintTo(const CorpusCase& c, std::ostream* os) { *os << c.id(); }

TEST(ConformanceCorpus, CopyMatchesTheSharedCorpusWhenPresent) {
  std::ifstream shared(kSharedCorpusPath, std::ios::binary);
  if (!shared) GTEST_SKIP() << "no ../shared/conformance beside this clone; using the copy in tests/conformance";
  std::ifstream copy(kCorpusPath, std::ios::binary);
  std::string a((std::istreambuf_iterator<char>(shared)), std::istreambuf_iterator<char>());
  std::string b((std::istreambuf_iterator<char>(copy)), std::istreambuf_iterator<char>());
  EXPECT_EQ(a, b) << "tests/conformance is stale: copy ../shared/conformance over it";
}

// Empty when the file is absent: ConformanceCorpus.FileIsPresent then fails
// (and GoogleTest fails the uninstantiated suites).
std::vector<CorpusCase> load_corpus() {
  std::vector<CorpusCase> cases;
  std::ifstream in(kCorpusPath);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) cases.push_back({json(), "line_" + std::to_string(n) + "_not_json"});
    else cases.push_back({std::move(j), ""});
  }
  return cases;
}

const std::vector<CorpusCase>& corpus() {
  static const std::vector<CorpusCase>* cases = new std::vector<CorpusCase>(load_corpus());
  return *cases;
}

// Where our result differs from llhttp's, and why. An unlisted difference
// fails the case.
enum class Verdict {
  kRejected,  // kError with `status`
  kWaiting,   // still waiting for the line to end; with CRLF CRLF appended: kError with `status`
  kClosed,    // the listed requests are served, then the connection closes; later bytes never parsed
  kAccepted,  // every request served
};

struct Deviation {
  const char* id;
  Verdict verdict;
  uint16_t status;
  const char* rfc;
  const char* reason;
};

// The generic rule, applied to every accept case whose notes say "no Host
// header" (llhttp is a parser and leaves Host to the server). Checked: the
// plain pass answers 400 at the first such request; a second pass with a
// Host line added must then match llhttp (or a row below).
constexpr Deviation kMissingHostRule = {
    "(every accept case whose notes mention \"no Host header\")", Verdict::kRejected, 400, "RFC 9112 section 3.2",
    "llhttp accepts, we answer 400: HTTP/1.1 request without exactly one Host"};

// Accepted by llhttp, rejected by us (after the Host rule). The last two are
// rules of the server's session, not of the parser: llhttp parses the
// target as it comes, the server must also say what it means.
constexpr Deviation kStricterThanLlhttp[] = {
    {"sample/no-http-version", Verdict::kRejected, 400, "RFC 9112 section 3, appendix C.1",
     "\"GET /\" without HTTP-version is HTTP/0.9, not an HTTP/1.x request line"},
    {"transfer-encoding/post-with-chunked-as-last-transfer-encoding", Verdict::kRejected, 501, "RFC 9112 section 6.1",
     "\"deflate, chunked\": we decode chunked only; a transfer coding we do not implement gets 501"},
    {"transfer-encoding/post-with-chunked-as-last-transfer-encoding-multiple-headers", Verdict::kRejected, 501,
     "RFC 9112 section 6.1", "Transfer-Encoding lines combine to \"deflate, chunked\": 501 as above"},
    {"method/m-search-request", Verdict::kRejected, 400, "RFC 9112 section 3.2.4",
     "\"*\" (asterisk-form) is only the target of OPTIONS: \"M-SEARCH * HTTP/1.1\" is 400"},
    {"uri/fragment-in-uri", Verdict::kRejected, 400, "RFC 9112 section 3.2.1",
     "a fragment is never sent in a request target (\"...#posts-17408\"): 400"},
};

// Rejected by llhttp, handled otherwise by us: still an error, a close, or a
// documented choice, never a request processed that should not be.
constexpr Deviation kOtherwiseThanLlhttp[] = {
    {"connection/no-restart-when-keep-alive-is-off-1-0", Verdict::kClosed, 0, "RFC 9112 section 9.6",
     "HTTP/1.0 without keep-alive: request 1 is answered, then the connection closes; the rest is never parsed"},
    {"connection/crlf-between-requests-explicit-close", Verdict::kClosed, 0, "RFC 9112 section 9.6",
     "Connection: close: request 1 is answered, then the connection closes; the rest is never parsed"},
    {"connection/crlf-between-requests-explicit-close-followed-by-tab", Verdict::kClosed, 0, "RFC 9112 section 9.6",
     "Connection: close<HTAB> (OWS stripped): as above"},
    {"invalid/invalid-http-version", Verdict::kWaiting, 505, "RFC 9112 section 2.3, RFC 9110 section 15.6.6",
     "\"GET / HTTP/5.6\" has no CRLF yet: the request line is judged once complete, then 505"},
    {"invalid/invalid-space-after-start-line", Verdict::kWaiting, 400, "RFC 9112 section 2.2",
     "\" Host: foo\" is not terminated yet: the line is judged once complete, then 400 (whitespace-preceded line)"},
    {"content-length/missing-crlf-crlf-before-body", Verdict::kWaiting, 400, "RFC 9112 section 2.2",
     "the line \"\\rabc\" (bare CR) is judged once its LF arrives, then 400"},
    {"invalid/invalid-method", Verdict::kAccepted, 0, "RFC 9112 section 3.1, RFC 9110 section 9.1",
     "\"MKCOLA\" is a valid method token; the parser takes any token, the router answers 405/501"},
};

template <size_t N>
const Deviation* find_deviation(const Deviation (&table)[N], const std::string& id) {
  for (const Deviation& d : table) {
    if (id == d.id) return &d;
  }
  return nullptr;
}

bool notes_say_no_host(const json& c) {
  return c.value("notes", std::string()).find("no Host header") != std::string::npos;
}

std::string version_of(int minor) { return minor == 0 ? "1.0" : "1.1"; }

// What llhttp's headers say about framing, for a message we parsed.
void expect_framing_matches(const Message& ours, const json& headers, size_t index) {
  if (!headers.is_array()) return;
  bool te = false;
  bool has_cl = false;
  std::string cl;
  for (const json& h : headers) {
    std::string name = h[0].get<std::string>();
    if (equals_nocase(name, "transfer-encoding")) te = true;
    if (equals_nocase(name, "content-length")) {
      has_cl = true;
      cl = strip_ows(h[1].get<std::string>());
    }
  }
  if (te) {
    EXPECT_EQ(ours.framing, BodyFraming::kChunked) << "message " << index;
  } else if (has_cl) {
    uint64_t v = std::stoull(cl);
    EXPECT_EQ(ours.framing, v ? BodyFraming::kContentLength : BodyFraming::kNone) << "message " << index;
    EXPECT_EQ(ours.content_length, v) << "message " << index;
  } else {
    EXPECT_EQ(ours.framing, BodyFraming::kNone) << "message " << index;
  }
}

// The first `n` of llhttp's messages must be complete messages of ours.
void expect_complete_messages_match(const Outcome& ours, const json& theirs, size_t n) {
  ASSERT_GE(ours.messages.size(), n) << describe(ours);
  for (size_t i = 0; i < n; ++i) {
    const Message& m = ours.messages[i];
    const json& t = theirs[i];
    EXPECT_EQ(m.method, t["method"].get<std::string>()) << "message " << i;
    EXPECT_EQ(m.target, t["url"].get<std::string>()) << "message " << i;
    EXPECT_EQ(version_of(m.version_minor), t["version"].get<std::string>()) << "message " << i;
    EXPECT_TRUE(m.complete) << "message " << i;
    expect_framing_matches(m, t["headers"], i);
    std::string body = base64(t["body_b64"].get<std::string>());
    EXPECT_EQ(m.payload(), body.size()) << "message " << i;
    EXPECT_EQ(m.body, body) << "message " << i;  // chunked: the decoded payload
  }
}

// An accept case without deviation: same messages, and waiting for more
// bytes exactly when llhttp's last message is incomplete.
void expect_same_as_llhttp(const Outcome& ours, const json& theirs) {
  SCOPED_TRACE("ours:\n" + describe(ours));
  ASSERT_FALSE(theirs.empty());
  const json& last = theirs.back();
  bool last_complete = last["complete"].get<bool>();
  size_t complete = theirs.size() - (last_complete ? 0 : 1);
  ASSERT_NE(ours.end, End::kError) << "rejected with " << ours.error_status;
  expect_complete_messages_match(ours, theirs, complete);
  if (last_complete) {
    EXPECT_EQ(ours.messages.size(), complete);
    EXPECT_TRUE(ours.end == End::kIdle || (ours.end == End::kClosed && ours.ignored == 0))
        << "llhttp ends between requests";
    return;
  }
  if (last["headers"].is_null()) {
    // Cut off inside the head: nothing parsed, waiting for the rest of it.
    EXPECT_EQ(ours.messages.size(), complete);
    EXPECT_EQ(ours.end, End::kHeadPending);
  } else {
    // Cut off inside the body: head parsed, waiting for the rest of the body.
    ASSERT_EQ(ours.messages.size(), complete + 1);
    const Message& m = ours.messages.back();
    EXPECT_EQ(m.method, last["method"].get<std::string>());
    EXPECT_EQ(m.target, last["url"].get<std::string>());
    EXPECT_EQ(version_of(m.version_minor), last["version"].get<std::string>());
    expect_framing_matches(m, last["headers"], complete);
    EXPECT_FALSE(m.complete);
    EXPECT_EQ(ours.end, End::kBodyPending);
  }
}

void expect_deviation(const Deviation& d, const Outcome& ours, const std::string& raw, bool add_host,
                      const json& theirs) {
  SCOPED_TRACE(std::string("listed deviation (") + d.rfc + "): " + d.reason + "\nours:\n" + describe(ours));
  switch (d.verdict) {
    case Verdict::kRejected:
      EXPECT_EQ(ours.end, End::kError);
      EXPECT_EQ(ours.error_status, d.status);
      break;
    case Verdict::kWaiting: {
      EXPECT_EQ(ours.end, End::kHeadPending);
      Outcome later = serve(raw + "\r\n\r\n", add_host);
      EXPECT_EQ(later.end, End::kError) << "with CRLF CRLF appended:\n" << describe(later);
      EXPECT_EQ(later.error_status, d.status) << "with CRLF CRLF appended";
      break;
    }
    case Verdict::kClosed:
      EXPECT_EQ(ours.end, End::kClosed);
      EXPECT_GT(ours.ignored, 0u);
      EXPECT_EQ(ours.messages.size(), theirs.size());
      expect_complete_messages_match(ours, theirs, theirs.size());
      break;
    case Verdict::kAccepted:
      EXPECT_TRUE(ours.end == End::kIdle || (ours.end == End::kClosed && ours.ignored == 0));
      EXPECT_FALSE(ours.messages.empty());
      for (const Message& m : ours.messages) EXPECT_TRUE(m.complete);
      break;
  }
}

class Conformance : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(Conformance, MatchesLlhttpOrListedDeviation) {
  const CorpusCase& c = GetParam();
  ASSERT_TRUE(c.error.empty()) << kCorpusPath << ": " << c.error;
  const json& data = c.data;
  const std::string id = c.id();
  std::string raw;
  ASSERT_TRUE(base64_decode(data["raw_b64"].get<std::string>(), &raw));
  const bool accept = data["expect"].get<std::string>() == "accept";
  const json& theirs = data["messages"];
  SCOPED_TRACE("bytes: " + printable(raw, 400));

  // The server as it is, and the same bytes with a Host line added to every
  // HTTP/1.1 head that lacks one.
  Outcome plain = serve(raw, /*add_missing_host=*/false);
  Outcome hosted = serve(raw, /*add_missing_host=*/true);

  // Missing-Host rule: identical up to the first Host-less head, which the
  // plain server answers with 400.
  if (hosted.first_host_added < 0) {
    EXPECT_TRUE(plain == hosted) << "plain:\n" << describe(plain) << "\nwith Host:\n" << describe(hosted);
  } else {
    SCOPED_TRACE(std::string(kMissingHostRule.rfc) + ": " + kMissingHostRule.reason);
    EXPECT_EQ(plain.end, End::kError) << describe(plain);
    EXPECT_EQ(plain.error_status, kMissingHostRule.status);
    ASSERT_EQ(plain.messages.size(), static_cast<size_t>(hosted.first_host_added)) << describe(plain);
    for (size_t i = 0; i < plain.messages.size(); ++i) EXPECT_TRUE(plain.messages[i] == hosted.messages[i]) << i;
  }
  if (accept) {
    // The rule is applied exactly where the corpus says a Host is missing.
    EXPECT_EQ(notes_say_no_host(data), hosted.first_host_added >= 0)
        << "notes and Host-less heads disagree; notes: " << data.value("notes", std::string());
  }

  const Deviation* stricter = find_deviation(kStricterThanLlhttp, id);
  const Deviation* otherwise = find_deviation(kOtherwiseThanLlhttp, id);
  if (accept) {
    ASSERT_EQ(otherwise, nullptr) << id << " is an accept case: it belongs in kStricterThanLlhttp";
    if (stricter) {
      expect_deviation(*stricter, hosted, raw, true, theirs);
    } else {
      expect_same_as_llhttp(hosted, theirs);
    }
  } else {
    ASSERT_EQ(stricter, nullptr) << id << " is a reject case: it belongs in kOtherwiseThanLlhttp";
    if (otherwise) {
      expect_deviation(*otherwise, hosted, raw, true, theirs);
    } else {
      EXPECT_EQ(hosted.end, End::kError)
          << "llhttp rejects (" << data["error"].get<std::string>() << "), we do not; unlisted difference:\n"
          << describe(hosted);
      // Requests llhttp completed before its error are ours too.
      expect_complete_messages_match(hosted, theirs, theirs.size());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Llhttp, Conformance, ::testing::ValuesIn(corpus()),
                         [](const ::testing::TestParamInfo<CorpusCase>& info) { return test_name(info.param.id()); });

TEST(ConformanceCorpus, FileIsPresentWithEveryCase) {
  std::ifstream in(kCorpusPath);
  ASSERT_TRUE(in) << "the HTTP/1.1 conformance corpus is missing: " << kCorpusPath
                  << " (the shared/ checkout next to the repository); the Conformance and SplitReads suites need it";
  size_t accept = 0, reject = 0;
  for (const CorpusCase& c : corpus()) {
    ASSERT_TRUE(c.error.empty()) << c.error;
    (c.data["expect"].get<std::string>() == "accept" ? accept : reject)++;
  }
  EXPECT_EQ(accept, 67u);
  EXPECT_EQ(reject, 52u);
}

TEST(ConformanceCorpus, DeviationTablesNameExistingCases) {
  auto kind_of = [](const std::string& id) -> std::string {
    for (const CorpusCase& c : corpus()) {
      if (c.id() == id) return c.data["expect"].get<std::string>();
    }
    return "absent";
  };
  for (const Deviation& d : kStricterThanLlhttp) EXPECT_EQ(kind_of(d.id), "accept") << d.id;
  for (const Deviation& d : kOtherwiseThanLlhttp) EXPECT_EQ(kind_of(d.id), "reject") << d.id;
}

// Prints the tally and the deviation tables (run with --gtest_filter=*Summary*).
TEST(ConformanceCorpus, Summary) {
  size_t same = 0, host_rule = 0, stricter = 0, otherwise = 0, differing = 0;
  for (const CorpusCase& c : corpus()) {
    if (!c.error.empty()) continue;
    std::string raw = base64(c.data["raw_b64"].get<std::string>());
    bool accept = c.data["expect"].get<std::string>() == "accept";
    Outcome hosted = serve(raw, true);
    if (accept && hosted.first_host_added >= 0) ++host_rule;
    if (find_deviation(kStricterThanLlhttp, c.id())) ++stricter;
    else if (find_deviation(kOtherwiseThanLlhttp, c.id())) ++otherwise;
    else if (accept ? hosted.end != End::kError : hosted.end == End::kError) ++same;
    else ++differing;
  }
  std::cout << "[ corpus   ] " << corpus().size() << " cases: " << same
            << " as llhttp (after the Host rule), missing-Host rule on " << host_rule << " accept cases, "
            << stricter << " stricter, " << otherwise << " otherwise, " << differing << " unlisted differences\n";
  std::cout << "[ rule     ] " << kMissingHostRule.rfc << ": " << kMissingHostRule.reason << '\n';
  for (const Deviation& d : kStricterThanLlhttp)
    std::cout << "[ stricter ] " << d.id << " -> " << d.status << " (" << d.rfc << "): " << d.reason << '\n';
  for (const Deviation& d : kOtherwiseThanLlhttp)
    std::cout << "[ otherwise] " << d.id << " -> "
              << (d.verdict == Verdict::kClosed    ? "close"
                  : d.verdict == Verdict::kWaiting ? "wait, then " + std::to_string(d.status)
                                                   : "accepted")
              << " (" << d.rfc << "): " << d.reason << '\n';
}

// ---------------------------------------------------------------------------
// 2. Split reads: the same requests whatever the read boundaries
// ---------------------------------------------------------------------------

// Every single split point, byte by byte, and (for longer inputs) random
// multi-piece splits from a fixed seed.
void expect_split_reads_agree(const std::string& raw, bool add_missing_host) {
  const std::string bytes = served_bytes(raw, add_missing_host);
  const Outcome whole = serve(raw, add_missing_host);
  const size_t n = bytes.size();
  if (n < 2) return;
  std::vector<size_t> every;
  for (size_t i = 1; i < n; ++i) every.push_back(i);
  Outcome o = serve(raw, every, add_missing_host);
  ASSERT_TRUE(same_requests(o, whole)) << "byte by byte:\n" << describe(o) << "\nin one piece:\n" << describe(whole);
  if (n <= 512) {
    for (size_t i = 1; i < n; ++i) {
      o = serve(raw, {i}, add_missing_host);
      ASSERT_TRUE(same_requests(o, whole)) << "split at " << i << ":\n" << describe(o) << "\nin one piece:\n" << describe(whole);
    }
  }
  std::mt19937 rng(20260618u + static_cast<uint32_t>(n));
  for (int round = 0; round < (n <= 512 ? 16 : 200); ++round) {
    std::uniform_int_distribution<size_t> count(2, 12), pos(1, n - 1);
    std::vector<size_t> cuts;
    for (size_t k = count(rng); k > 0; --k) cuts.push_back(pos(rng));
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    o = serve(raw, cuts, add_missing_host);
    std::string at;
    for (size_t cut : cuts) at += " " + std::to_string(cut);
    ASSERT_TRUE(same_requests(o, whole)) << "split at" << at << ":\n" << describe(o) << "\nin one piece:\n" << describe(whole);
  }
}

class SplitReads : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(SplitReads, SameRequestsAsOnePiece) {
  const CorpusCase& c = GetParam();
  ASSERT_TRUE(c.error.empty()) << c.error;
  std::string raw = base64(c.data["raw_b64"].get<std::string>());
  {
    SCOPED_TRACE("as sent");
    expect_split_reads_agree(raw, false);
  }
  {
    SCOPED_TRACE("with Host added");
    expect_split_reads_agree(raw, true);
  }
}

INSTANTIATE_TEST_SUITE_P(Llhttp, SplitReads, ::testing::ValuesIn(corpus()),
                         [](const ::testing::TestParamInfo<CorpusCase>& info) { return test_name(info.param.id()); });

struct Handmade {
  std::string name;
  std::string bytes;
  size_t messages;  // complete ones
  End end;
  uint16_t status;  // kError
};
void PrintTo(const Handmade& h, std::ostream* os) { *os << h.name; }

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx", data.size());
  return size + std::string("\r\n") + data + "\r\n";
}

std::vector<Handmade> handmade() {
  const std::string big(700, 'x');
  return {
      {"pipelined_bodies",
       "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
       "POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=\"a;\\\"b\"\r\nhello\r\n0\r\nT: v\r\n\r\n"
       "\r\nGET /c HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
       3, End::kIdle, 0},
      {"http10_keep_alive_then_close",
       "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\nGET /never HTTP/1.1\r\nHost: h\r\n\r\n", 2,
       End::kClosed, 0},
      {"error_in_second_request", "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost : h\r\n\r\n", 1, End::kError,
       400},
      {"error_in_chunked_body", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n", 0,
       End::kError, 400},
      {"long_chunked_body",
       "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(big) + chunk(big.substr(0, 300)) +
           "1F;n=\"v\"\r\n" + big.substr(0, 31) + "\r\n0\r\nX-Trailer: 1\r\n\r\n" +
           "GET /next HTTP/1.1\r\nHost: h\r\n\r\n",
       2, End::kIdle, 0},
      {"long_content_length_body",
       "PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 700\r\n\r\n" + big + "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HT", 2,
       End::kHeadPending, 0},
      {"long_head_then_partial_body",
       "POST / HTTP/1.1\r\nHost: h\r\nX-Long: " + big + "\r\nContent-Length: 10\r\n\r\n12345", 0, End::kBodyPending, 0},
  };
}

class HandmadeSplitReads : public ::testing::TestWithParam<Handmade> {};

TEST_P(HandmadeSplitReads, SameRequestsAsOnePiece) {
  const Handmade& h = GetParam();
  Outcome whole = serve(h.bytes, false);
  size_t complete = 0;
  for (const Message& m : whole.messages) complete += m.complete;
  EXPECT_EQ(complete, h.messages) << describe(whole);
  EXPECT_EQ(whole.end, h.end) << describe(whole);
  if (h.end == End::kError) {
    EXPECT_EQ(whole.error_status, h.status);
  }
  expect_split_reads_agree(h.bytes, false);
}

INSTANTIATE_TEST_SUITE_P(Handmade, HandmadeSplitReads, ::testing::ValuesIn(handmade()),
                         [](const ::testing::TestParamInfo<Handmade>& info) { return info.param.name; });

// ---------------------------------------------------------------------------
// 3. parse_request_head, table-driven
// ---------------------------------------------------------------------------

struct HeadRow {
  std::string name;
  std::string input;
  ParseResult result = ParseResult::kComplete;
  uint16_t status = 0;  // kError
  ParserLimits limits{};
  // kComplete:
  int version_minor = 1;
  bool keep_alive = true;
  bool expect_continue = false;
  BodyFraming framing = BodyFraming::kNone;
  uint64_t content_length = 0;
  size_t head_length = SIZE_MAX;  // SIZE_MAX: the whole input
  std::string method;             // checked when not empty
  std::string target;             // checked when not empty

  HeadRow http10() && {
    version_minor = 0;
    keep_alive = false;
    return std::move(*this);
  }
  HeadRow keep(bool k) && {
    keep_alive = k;
    return std::move(*this);
  }
  HeadRow length(uint64_t n) && {
    framing = n ? BodyFraming::kContentLength : BodyFraming::kNone;
    content_length = n;
    return std::move(*this);
  }
  HeadRow chunked() && {
    framing = BodyFraming::kChunked;
    return std::move(*this);
  }
  HeadRow expect100() && {
    expect_continue = true;
    return std::move(*this);
  }
  HeadRow head_ends_at(size_t n) && {
    head_length = n;
    return std::move(*this);
  }
  HeadRow request(std::string m, std::string t) && {
    method = std::move(m);
    target = std::move(t);
    return std::move(*this);
  }
  HeadRow with_limits(uint32_t request_line, uint32_t head_bytes, uint32_t headers) && {
    limits.max_request_line = request_line;
    limits.max_head_bytes = head_bytes;
    limits.max_headers = headers;
    return std::move(*this);
  }
};
void PrintTo(const HeadRow& r, std::ostream* os) { *os << r.name; }

HeadRow ok(std::string name, std::string input) {
  HeadRow r;
  r.name = std::move(name);
  r.input = std::move(input);
  return r;
}
HeadRow error(std::string name, std::string input, uint16_t status) {
  HeadRow r = ok(std::move(name), std::move(input));
  r.result = ParseResult::kError;
  r.status = status;
  return r;
}
HeadRow incomplete(std::string name, std::string input) {
  HeadRow r = ok(std::move(name), std::move(input));
  r.result = ParseResult::kIncomplete;
  return r;
}

// "GET / HTTP/1.1", Host, then `fields` (each ending in CRLF), then CRLF.
std::string get11(const std::string& fields = "") { return "GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n"; }
std::string post11(const std::string& fields) { return "POST /p HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n"; }

std::vector<HeadRow> head_rows() {
  const std::string line31 = "GET /" + std::string(17, 'a') + " HTTP/1.1";  // 31 bytes
  const std::string line32 = "GET /" + std::string(18, 'a') + " HTTP/1.1";  // 32 bytes
  std::string many_fields;
  for (int i = 0; i < 4; ++i) many_fields += "X-" + std::to_string(i) + ": v\r\n";
  return {
      // -- valid requests --
      ok("get", get11()).request("GET", "/"),
      ok("head", "HEAD /x?y=1 HTTP/1.1\r\nHost: h\r\n\r\n").request("HEAD", "/x?y=1"),
      ok("post_content_length", post11("Content-Length: 5\r\n")).length(5).request("POST", "/p"),
      ok("absolute_form", "GET http://example.com:8080/a/b?c HTTP/1.1\r\nHost: example.com:8080\r\n\r\n")
          .request("GET", "http://example.com:8080/a/b?c"),
      ok("asterisk_form", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").request("OPTIONS", "*"),
      ok("extension_method", "PROPFIND /d HTTP/1.1\r\nHost: h\r\n\r\n").request("PROPFIND", "/d"),
      ok("leading_crlfs", "\r\n\r\n" + get11()).request("GET", "/"),
      ok("body_bytes_follow", get11() + "GET /next").head_ends_at(get11().size()),
      ok("obs_text_in_value", get11("X: caf\xC3\xA9 \xFF\r\n")),
      ok("ows_around_values", "GET / HTTP/1.1\r\nHost:\th \t\r\nContent-Length: \t7 \r\n\r\n").length(7),
      ok("empty_host_value", "GET / HTTP/1.1\r\nHost:\r\n\r\n"),
      ok("lowercase_field_names", "GET / HTTP/1.1\r\nhost: h\r\ncontent-length: 3\r\n\r\n").length(3),
      ok("target_with_visible_ascii", "GET /a\"b\\c|d{e}#f HTTP/1.1\r\nHost: h\r\n\r\n")
          .request("GET", "/a\"b\\c|d{e}#f"),
      // -- versions --
      ok("http10_without_host", "GET / HTTP/1.0\r\n\r\n").http10(),
      ok("http10_with_host", "GET / HTTP/1.0\r\nHost: h\r\n\r\n").http10(),
      error("version_1_2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505),
      error("version_2_0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
      error("version_0_9", "GET / HTTP/0.9\r\n\r\n", 505),
      error("version_1_10", "GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400),
      error("version_lowercase", "GET / http/1.1\r\nHost: h\r\n\r\n", 400),
      error("version_without_minor", "GET / HTTP/1\r\nHost: h\r\n\r\n", 400),
      error("version_missing", "GET /\r\n\r\n", 400),
      error("version_trailing_space", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
      // -- request line --
      error("empty_method", " / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
      error("method_not_a_token", "GE@T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
      error("two_spaces_before_target", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
      error("space_in_target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
      error("tab_in_target", "GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n", 400),
      error("del_in_target", "GET /a\x7F HTTP/1.1\r\nHost: h\r\n\r\n", 400),
      error("non_ascii_in_target", "GET /\xC3\xA9 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
      error("bare_lf_after_request_line", "GET / HTTP/1.1\nHost: h\r\n\r\n", 400),
      error("bare_cr_in_request_line", "GET / HTTP/1.1\rX\r\nHost: h\r\n\r\n", 400),
      error("bare_lf_line", "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
      // -- limits --
      ok("request_line_under_limit", line31 + "\r\nHost: h\r\n\r\n").with_limits(32, 1024, 8),
      error("request_line_at_limit", line32 + "\r\nHost: h\r\n\r\n", 414).with_limits(32, 1024, 8),
      error("request_line_at_limit_before_crlf", line32 + "xx", 414).with_limits(32, 1024, 8),
      error("request_line_default_limit", "GET /" + std::string(8300, 'a'), 414),
      ok("head_under_limit", get11("X: " + std::string(30, 'v') + "\r\n")).with_limits(32, 64, 8),
      ok("head_exactly_at_limit", get11("X: " + std::string(32, 'v') + "\r\n")).with_limits(32, 64, 8),
      error("head_over_limit", get11("X: " + std::string(40, 'v') + "\r\n"), 431).with_limits(32, 64, 8),
      error("head_over_limit_before_end", get11("X: " + std::string(80, 'v')), 431).with_limits(32, 64, 8),
      error("head_over_default_limit", get11("X: " + std::string(17000, 'v') + "\r\n"), 431),
      ok("max_headers", get11(many_fields.substr(0, many_fields.size() / 4 * 3))).with_limits(64, 1024, 4),
      error("too_many_headers", get11(many_fields), 431).with_limits(64, 1024, 4),
      // -- field syntax --
      error("obs_fold", get11("X: a\r\n b\r\n"), 400),
      error("whitespace_line_after_request_line", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400),
      error("space_before_colon", get11("X : a\r\n"), 400),
      error("tab_before_colon", get11("X\t: a\r\n"), 400),
      error("empty_field_name", get11(": a\r\n"), 400),
      error("field_name_not_a_token", get11("X@Y: a\r\n"), 400),
      error("field_without_colon", get11("X\r\n"), 400),
      error("nul_in_value", get11(std::string("X: a\0b\r\n", 8)), 400),
      error("cr_in_value", get11("X: a\rb\r\n"), 400),
      error("control_in_value", get11("X: a\x0C b\r\n"), 400),
      error("del_in_value", get11("X: a\x7F\r\n"), 400),
      error("bare_lf_after_field", "GET / HTTP/1.1\r\nHost: h\nX: a\r\n\r\n", 400),
      error("bare_lf_ends_head", "GET / HTTP/1.1\r\nHost: h\r\n\n", 400),
      // -- Content-Length --
      ok("content_length_zero", post11("Content-Length: 0\r\n")).length(0),
      ok("content_length_leading_zeros", post11("Content-Length: 007\r\n")).length(7),
      ok("content_length_large", post11("Content-Length: 9999999999999999999\r\n")).length(9999999999999999999ull),
      ok("content_length_identical_list", post11("Content-Length: 5, 5\r\n")).length(5),
      ok("content_length_identical_fields", post11("Content-Length: 5\r\nContent-Length: 5\r\n")).length(5),
      error("content_length_different_list", post11("Content-Length: 5, 6\r\n"), 400),
      error("content_length_different_fields", post11("Content-Length: 5\r\nContent-Length: 6\r\n"), 400),
      error("content_length_plus", post11("Content-Length: +5\r\n"), 400),
      error("content_length_minus", post11("Content-Length: -5\r\n"), 400),
      error("content_length_hex", post11("Content-Length: 0x5\r\n"), 400),
      error("content_length_inner_space", post11("Content-Length: 1 2\r\n"), 400),
      error("content_length_empty", post11("Content-Length:\r\n"), 400),
      error("content_length_2_pow_64", post11("Content-Length: 18446744073709551616\r\n"), 400),
      error("content_length_overflow", post11("Content-Length: 1000000000000000000000\r\n"), 400),
      error("content_length_decimal", post11("Content-Length: 5.0\r\n"), 400),
      // -- Transfer-Encoding --
      ok("chunked", post11("Transfer-Encoding: chunked\r\n")).chunked(),
      ok("chunked_any_case", post11("Transfer-Encoding: ChUnKeD\r\n")).chunked(),
      error("gzip_then_chunked", post11("Transfer-Encoding: gzip, chunked\r\n"), 501),
      error("gzip_then_chunked_two_fields", post11("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"), 501),
      error("chunked_then_gzip", post11("Transfer-Encoding: chunked, gzip\r\n"), 400),
      error("chunked_then_gzip_two_fields", post11("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"), 400),
      error("gzip_only", post11("Transfer-Encoding: gzip\r\n"), 400),
      error("xchunked", post11("Transfer-Encoding: xchunked\r\n"), 400),
      error("chunked_twice", post11("Transfer-Encoding: chunked, chunked\r\n"), 400),
      error("chunked_twice_two_fields", post11("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"), 400),
      error("chunked_with_content_length", post11("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"), 400),
      error("content_length_with_chunked", post11("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), 400),
      error("chunked_in_http10", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
      error("transfer_encoding_empty", post11("Transfer-Encoding:\r\n"), 400),
      error("transfer_encoding_only_comma", post11("Transfer-Encoding: ,\r\n"), 400),
      error("chunked_with_parameter", post11("Transfer-Encoding: chunked;x=1\r\n"), 400),
      // -- Connection (RFC 9112 section 9.3) --
      ok("http11_persists", get11()).keep(true),
      ok("http11_close", get11("Connection: close\r\n")).keep(false),
      ok("http11_close_in_list", get11("Connection: Upgrade, CLOSE\r\n")).keep(false),
      ok("http11_close_in_second_field", get11("Connection: keep-alive\r\nConnection: close\r\n")).keep(false),
      ok("http11_keep_alive", get11("Connection: keep-alive\r\n")).keep(true),
      ok("http11_closed_is_not_close", get11("Connection: closed\r\n")).keep(true),
      ok("http10_closes", "GET / HTTP/1.0\r\n\r\n").http10(),
      ok("http10_keep_alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").http10().keep(true),
      ok("http10_keep_alive_and_close", "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").http10(),
      // -- Expect --
      ok("expect_100_continue", post11("Expect: 100-continue\r\nContent-Length: 3\r\n")).expect100().length(3),
      ok("expect_100_continue_any_case", post11("Expect: 100-Continue\r\nContent-Length: 3\r\n")).expect100().length(3),
      ok("expect_other", post11("Expect: something-else\r\n")),
      // RFC 9110 section 10.1.1: "A server that receives a 100-continue
      // expectation in an HTTP/1.0 request MUST ignore that expectation."
      ok("expect_100_continue_in_http10", "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
          .http10()
          .length(3),
      // -- Host (RFC 9112 section 3.2) --
      error("http11_without_host", "GET / HTTP/1.1\r\n\r\n", 400),
      error("http11_two_hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
      error("http11_two_identical_hosts", "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", 400),
      error("absolute_form_without_host", "GET http://a/ HTTP/1.1\r\n\r\n", 400),
      error("http10_two_hosts", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400),
      // -- incomplete input --
      incomplete("empty", ""),
      incomplete("one_cr", "\r"),
      incomplete("empty_lines_only", "\r\n\r\n"),
      incomplete("partial_request_line", "GET /index.ht"),
      incomplete("partial_field", "GET / HTTP/1.1\r\nHost: h\r\nContent-Le"),
      incomplete("missing_final_lf", "GET / HTTP/1.1\r\nHost: h\r\n\r"),
  };
}

class HeadTable : public ::testing::TestWithParam<HeadRow> {};

TEST_P(HeadTable, Parses) {
  const HeadRow& row = GetParam();
  SCOPED_TRACE("input: " + printable(row.input));
  GuardedBytes bytes(row.input);  // head.method and head.target point into it
  RequestHead head;
  ParseResult r = parse_request_head(bytes.data(), row.input.size(), row.limits, &head);
  ASSERT_EQ(r, row.result) << "error_status " << head.error_status;
  if (r == ParseResult::kError) {
    EXPECT_EQ(head.error_status, row.status);
  } else if (r == ParseResult::kComplete) {
    EXPECT_EQ(head.head_length, row.head_length == SIZE_MAX ? row.input.size() : row.head_length);
    EXPECT_EQ(head.version_minor, row.version_minor);
    EXPECT_EQ(head.keep_alive, row.keep_alive);
    EXPECT_EQ(head.expect_continue, row.expect_continue);
    EXPECT_EQ(head.framing, row.framing);
    if (row.framing == BodyFraming::kContentLength) {
      EXPECT_EQ(head.content_length, row.content_length);
    }
    if (!row.method.empty()) {
      EXPECT_EQ(std::string(head.method, head.method_length), row.method);
    }
    if (!row.target.empty()) {
      EXPECT_EQ(std::string(head.target, head.target_length), row.target);
    }
  }
}

// With fewer bytes the answer is "more", or already the same error: never a
// different error, never a request.
TEST_P(HeadTable, EveryPrefixWaitsOrFailsTheSameWay) {
  const HeadRow& row = GetParam();
  size_t end = row.head_length == SIZE_MAX ? row.input.size() : row.head_length;
  if (row.result == ParseResult::kError) end = row.input.size();
  bool failed = false;
  for (size_t n = 0; n < end; ++n) {
    RequestHead head;
    ParseResult r = parse_guarded(row.input.substr(0, n), row.limits, &head);
    if (r == ParseResult::kIncomplete) {
      ASSERT_FALSE(failed) << "an error at a shorter prefix, none at " << n << " bytes";
      continue;
    }
    ASSERT_EQ(r, ParseResult::kError) << "complete after " << n << " of " << end << " bytes";
    ASSERT_EQ(row.result, ParseResult::kError) << "error " << head.error_status << " after " << n << " bytes";
    ASSERT_EQ(head.error_status, row.status) << "after " << n << " bytes";
    failed = true;
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, HeadTable, ::testing::ValuesIn(head_rows()),
                         [](const ::testing::TestParamInfo<HeadRow>& info) { return info.param.name; });

TEST(HeadTableSize, HasEnoughRows) { EXPECT_GE(head_rows().size(), 40u); }

// The parser writes nothing to the input and points into it.
TEST(ParseRequestHead, PointsIntoTheInput) {
  std::string input = "\r\nDELETE /items/7 HTTP/1.1\r\nHost: h\r\n\r\n";
  GuardedBytes bytes(input);
  RequestHead head;
  ASSERT_EQ(parse_request_head(bytes.data(), input.size(), ParserLimits{}, &head), ParseResult::kComplete);
  EXPECT_EQ(head.method, bytes.data() + 2);
  EXPECT_EQ(head.method_length, 6u);
  EXPECT_EQ(head.target, bytes.data() + 9);
  EXPECT_EQ(head.target_length, 8u);
  EXPECT_EQ(std::string(bytes.data(), input.size()), input);
}

// ---------------------------------------------------------------------------
// 4. ChunkedDecoder
// ---------------------------------------------------------------------------

struct ChunkRow {
  std::string name;
  std::string input;
  ParseResult result;
  uint64_t payload;  // payload bytes counted (kError: unchecked)
  size_t body_end;   // kComplete: bytes of the body (the rest belongs to the next request)
  uint32_t max_trailer_bytes = 16384;
};
void PrintTo(const ChunkRow& r, std::ostream* os) { *os << r.name; }

ChunkRow body(std::string name, std::string input, uint64_t payload) {
  size_t n = input.size();
  return {std::move(name), std::move(input), ParseResult::kComplete, payload, n};
}
ChunkRow body_then(std::string name, std::string input, std::string next, uint64_t payload) {
  size_t n = input.size();
  return {std::move(name), input + next, ParseResult::kComplete, payload, n};
}
ChunkRow partial(std::string name, std::string input, uint64_t payload) {
  size_t n = input.size();
  return {std::move(name), std::move(input), ParseResult::kIncomplete, payload, n};
}
ChunkRow invalid(std::string name, std::string input) {
  return {std::move(name), std::move(input), ParseResult::kError, 0, 0};
}

std::vector<ChunkRow> chunk_rows() {
  const std::string next = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
  ChunkRow small_trailers = invalid("trailer_over_limit", "0\r\nX-Long: 0123456789\r\n\r\n");
  small_trailers.max_trailer_bytes = 8;
  ChunkRow trailers_under_limit = body("trailer_under_limit", "0\r\nX: 12345\r\n\r\n", 0);
  trailers_under_limit.max_trailer_bytes = 12;
  return {
      // -- sizes --
      body("lowercase_hex", "a\r\n0123456789\r\n0\r\n\r\n", 10),
      body("uppercase_hex", "A\r\n0123456789\r\n0\r\n\r\n", 10),
      body("mixed_case_hex", "1f\r\n" + std::string(31, 'x') + "\r\n1F\r\n" + std::string(31, 'y') + "\r\n0\r\n\r\n",
           62),
      body("several_chunks", "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n", 11),
      body("leading_zeros", "0005\r\nhello\r\n000\r\n\r\n", 5),
      body("sixteen_digits", "0000000000000003\r\nabc\r\n0\r\n\r\n", 3),
      body("empty_body", "0\r\n\r\n", 0),
      body("crlf_inside_data", "4\r\n\r\n\r\n\r\n0\r\n\r\n", 4),
      partial("max_size_waits_for_data", "ffffffffffffffff\r\n", 0),
      invalid("seventeen_digits", "00000000000000001\r\nx\r\n0\r\n\r\n"),
      invalid("size_2_pow_64", "10000000000000000\r\n"),
      invalid("size_eighteen_f", "ffffffffffffffffff\r\n"),
      invalid("non_hex_size", "g\r\nx\r\n0\r\n\r\n"),
      invalid("hex_prefix", "0x5\r\nhello\r\n0\r\n\r\n"),
      invalid("negative_size", "-5\r\nhello\r\n0\r\n\r\n"),
      invalid("empty_size_line", "\r\n5\r\nhello\r\n0\r\n\r\n"),
      invalid("space_before_size", " 5\r\nhello\r\n0\r\n\r\n"),
      invalid("space_after_size_without_extension", "5 \r\nhello\r\n0\r\n\r\n"),
      invalid("missing_last_chunk", "3\r\nfoo\r\n\r\n"),
      // -- extensions (RFC 9112 section 7.1.1) --
      body("extension_name", "5;ext\r\nhello\r\n0\r\n\r\n", 5),
      body("extension_token_values", "5;a=b;c=d\r\nhello\r\n0\r\n\r\n", 5),
      body("extension_bws", "5 ; a = b ;c\r\nhello\r\n0\r\n\r\n", 5),
      body("extension_quoted", "5;a=\"x; y=z\"\r\nhello\r\n0\r\n\r\n", 5),
      body("extension_quoted_pair", "5;a=\"I \\\"love\\\" \\\\ext\\\\\";b\r\nhello\r\n0\r\n\r\n", 5),
      body("extension_on_last_chunk", "5\r\nhello\r\n0;last=\"yes\"\r\n\r\n", 5),
      invalid("extension_unterminated_quote", "5;a=\"abc\r\nhello\r\n0\r\n\r\n"),
      invalid("extension_cr_in_quote", "5;a=\"a\rb\"\r\nhello\r\n0\r\n\r\n"),
      invalid("extension_control_char", "5;a=\x01\r\nhello\r\n0\r\n\r\n"),
      invalid("extension_bare_lf", "5;a=b\nhello\r\n0\r\n\r\n"),
      // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ),
      // chunk-ext-name = token, chunk-ext-val = token / quoted-string.
      invalid("extension_without_name", "5;\r\nhello\r\n0\r\n\r\n"),
      invalid("extension_value_without_name", "5;=v\r\nhello\r\n0\r\n\r\n"),
      invalid("extension_empty_value", "5;a=\r\nhello\r\n0\r\n\r\n"),
      invalid("extension_two_names_without_semicolon", "5;a b\r\nhello\r\n0\r\n\r\n"),
      // -- data framing --
      invalid("data_longer_than_size", "5\r\nhelloX\r\n0\r\n\r\n"),
      invalid("data_cr_without_lf", "5\r\nhello\rX0\r\n\r\n"),
      invalid("bare_lf_after_size", "5\nhello\r\n0\r\n\r\n"),
      invalid("bare_lf_after_data", "5\r\nhello\n0\r\n\r\n"),
      invalid("bare_lf_after_last_chunk", "0\n\r\n"),
      invalid("bare_cr_after_size", "5\r\rhello\r\n0\r\n\r\n"),
      // -- trailers --
      body("trailers", "5\r\nhello\r\n0\r\nVary: *\r\nContent-Type: text/plain\r\n\r\n", 5),
      body("zero_size_with_trailers", "0\r\nX-Checksum: abc\r\n\r\n", 0),
      body("extension_and_trailers", "0;x=1\r\nA: 1\r\nB:\r\n\r\n", 0),
      body("trailer_obs_text", "0\r\nX: caf\xC3\xA9\r\n\r\n", 0),
      trailers_under_limit,
      small_trailers,
      invalid("bare_lf_ends_trailers", "0\r\nA: 1\r\n\n"),
      invalid("bare_lf_after_trailer", "0\r\nA: 1\nB: 2\r\n\r\n"),
      invalid("trailer_obs_fold", "0\r\nA: 1\r\n 2\r\n\r\n"),
      invalid("trailer_control_char", "0\r\nA: 1\x01\r\n\r\n"),
      // field-line = field-name ":" OWS field-value OWS (RFC 9112 section 5)
      invalid("trailer_without_colon", "0\r\nNot a field\r\n\r\n"),
      invalid("trailer_space_before_colon", "0\r\nA : 1\r\n\r\n"),
      // -- what follows the body is not the decoder's --
      body_then("next_request_follows", "5\r\nhello\r\n0\r\n\r\n", next, 5),
      body_then("next_request_follows_trailers", "0\r\nT: v\r\n\r\n", next, 0),
      body_then("junk_follows", "0\r\n\r\n", "\x01\x02garbage", 0),
      // -- waiting for more --
      partial("inside_size", "1", 0),
      partial("inside_data", "5\r\nhel", 3),
      partial("inside_extension", "5;a=\"x", 0),
      partial("before_last_crlf", "5\r\nhello\r\n0\r\n", 5),
      partial("inside_trailers", "0\r\nA: 1\r\n", 0),
  };
}

class ChunkTable : public ::testing::TestWithParam<ChunkRow> {};

// Feeds `input` cut at `cuts`; returns the result and where it stopped.
struct Fed {
  ParseResult result = ParseResult::kIncomplete;
  uint64_t payload = 0;
  size_t consumed = 0;  // total; kError: offset of the rejected byte
};

Fed feed_pieces(const ChunkRow& row, const std::vector<size_t>& cuts) {
  ChunkedDecoder decoder(row.max_trailer_bytes);
  Fed fed;
  size_t from = 0;
  for (size_t i = 0; i <= cuts.size(); ++i) {
    size_t to = i < cuts.size() ? cuts[i] : row.input.size();
    std::string piece = row.input.substr(from, to - from);
    size_t consumed;
    fed.result = feed_guarded(&decoder, piece, &consumed, &fed.payload);
    EXPECT_LE(consumed, piece.size());
    fed.consumed += consumed;
    if (fed.result != ParseResult::kIncomplete) return fed;
    EXPECT_EQ(consumed, piece.size()) << "kIncomplete but bytes left unconsumed";
    from = to;
  }
  return fed;
}

TEST_P(ChunkTable, OneShot) {
  const ChunkRow& row = GetParam();
  SCOPED_TRACE("input: " + printable(row.input));
  Fed fed = feed_pieces(row, {});
  ASSERT_EQ(fed.result, row.result) << "stopped after " << fed.consumed << " bytes";
  if (row.result != ParseResult::kError) {
    EXPECT_EQ(fed.payload, row.payload);
    EXPECT_EQ(fed.consumed, row.body_end);
  }
}

TEST_P(ChunkTable, ByteByByteEqualsOneShot) {
  const ChunkRow& row = GetParam();
  SCOPED_TRACE("input: " + printable(row.input));
  Fed whole = feed_pieces(row, {});
  std::vector<size_t> every;
  for (size_t i = 1; i < row.input.size(); ++i) every.push_back(i);
  Fed bytes = feed_pieces(row, every);
  EXPECT_EQ(bytes.result, whole.result);
  EXPECT_EQ(bytes.payload, whole.payload);
  EXPECT_EQ(bytes.consumed, whole.consumed);
  // Random pieces, fixed seed.
  std::mt19937 rng(7u + static_cast<uint32_t>(row.input.size()));
  for (int round = 0; round < 20 && row.input.size() > 2; ++round) {
    std::uniform_int_distribution<size_t> pos(1, row.input.size() - 1);
    std::vector<size_t> cuts = {pos(rng), pos(rng), pos(rng)};
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    Fed f = feed_pieces(row, cuts);
    EXPECT_EQ(f.result, whole.result) << "cuts " << cuts[0];
    EXPECT_EQ(f.payload, whole.payload) << "cuts " << cuts[0];
    EXPECT_EQ(f.consumed, whole.consumed) << "cuts " << cuts[0];
  }
}

// Once complete, the decoder takes nothing more: not in the call that
// completes it, whatever the piece boundaries, nor in later calls.
TEST_P(ChunkTable, NeverConsumesPastTheBody) {
  const ChunkRow& row = GetParam();
  if (row.result != ParseResult::kComplete) return;
  const std::string next = "POST /x HTTP/1.1\r\nHost: h\r\n\r\n";
  std::string input = row.input + next;
  const size_t end = row.body_end;
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    ChunkedDecoder decoder(row.max_trailer_bytes);
    uint64_t payload = 0;
    size_t consumed = 0;
    ParseResult r = ParseResult::kIncomplete;
    size_t total = 0;
    if (cut > 0) {
      r = feed_guarded(&decoder, input.substr(0, cut), &consumed, &payload);
      total = consumed;
    }
    if (r == ParseResult::kIncomplete) {
      ASSERT_EQ(consumed, cut);
      r = feed_guarded(&decoder, input.substr(cut), &consumed, &payload);
      total += consumed;
    }
    ASSERT_EQ(r, ParseResult::kComplete) << "cut at " << cut;
    ASSERT_EQ(total, end) << "cut at " << cut;
    EXPECT_EQ(payload, row.payload) << "cut at " << cut;
    // Fed again after completion: still complete, nothing consumed.
    r = feed_guarded(&decoder, input.substr(end), &consumed, &payload);
    EXPECT_EQ(r, ParseResult::kComplete);
    EXPECT_EQ(consumed, 0u);
    EXPECT_EQ(payload, row.payload);
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, ChunkTable, ::testing::ValuesIn(chunk_rows()),
                         [](const ::testing::TestParamInfo<ChunkRow>& info) { return info.param.name; });

TEST(ChunkedDecoder, HugeChunkCountsEveryByte) {
  ChunkedDecoder decoder;
  uint64_t payload = 0;
  size_t consumed = 0;
  ASSERT_EQ(feed_guarded(&decoder, "FFFFFFFFFFFFFFFF\r\n", &consumed, &payload), ParseResult::kIncomplete);
  EXPECT_EQ(consumed, 18u);
  const std::string data(100000, 'z');
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(feed_guarded(&decoder, data, &consumed, &payload), ParseResult::kIncomplete);
    EXPECT_EQ(consumed, data.size());
  }
  EXPECT_EQ(payload, 1000000u);
}

TEST(ChunkedDecoder, PayloadAddsToTheCallersCount) {
  ChunkedDecoder decoder;
  uint64_t payload = 100;
  size_t consumed = 0;
  ASSERT_EQ(feed_guarded(&decoder, "3\r\nabc\r\n0\r\n\r\n", &consumed, &payload), ParseResult::kComplete);
  EXPECT_EQ(payload, 103u);
}

TEST(ChunkedDecoder, EmptyFeedWaits) {
  ChunkedDecoder decoder;
  uint64_t payload = 0;
  size_t consumed = 1;
  EXPECT_EQ(feed_guarded(&decoder, "", &consumed, &payload), ParseResult::kIncomplete);
  EXPECT_EQ(consumed, 0u);
}

}  // namespace
}  // namespace hotpath::http
