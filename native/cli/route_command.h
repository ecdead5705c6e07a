// `cordon route` and `cordon explain`: route decisions for requests given as JSON lines.
//
//   $ cordon route --pretty < policies/elaygent/examples/routes.jsonl
//   ALLOW 200  GET /api/tenants/acme/dashboard (mobile)  route GET /api/tenants/:tenantId/...
//   $ cordon explain < requests.jsonl     # the explanation sentences of each decision
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kRouteHelp[];
extern const char kExplainHelp[];

int run_route(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
              std::ostream& err);
int run_explain(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err);

}  // namespace cordon::cli
