#include "session_driver.h"

#include <cctype>
#include <cstring>
#include <stdexcept>

#include "bytes.h"  // is_tchar
#include "guard_page.h"
#include "loaded_routes.h"

namespace hotpath::testing {

const char kSessionTestTable[] =
    "GET\t/\t200\ttext/plain; charset=utf-8\tok\n"
    "GET\t/hello/:name\t200\ttext/plain; charset=utf-8\thello {name}\n"
    "GET\t/json\t200\tapplication/json; charset=utf-8\t{\"ok\":true}\n"
    "POST\t/submit\t201\ttext/plain\tcreated\n"
    "PUT\t/submit\t200\ttext/plain\treplaced\n"
    "GET\t/empty\t204\t\n";

bool SeenRequest::operator==(const SeenRequest& o) const {
  return sequence == o.sequence && method == o.method && target == o.target && path == o.path &&
         version_minor == o.version_minor && keep_alive == o.keep_alive && expect_continue == o.expect_continue &&
         framing == o.framing && content_length == o.content_length && head_length == o.head_length &&
         raw_head == o.raw_head && fields == o.fields && options.head == o.options.head &&
         options.close == o.options.close && options.keep_alive_1_0 == o.options.keep_alive_1_0 && body == o.body &&
         complete == o.complete;
}

namespace {

bool inside(const char* p, size_t n, const char* begin, size_t length) {
  return p >= begin && n <= length && p + n <= begin + length;
}

}  // namespace

native::AnswerPlan RecordingAnswers::answer(const native::Request& r, std::string& out) {
  const http::RequestHead& h = *r.head;
  auto check = [&](bool ok, const std::string& what) {
    if (!ok && fail) fail(what);
  };
  const char* raw = r.raw_head;
  const size_t raw_length = h.head_length;
  check(raw_length > 0, "empty head");
  check(inside(h.method, h.method_length, raw, raw_length) && h.method_length > 0, "method outside the head");
  check(inside(h.target, h.target_length, raw, raw_length) && h.target_length > 0, "target outside the head");
  for (uint32_t i = 0; i < h.method_length; ++i) {
    check(is_tchar(static_cast<unsigned char>(h.method[i])), "method is not a token");
  }
  for (uint32_t i = 0; i < h.target_length; ++i) {
    unsigned char c = static_cast<unsigned char>(h.target[i]);
    check(c > 0x20 && c != 0x7F, "target byte outside visible ASCII");
  }
  check(h.version_minor <= 1, "version");
  check(raw_length >= 4 && std::memcmp(raw + raw_length - 4, "\r\n\r\n", 4) == 0, "head does not end in CRLF CRLF");
  check(r.field_count == h.field_count && r.field_count <= hotpath::kMaxHeaderFields, "field count");
  SeenRequest seen;
  seen.sequence = r.sequence;
  seen.method.assign(h.method, h.method_length);
  seen.target.assign(h.target, h.target_length);
  seen.path.assign(r.path, r.path_length);
  seen.version_minor = h.version_minor;
  seen.keep_alive = h.keep_alive;
  seen.expect_continue = h.expect_continue;
  seen.framing = h.framing;
  seen.content_length = h.content_length;
  seen.head_length = h.head_length;
  seen.raw_head.assign(raw, raw_length);
  for (uint32_t i = 0; i < r.field_count; ++i) {
    const http::HeaderField& f = r.fields[i];
    check(inside(f.name.data, f.name.size, raw, raw_length) && f.name.size > 0, "field name outside the head");
    check(f.value.size == 0 || inside(f.value.data, f.value.size, raw, raw_length), "field value outside the head");
    for (uint32_t k = 0; k < f.name.size; ++k) check(is_tchar(static_cast<unsigned char>(f.name.data[k])), "field name");
    for (uint32_t k = 0; k < f.value.size; ++k) {
      unsigned char c = static_cast<unsigned char>(f.value.data[k]);
      check(c == '\t' || (c >= 0x20 && c != 0x7F), "field value byte");
    }
    if (f.value.size) {
      check(f.value.data[0] != ' ' && f.value.data[0] != '\t', "leading OWS kept");
      check(f.value.data[f.value.size - 1] != ' ' && f.value.data[f.value.size - 1] != '\t', "trailing OWS kept");
    }
    seen.fields.emplace_back(std::string(f.name.data, f.name.size), std::string(f.value.data, f.value.size));
  }
  seen.options = r.options;
  seen.complete = h.framing == http::BodyFraming::kNone;
  requests.push_back(std::move(seen));
  if (defer && defer(r)) {
    std::string answer;
    native::AnswerPlan plan = inner_.answer(r, answer);
    deferred.emplace_back(r.sequence, std::move(answer));
    plan.later = true;
    plan.read_body = true;
    return plan;
  }
  native::AnswerPlan plan = inner_.answer(r, out);
  plan.read_body = true;
  return plan;
}

SeenRequest* RecordingAnswers::find(uint64_t sequence) {
  for (SeenRequest& r : requests) {
    if (r.sequence == sequence) return &r;
  }
  return nullptr;
}

void RecordingAnswers::body(native::Http1Session&, uint64_t sequence, const char* data, size_t length) {
  SeenRequest* r = find(sequence);
  if (!r) {
    if (fail) fail("body for an unknown request");
    return;
  }
  if (r->complete && fail) fail("body after body_end");
  r->body.append(data, length);
}

void RecordingAnswers::body_end(native::Http1Session&, uint64_t sequence) {
  SeenRequest* r = find(sequence);
  if (!r || r->complete) {
    if (fail) fail("body_end for an unknown or complete request");
    return;
  }
  r->complete = true;
}

void RecordingAnswers::cancel(native::Http1Session&, uint64_t sequence) { cancelled.push_back(sequence); }

namespace {

std::unique_ptr<native::RouteTables> load_tables(const std::string& table) {
  std::string error;
  std::unique_ptr<native::LoadedRoutes> loaded = native::load_routes_text(table, "session-test.tsv", &error);
  if (!loaded) throw std::runtime_error(error);
  return std::make_unique<native::RouteTables>(std::move(loaded), 1);
}

}  // namespace

SessionDriver::SessionDriver(const std::string& table, native::SessionLimits limits, Copy copy)
    : tables_(load_tables(table)),
      routes_(*tables_, date_),
      recorder_(routes_),
      context_{limits, &date_, &recorder_},
      session_(std::make_unique<native::Http1Session>(context_)),
      copy_(copy) {}

SessionDriver::~SessionDriver() { session_.reset(); }

void SessionDriver::receive(const std::string& bytes) {
  if (!session_->reading()) {
    ignored_ += bytes.size();
    return;
  }
  unused_ += bytes;
  if (unused_.empty()) return;
  ++receive_calls_;
  size_t used;
  if (copy_ == Copy::kGuardPage) {
    GuardedBytes guarded(unused_);
    used = session_->receive(guarded.data(), unused_.size(), output_);
  } else {
    std::unique_ptr<char[]> exact(new char[unused_.size()]);
    std::memcpy(exact.get(), unused_.data(), unused_.size());
    used = session_->receive(exact.get(), unused_.size(), output_);
  }
  if (used > unused_.size()) throw std::logic_error("the session used more bytes than it was given");
  if (!session_->reading()) {
    ignored_ += unused_.size() - used;
    unused_.clear();
  } else {
    unused_.erase(0, used);
  }
}

void SessionDriver::complete(uint64_t sequence) {
  for (auto& [s, answer] : recorder_.deferred) {
    if (s == sequence) {
      session_->complete(sequence, answer, output_);
      return;
    }
  }
  throw std::logic_error("no deferred answer for this request");
}

namespace {

bool same_name(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::string ParsedAnswer::header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (same_name(n, name)) return v;
  }
  return "";
}

bool ParsedAnswer::has(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (same_name(n, name)) return true;
  }
  return false;
}

