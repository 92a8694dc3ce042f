#include "route_answers.h"

namespace hotpath::native {

AnswerPlan RouteAnswers::answer(const Request& request, std::string& out) {
  // Read once per request: a reload between two requests is seen by the
  // next one. The table stays valid until this event loop's next quiescent
  // point (RouteTables), long after this answer is written.
  const LoadedRoutes& routes = tables_.current();
  Match match;
  AnswerHead head;
  answer_request(routes.table, request.method, request.path, request.path_length, scratch_, request.fields,
                 request.field_count, false, &match, &head);
  append_answer(out, routes, head, match, request.fields, request.field_count, date_, request.options);
  return AnswerPlan{};
}

}  // namespace hotpath::native
