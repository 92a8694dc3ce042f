// Fuzz target: both Wasm ABIs (abi/router_abi.cpp) built natively, one
// instance for the whole run as in a Worker, checked against the router core
// called directly on the same table.
//
// Input: records [op u8][length u16 LE][payload], the last one taking what
// is left. Each payload is written to memory from alloc(), as the JavaScript
// adapters do, and op & 7 picks the call:
//   0 handle_path(payload)           fast ABI
//   1 route_request(op >> 3, payload) one-call extension (method codes 0..31)
//   2 handle(payload)                 compatibility ABI (request as text)
//   3 load_routes(payload)            4 load_builtin_routes()
//   5 a call whose (ptr, len) runs past the end of memory (op >> 3 picks it)
//   6 the next call runs with memory that cannot grow (memory.grow fails)
//   7 alloc(u32 from the payload)
//
// Invariants:
//  - Every answer equals the core's on the table the model says is live:
//    status, Allow bits, HEAD flag, content type (through content_type_id and
//    content_type_ptr/len), body bytes; handle's text is exactly the
//    documented format built from those. A range outside memory answers 400
//    (load_routes: error, the table unchanged) without a read of it (ASan
//    poisons everything above the top of memory).
//  - load_routes succeeds exactly when the core loads the table; on failure
//    the error line and message are the core's and the previous table keeps
//    serving; table_generation counts successful loads; route_count and the
//    content types follow the live table.
//  - Every (ptr, len) the ABI returns lies inside memory; the packed i64,
//    response_ptr/len/status and the response record agree.
//  - With memory frozen, a call either answers as above or takes the
//    documented way out: 500 "Internal Server Error" for a body that needs
//    rendering, handle -> 0, load -> error "out of memory ...", alloc -> 0.
//  - Whatever came before, the next valid request still gets the exact
//    expected answer: after every call while the built-in table serves, and
//    at the end of every input, GET/HEAD/POST /hello/rai on both ABIs.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "abi_exports.h"
#include "fuzz_check.h"
#include "host_linear_memory.h"
#include "router.h"
#include "wasm_memory.h"

namespace {

using namespace hotpath;

struct Record {  // abi/README.md "response record"
  uint32_t body_ptr, body_len, status, allow, content_type_id, head, generation;
  uint32_t route, handler, header_set, echo_ptr, echo_len, param_count, params_ptr;
};

const Record& record() { return *reinterpret_cast<const Record*>(static_cast<uintptr_t>(response_record())); }

std::string bytes_at(uint32_t ptr, uint32_t len) {
  FUZZ_CHECK(static_cast<uint64_t>(ptr) + len <= wasm::memory_bytes(), "(%#x, %u) outside memory", ptr, len);
  return len ? std::string(reinterpret_cast<const char*>(static_cast<uintptr_t>(ptr)), len) : std::string();
}

// A table loaded natively: the model of what the instance serves.
struct Table {
  std::string text;
  std::unique_ptr<char[]> memory;
  RouteTable table{};
  bool ok = false;
  uint32_t error_line = 0;
  std::string error;

