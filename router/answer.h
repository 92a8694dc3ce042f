// What goes in the head of an answer: status, content type, Content-Length
// or none, Allow, the directives' extra fields, and whether a body is sent.
// Decided here once for every host: the native server writes it as
// HTTP/1.1, the compatibility ABI as its text form, and the fast ABI hands it
// to JavaScript in the response record. The rules are those of
// tests/vectors/README.md ("Rendering", "Directives", "Handler routes").
#pragma once
#include <stdint.h>

#include "directive.h"
#include "match.h"
#include "table.h"

namespace hotpath {

struct AnswerHead {
  uint16_t status;
  const Route* route;        // renders the body, with the match's parameters (a table or built-in route)
  uint32_t content_type_id;  // index in RouteTable::content_types
  Slice content_type;        // size 0: send no Content-Type
  bool has_content_length;   // false for 204 and 304 (RFC 9110 section 8.6)
  uint32_t content_length;   // the body's size; for HEAD, the GET body's
  bool send_body;            // false for HEAD, 204 and 304, and for an empty body
  MethodMask allow;          // 405: the methods for Allow; 0 otherwise
  uint32_t header_set;       // extra fields (header_set_fields); 0: none
  bool echo;                 // also Access-Control-Allow-Headers: the request's Access-Control-Request-Headers
  // A handler route whose directives let the request through: the host's
  // handler answers, and header_set applies to its answer (status, content
  // type and body here are unset).
  bool handler;
};

// `handlers`: whether the host runs handler routes. One that does not
// answers them 502 (the router has no answer of its own for them).
void describe_answer(const RouteTable& table, const Match& match, const DirectiveOutcome& directives,
                     bool handlers, AnswerHead* head);

// match_request, evaluate_directives and describe_answer in one call.
// `fields`: the request's header fields (only RouteTable::needed_headers
// are read; pass none when the table needs none).
void answer_request(const RouteTable& table, RequestMethod method, const char* target, uint32_t target_length,
                    char* scratch, const HeaderField* fields, uint32_t field_count, bool handlers, Match* match,
                    AnswerHead* head);

// The reason phrase of a status (RFC 9110 section 15), "" for one without.
// The router's and the HTTP layer's own answers use it as their body
// ("Not Found", "Content Too Large", ...).
const char* reason_phrase(uint16_t status);

// The built-in answers the directives and hosts give.
const Route& unauthorized_route();   // 401 Unauthorized
const Route& preflight_route();      // 204, no content type, no body
const Route& bad_gateway_route();    // 502 Bad Gateway

}  // namespace hotpath
