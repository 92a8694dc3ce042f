// hotpath-server's answer step: every request routed by the current route
// table (RouteTables) and answered from its Match (response_writer.h), or,
// for a handler route, forwarded to its fallback (FallbackProxy).
#pragma once
#include <cstdint>
#include <string>

#include "fallback_proxy.h"
#include "http1_session.h"
#include "limits.h"
#include "route_tables.h"

namespace hotpath::native {

class RouteAnswers final : public AnswerStep {
 public:
  // Without a proxy, handler routes answer 502 (the core's answer for a
  // host that runs no handlers).
  RouteAnswers(const RouteTables& tables, DateHeader& date, FallbackProxy* proxy = nullptr)
      : tables_(tables), date_(date), proxy_(proxy) {}
  AnswerPlan answer(const Request& request, std::string& out) override;
  void body(Http1Session& session, uint64_t sequence, const char* data, size_t length) override;
  void body_end(Http1Session& session, uint64_t sequence) override;
  void cancel(Http1Session& session, uint64_t sequence) override;

 private:
  const RouteTables& tables_;
  DateHeader& date_;
  FallbackProxy* proxy_;
  char scratch_[kParamScratchBytes];  // decoded parameters of the request being answered
};

}  // namespace hotpath::native