  void load(const std::string& t) {
    text = t;
    for (size_t size = suggested_arena_size(t.size());; size *= 2) {
      memory.reset(new char[size]);
      Arena arena{memory.get(), size, 0};
      LoadError e{};
      ok = parse_route_table(text.data(), text.size(), arena, &table, &e);
      if (ok || !e.out_of_memory) {
        error_line = e.line;
        error.assign(e.message, ok ? 0 : e.message_length);
        return;
      }
    }
  }
};

struct Expected {
  uint16_t status;
  MethodMask allow;
  bool head;
  bool rendered;  // the body has placeholders: it needs memory to render
  bool handler;
  bool has_content_length;
  uint32_t header_set;
  std::string content_type, body, extra, echo;  // extra: the set's fields as "name: value\n" (lowercase names)
};

// The core's answer, called directly (answer_request), as each ABI must give it.
Expected expect(const RouteTable& t, RequestMethod method, const std::string& target,
                const std::vector<HeaderField>& fields = {}, bool handlers = false) {
  uint32_t length = static_cast<uint32_t>(target.size());
  std::vector<char> scratch(length < kMaxTargetLength ? length + 1 : kMaxTargetLength);
  Match match;
  AnswerHead head;
  answer_request(t, method, target.data(), length, scratch.data(), fields.data(), static_cast<uint32_t>(fields.size()),
                 handlers, &match, &head);
  Expected e{};
  e.status = head.status;
  e.allow = head.allow;
  e.head = match.head;
  e.handler = head.handler;
  e.has_content_length = head.has_content_length;
  e.header_set = head.header_set;
  if (!head.handler) {
    const Route& r = *head.route;
    e.rendered = r.parts != nullptr;
    Slice type = t.content_types[head.content_type_id];
    e.content_type.assign(type.data, type.size);
    e.body.resize(body_size(r, match.params));
    render_body(r, match.params, e.body.data(), static_cast<uint32_t>(e.body.size()));
  }
  HeaderField set[kMaxSetFields];
  uint32_t n = header_set_fields(t, head.header_set, set, kMaxSetFields);
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t j = 0; j < set[i].name.size; ++j) e.extra += ascii_lower(set[i].name.data[j]);
    e.extra += ": " + std::string(set[i].value.data, set[i].value.size) + "\n";
  }
  if (head.echo) {
    Slice name = t.needed_headers[t.cors->headers_field];
    e.echo.resize(joined_field_value(fields.data(), static_cast<uint32_t>(fields.size()), name, nullptr, 0));
    joined_field_value(fields.data(), static_cast<uint32_t>(fields.size()), name, e.echo.data(),
                       static_cast<uint32_t>(e.echo.size()));
  }
  return e;
}

