// hotpath-server's answer step: every request routed by the current route
// table (RouteTables) and answered from its Match (response_writer.h).
#pragma once
#include <cstdint>
#include <string>

#include "http1_session.h"
#include "limits.h"
#include "route_tables.h"

namespace hotpath::native {

class RouteAnswers final : public AnswerStep {
 public:
  RouteAnswers(const RouteTables& tables, DateHeader& date) : tables_(tables), date_(date) {}
  AnswerPlan answer(const Request& request, std::string& out) override;

 private:
  const RouteTables& tables_;
  DateHeader& date_;
  char scratch_[kParamScratchBytes];  // decoded parameters of the request being answered
};

}  // namespace hotpath::native
