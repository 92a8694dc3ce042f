#include "route_answers.h"

namespace hotpath::native {

AnswerPlan RouteAnswers::answer(const Request& request, std::string& out) {
  // Read once per request: a reload between two requests is seen by the
  // next one. The table stays valid until this event loop's next quiescent
  // point (RouteTables), long after this answer is written; a forwarded
  // request copies what its answer needs from it (FallbackProxy), so it
  // keeps the route it had whatever reloads come before its answer.
  const LoadedRoutes& routes = tables_.current();
  Match match;
  AnswerHead head;
  answer_request(routes.table, request.method, request.path, request.path_length, scratch_, request.fields,
                 request.field_count, proxy_ != nullptr, &match, &head);
  if (head.handler) return proxy_->forward(request, routes, head, match, out);
  append_answer(out, routes, head, match, request.fields, request.field_count, date_, request.options);
  return AnswerPlan{};
}

void RouteAnswers::body(Http1Session& session, uint64_t sequence, const char* data, size_t length) {
  if (proxy_) proxy_->body(session, sequence, data, length);
}

void RouteAnswers::body_end(Http1Session& session, uint64_t sequence) {
  if (proxy_) proxy_->body_end(session, sequence);
}

void RouteAnswers::cancel(Http1Session& session, uint64_t sequence) {
  if (proxy_) proxy_->cancel(session, sequence);
}

}  // namespace hotpath::native