std::string allow_text(MethodMask mask) {
  static const char* const kNames[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  std::string out;
  for (int i = 0; i < 7; ++i) {
    if (!(mask & (1u << i))) continue;
    if (!out.empty()) out += ", ";
    out += kNames[i];
  }
  return out;
}

// The compatibility ABI's text answer, built from the documented format.
std::string compat_text(const Expected& e) {
  std::string out = std::to_string(e.status) + "\n";
  if (!e.content_type.empty()) out += "content-type: " + e.content_type + "\n";
  if (e.status == 405 && e.allow) out += "allow: " + allow_text(e.allow) + "\n";
  out += e.extra;
  if (!e.echo.empty()) out += "access-control-allow-headers: " + e.echo + "\n";
  if (e.head && e.has_content_length) out += "content-length: " + std::to_string(e.body.size()) + "\n";
  out += "\n";
  if (!e.head) out += e.body;
  return out;
}

const char kInternalError[] = "Internal Server Error";

class Harness {
 public:
  void begin() {
    hotpath::fuzz::freeze_linear_memory(false);
    if (!builtin_.ok) builtin_.load(std::string(wasm::kEmbeddedRoutes, wasm::kEmbeddedRoutesLength));
    FUZZ_CHECK(builtin_.ok);
    FUZZ_CHECK(load_builtin_routes() == 0);
    live_ = &builtin_;
    generation_ = table_generation();
  }

  void run(uint8_t op, const std::string& payload) {
    char* p = put(payload);
    bool frozen = freeze_next_;
    freeze_next_ = false;
    hotpath::fuzz::freeze_linear_memory(frozen);
    uint32_t n = static_cast<uint32_t>(payload.size());
    switch (op & 7) {
      case 0: check_fast(handle_path(p, n), kGet, payload, frozen, true, false); break;
      case 1: {
        uint32_t code = op >> 3;
        RequestMethod m = code < kRequestMethodCount ? static_cast<RequestMethod>(code) : kOther;
        check_fast(route_request(code, p, n), m, payload, frozen, false, true);
        break;
      }
      case 2: check_compat(handle(p, n), payload, frozen); break;
      case 3: check_load(load_routes(p, n), payload, frozen); break;
      case 4: {
        uint32_t r = load_builtin_routes();
        FUZZ_CHECK(r == 0 || frozen);
        if (r == 0) {
          live_ = &builtin_;
          ++generation_;
        }
        check_table();
        break;
      }
      case 5: out_of_range(op >> 3, payload); break;
      case 6: freeze_next_ = true; break;
      case 7: check_alloc(payload, frozen); break;
    }
    hotpath::fuzz::freeze_linear_memory(false);
    if (live_ == &builtin_) canary_fast();
  }

  void end() {
    hotpath::fuzz::freeze_linear_memory(false);
    freeze_next_ = false;
    FUZZ_CHECK(load_builtin_routes() == 0);
    live_ = &builtin_;
    ++generation_;
    check_table();
    canary_fast();
    FUZZ_CHECK(route_request(1, put("/hello/rai"), 10) == 200);
    FUZZ_CHECK(record().head == 1 && record().body_len == 9);
    FUZZ_CHECK(compat("GET /hello/rai HTTP/1.1\r\nHost: x\r\n\r\n") ==
               "200\ncontent-type: text/plain; charset=utf-8\n\nhello rai");
    FUZZ_CHECK(compat("POST /hello/rai\n") ==
               "405\ncontent-type: text/plain; charset=utf-8\nallow: GET, HEAD\n\nMethod Not Allowed");
  }

 private:
  // Writes bytes into a buffer from alloc(), as the adapters do.
  char* put(const std::string& bytes) {
    uint32_t ptr = alloc(static_cast<uint32_t>(bytes.size()));
    FUZZ_CHECK(ptr != 0, "alloc(%zu) failed with memory free", bytes.size());
    FUZZ_CHECK(static_cast<uint64_t>(ptr) + bytes.size() <= wasm::memory_bytes());
    char* p = reinterpret_cast<char*>(static_cast<uintptr_t>(ptr));
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    return p;
  }

  std::string compat(const std::string& request) {
    int64_t packed = handle(put(request), static_cast<uint32_t>(request.size()));
    return bytes_at(static_cast<uint32_t>(static_cast<uint64_t>(packed) >> 32), static_cast<uint32_t>(packed));
  }

  void canary_fast() {
    int64_t packed = handle_path(put("/hello/rai"), 10);
    FUZZ_CHECK(response_status() == 200, "GET /hello/rai answered %u", response_status());
    FUZZ_CHECK(bytes_at(static_cast<uint32_t>(static_cast<uint64_t>(packed) >> 32), static_cast<uint32_t>(packed)) ==
               "hello rai");
    FUZZ_CHECK(bytes_at(content_type_ptr(record().content_type_id), content_type_len(record().content_type_id)) ==
               "text/plain; charset=utf-8");
  }

  // The record, the packed i64 and the response_* exports agree, and the
  // answer is the core's (or, frozen, the documented 500).
  void check_fast(int64_t packed, RequestMethod method, const std::string& target, bool frozen, bool packed_result,
                  bool handlers) {
    const Record& r = record();
    if (packed_result) {
      FUZZ_CHECK(static_cast<uint64_t>(packed) == ((static_cast<uint64_t>(r.body_ptr) << 32) | r.body_len));
    } else {
      FUZZ_CHECK(static_cast<uint64_t>(packed) == r.status);
    }
    FUZZ_CHECK(response_ptr() == r.body_ptr && response_len() == r.body_len && response_status() == r.status);
    FUZZ_CHECK(r.generation == generation_, "record generation %u, expected %u", r.generation, generation_);
    FUZZ_CHECK(r.content_type_id < content_type_count());
    std::string body = bytes_at(r.body_ptr, r.body_len);
    std::string type = bytes_at(content_type_ptr(r.content_type_id), content_type_len(r.content_type_id));
    Expected e = expect(live_->table, method, target, {}, handlers);
    if (frozen && e.rendered && r.status == 500) {
      FUZZ_CHECK(body == kInternalError && r.allow == 0 && r.content_type_id == 0);
      return;
    }
    FUZZ_CHECK(r.status == e.status && r.allow == e.allow && r.head == (e.head ? 1u : 0u),
               "status %u allow %u head %u, core says %u %u %d", r.status, r.allow, r.head, e.status, e.allow, e.head);
    FUZZ_CHECK(r.handler == (e.handler ? 1u : 0u) && r.header_set == e.header_set && r.echo_len == 0,
               "handler %u set %#x, core says %d %#x", r.handler, r.header_set, e.handler, e.header_set);
    if (e.handler) {
      FUZZ_CHECK(r.body_len == 0 && r.route < live_->table.route_count);
      return;
    }
    FUZZ_CHECK(type == e.content_type, "content type '%s', core says '%s'", type.c_str(), e.content_type.c_str());
    FUZZ_CHECK(body == e.body, "body of %zu bytes differs from the core's %zu", body.size(), e.body.size());
  }

  // The request line as abi/README.md describes it, read independently of
  // abi/compat_format.cpp: METHOD SP TARGET [SP ...] up to "\n" or "\r\n".
  // Header lines "name: value" follow up to an empty line; lines without a
  // colon are skipped; at most kMaxHeaderFields are read.
  Expected expect_compat(const std::string& request) {
    std::string line = request.substr(0, request.find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t m = 0;
    while (m < line.size() && is_tchar(static_cast<unsigned char>(line[m]))) ++m;
    bool ok = m > 0 && m < line.size() && line[m] == ' ';
    std::string target = ok ? line.substr(m + 1, line.find(' ', m + 1) - (m + 1)) : std::string();
    if (!ok || target.empty()) return expect(live_->table, kGet, "");
    header_lines_.clear();
    std::vector<HeaderField> fields;
    size_t at = request.find('\n');
    while (at != std::string::npos && at + 1 < request.size()) {
      size_t stop = request.find('\n', at + 1);
      std::string h = request.substr(at + 1, stop == std::string::npos ? std::string::npos : stop - at - 1);
      if (!h.empty() && h.back() == '\r') h.pop_back();
      if (h.empty()) break;
      size_t colon = h.find(':');
      if (colon != std::string::npos && colon > 0 && fields.size() < kMaxHeaderFields) header_lines_.push_back(h);
      at = stop;
    }
    for (const std::string& h : header_lines_) {
      size_t colon = h.find(':');
      size_t v = colon + 1;
      while (v < h.size() && (h[v] == ' ' || h[v] == '\t')) ++v;
      size_t w = h.size();
      while (w > v && (h[w - 1] == ' ' || h[w - 1] == '\t')) --w;
      if (fields.size() == kMaxHeaderFields) break;
      fields.push_back(HeaderField{Slice{h.data(), static_cast<uint32_t>(colon)},
                                   Slice{h.data() + v, static_cast<uint32_t>(w - v)}});
    }
    return expect(live_->table, request_method_from_token(line.data(), static_cast<uint32_t>(m)), target, fields);
  }

  void check_compat(int64_t packed, const std::string& request, bool frozen) {
    uint32_t ptr = static_cast<uint32_t>(static_cast<uint64_t>(packed) >> 32);
    uint32_t len = static_cast<uint32_t>(packed);
    if (frozen && packed == 0) return;  // documented: the output could not grow
    FUZZ_CHECK(ptr != 0 && len != 0, "handle returned (%#x, %u)", ptr, len);
    std::string text = bytes_at(ptr, len);
    Expected e = expect_compat(request);
    if (frozen && e.rendered && record().status == 500) {
      FUZZ_CHECK(text == (e.head ? "500\ncontent-type: text/plain; charset=utf-8\ncontent-length: 21\n\n"
                                 : "500\ncontent-type: text/plain; charset=utf-8\n\nInternal Server Error"),
                 "%s", text.c_str());
      return;
    }
    std::string want = compat_text(e);
    FUZZ_CHECK(text == want, "handle answered '%s', expected '%s'", text.c_str(), want.c_str());
  }

  void check_load(uint32_t result, const std::string& text, bool frozen) {
    Table* candidate = live_ == &loaded_[0] ? &loaded_[1] : &loaded_[0];
    candidate->load(text);
    std::string message = bytes_at(load_error_ptr(), load_error_len());
    if (result == 0) {
      FUZZ_CHECK(candidate->ok, "load_routes accepted a table the core rejects: %s", candidate->error.c_str());
      FUZZ_CHECK(load_error_len() == 0 && load_error_line() == 0);
      live_ = candidate;
      ++generation_;
    } else {
      FUZZ_CHECK(result == 1);
      // Frozen, the arena may not fit, whatever the table: the documented
      // out-of-memory error (line 0) comes before any parse error.
      bool out_of_memory = load_error_line() == 0 && message.compare(0, 14, "out of memory:") == 0;
      if (!(frozen && out_of_memory)) {
        FUZZ_CHECK(!candidate->ok, "load_routes rejected a table the core loads: %s", message.c_str());
        FUZZ_CHECK(load_error_line() == candidate->error_line && message == candidate->error,
                   "error line %u '%s', core says line %u '%s'", load_error_line(), message.c_str(),
                   candidate->error_line, candidate->error.c_str());
      }
    }
    check_table();
  }

  void check_table() {
    FUZZ_CHECK(table_generation() == generation_);
    const RouteTable& t = live_->table;
    FUZZ_CHECK(route_count() == t.route_count);
    FUZZ_CHECK(content_type_count() == t.content_type_count);
    for (uint32_t id = 0; id < t.content_type_count; ++id) {
      FUZZ_CHECK(bytes_at(content_type_ptr(id), content_type_len(id)) ==
                 std::string(t.content_types[id].data, t.content_types[id].size));
    }
    FUZZ_CHECK(content_type_ptr(t.content_type_count) == 0 && content_type_len(t.content_type_count) == 0);
  }

  // A (ptr, len) that ends past the top of memory: 400, or an error for
  // load_routes, and no byte of it read.
  void out_of_range(uint32_t which, const std::string& payload) {
    uint64_t top = wasm::memory_bytes();
    uint32_t back = payload.empty() ? 0 : static_cast<uint8_t>(payload[0]) % 64;
    const char* p = reinterpret_cast<const char*>(static_cast<uintptr_t>(top - back));
    uint32_t n = back + 1 + (payload.size() > 1 ? static_cast<uint8_t>(payload[1]) : 0);
    if (which & 8) {  // the largest u32 range
      p = reinterpret_cast<const char*>(uintptr_t{0xFFFFFFFFu});
      n = 0xFFFFFFFFu;
    }
    switch (which & 3) {
      // The host's mistake, not the client's: a plain 400 (no directives).
      case 0: handle_path(p, n); check_host_error(); break;
      case 1: FUZZ_CHECK(route_request(0, p, n) == 400); check_host_error(); break;
      case 2: {
        int64_t packed = handle(p, n);
        std::string text = bytes_at(static_cast<uint32_t>(static_cast<uint64_t>(packed) >> 32), static_cast<uint32_t>(packed));
        FUZZ_CHECK(text == "400\ncontent-type: text/plain; charset=utf-8\n\nBad Request", "%s", text.c_str());
        break;
      }
      case 3:
        FUZZ_CHECK(load_routes(p, n) == 1);
        FUZZ_CHECK(bytes_at(load_error_ptr(), load_error_len()) == "route table is outside wasm memory");
        check_table();
        break;
    }
    FUZZ_CHECK(record().status == 400 || (which & 3) == 3);
  }

  void check_host_error() {
    const Record& r = record();
    FUZZ_CHECK(r.status == 400 && r.header_set == 0 && r.handler == 0 && r.allow == 0 && r.content_type_id == 0);
    FUZZ_CHECK(bytes_at(r.body_ptr, r.body_len) == "Bad Request" && r.generation == generation_);
  }

  void check_alloc(const std::string& payload, bool frozen) {
    uint32_t size = 0;
    for (size_t i = 0; i < 4 && i < payload.size(); ++i) size |= static_cast<uint32_t>(static_cast<uint8_t>(payload[i])) << (8 * i);
    if (!(size & 0x80000000u)) size %= (1u << 20) + 1;  // keep what the instance holds small
    uint32_t ptr = alloc(size);
    if (size > 0x7FFFFFFFu) {
      FUZZ_CHECK(ptr == 0, "alloc(%#x) must fail", size);
      return;
    }
    if (ptr == 0) {
      FUZZ_CHECK(frozen, "alloc(%u) failed with memory free", size);
      return;
    }
    FUZZ_CHECK(ptr % 16 == 0 && static_cast<uint64_t>(ptr) + size <= wasm::memory_bytes());
    std::memset(reinterpret_cast<char*>(static_cast<uintptr_t>(ptr)), 0xA5, size);  // all of it is the caller's
  }

  std::vector<std::string> header_lines_;  // backs the fields of expect_compat
  Table builtin_;
  Table loaded_[2];
  Table* live_ = &builtin_;
  uint32_t generation_ = 0;
  bool freeze_next_ = false;
};

Harness& harness() {
  static Harness* h = new Harness();
  return *h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness& h = harness();
  h.begin();
  size_t i = 0;
  for (int calls = 0; i < size && calls < 32; ++calls) {
    uint8_t op = data[i++];
    size_t length = 0;
    if (i < size) length |= data[i++];
    if (i < size) length |= static_cast<size_t>(data[i++]) << 8;
    if (length > size - i) length = size - i;
    h.run(op, std::string(reinterpret_cast<const char*>(data) + i, length));
    i += length;
  }
  h.end();
  return 0;
}