std::vector<ParsedAnswer> parse_answers(const std::string& output, const std::vector<bool>& heads, std::string* rest) {
  std::vector<ParsedAnswer> answers;
  size_t at = 0;
  size_t final_index = 0;
  while (at < output.size()) {
    size_t end = output.find("\r\n\r\n", at);
    if (end == std::string::npos) break;
    ParsedAnswer a;
    size_t line_end = output.find("\r\n", at);
    std::string status_line = output.substr(at, line_end - at);
    if (status_line.compare(0, 9, "HTTP/1.1 ") != 0 || status_line.size() < 12) break;
    a.status = std::stoi(status_line.substr(9, 3));
    a.reason = status_line.size() > 13 ? status_line.substr(13) : "";
    for (size_t p = line_end + 2; p < end + 2;) {
      size_t e = output.find("\r\n", p);
      std::string line = output.substr(p, e - p);
      size_t colon = line.find(':');
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      while (!value.empty() && value[0] == ' ') value.erase(0, 1);
      a.headers.emplace_back(line.substr(0, colon), value);
      p = e + 2;
    }
    size_t body_at = end + 4;
    bool interim = a.status >= 100 && a.status < 200;
    bool head = !interim && final_index < heads.size() && heads[final_index];
    size_t length = 0;
    if (!interim && !head && a.status != 204 && a.status != 304 && a.has("content-length")) {
      length = std::stoul(a.header("content-length"));
    }
    if (output.size() - body_at < length) break;
    a.body = output.substr(body_at, length);
    at = body_at + length;
    if (!interim) ++final_index;
    answers.push_back(std::move(a));
  }
  if (rest) *rest = output.substr(at);
  return answers;
}

std::string without_date(const std::string& output) {
  std::string out;
  size_t at = 0;
  for (;;) {
    size_t date = output.find("\r\nDate: ", at);
    if (date == std::string::npos) break;
    size_t end = output.find("\r\n", date + 2);
    if (end == std::string::npos) break;  // "\r\nDate: " at the end of a body: not a field line
    out.append(output, at, date - at);
    at = end;
  }
  out.append(output, at, std::string::npos);
  return out;
}

}  // namespace hotpath::testing
