// Internal to the table loader (table.cpp, table_directives.cpp): the parser
// state shared by the route lines and the directive lines.
#pragma once
#include <stdint.h>

#include "arena.h"
#include "message.h"
#include "table.h"
#include "trie.h"

namespace hotpath::detail {

// Fields of one line, split on tabs. `count` is the real number of fields;
// only the first kMaxLineFields are kept.
constexpr uint32_t kMaxLineFields = 8;
// Distinct request header names the directives read (3 for CORS, one per
// REQUIRE_HEADER name).
constexpr uint32_t kMaxNeededHeaders = 64;
struct LineFields {
  Slice field[kMaxLineFields];
  uint32_t count;
};

// A ROUTE_MIDDLEWARE step, kept until every route is known (the line may
// come before the route it names).
struct PendingStep {
  uint32_t route_index;
  const Directive* directive;
  PendingStep* next;
};

struct Parser {
  Arena& arena;
  LoadError* error;
  uint32_t line = 0;
  Node* root = nullptr;
  ChildIndex children{nullptr, 0};
  Route* first = nullptr;
  Route* last = nullptr;
  uint32_t count = 0;
  // Directives.
  const Directive* middleware[kMaxChainSteps] = {};
  uint32_t middleware_count = 0;
  uint32_t middleware_lines[kMaxChainSteps] = {};
  PendingStep* pending_first = nullptr;
  PendingStep* pending_last = nullptr;
  const CorsPolicy* cors = nullptr;
  uint32_t cors_line = 0;
  Slice needed[kMaxNeededHeaders] = {};
  uint32_t needed_count = 0;
  uint32_t handler_count = 0;

  // Starts "line N: " and returns the writer for the reason.
  MessageWriter fail();
  bool finish(MessageWriter& w);
  // Fails with "BEFORE 'QUOTED'AFTER".
  bool fail_quoting(const char* before, Slice quoted, const char* after);
  bool out_of_memory();
  char* copy(Slice s);

  bool parse_line(Slice line_text);
  // METHOD PATH STATUS CONTENT-TYPE [BODY], from fields[first].
  bool parse_route(const LineFields& f, uint32_t first);
  // PROXY METHOD PATH, PROXY_UNIX METHOD PATH SOCKET, PROXY_TCP METHOD PATH HOST:PORT (or HOST PORT).
  bool parse_handler_route(const LineFields& f);
  bool parse_middleware(const LineFields& f);
  bool parse_route_middleware(const LineFields& f);
  // HEADER / REQUIRE_HEADER NAME VALUE into *d (validated, copied).
  bool parse_header_step(bool header, Slice name, Slice value, Directive* d);
  bool parse_cors(const LineFields& f, CorsPolicy* policy);
  // Adds a parsed route to the tree and the line-order list.
  bool add_route(Route* route, const PatternSegment* segments, uint32_t segment_count);
  bool parse_status(Slice field, uint16_t* status);
  bool parse_content_type(Slice field, uint16_t status);
  bool parse_body(Slice field, Route* route);
  // PATH into segments and the names of its captures (table_path.cpp).
  bool parse_path(Slice path, PatternSegment* segments, uint32_t* segment_count, Slice* names,
                  uint32_t* name_count);
  bool parse_segment(Slice text, bool last, PatternSegment* seg, Slice* names, uint32_t* params);
  // After the last line: ROUTE_MIDDLEWARE steps onto their routes.
  bool attach_route_middleware(Route** by_index);
  // A lowercase copy of a needed request header name; returns its index.
  bool need_header(Slice name, uint32_t* index);
};

bool is_blank(Slice s);
bool is_identifier(Slice s);

}  // namespace hotpath::detail
