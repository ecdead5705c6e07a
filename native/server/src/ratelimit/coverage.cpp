// Which routes of a bundle have a rate limiter (rate_limiter.h).
#include <set>

#include <nlohmann/json.hpp>

#include "cordon/server/rate_limiter.h"

namespace cordon::server {

RateLimitCoverage rate_limit_coverage(const Bundle& bundle) {
  RateLimitCoverage coverage;
  coverage.classes = rate_limit_classes(bundle);
  std::set<std::string> used;
  for (const RouteSummary& route : route_summaries(bundle)) {
    coverage.routes.push_back(
        {route.pattern, route.action, route.rate_limit, route.credential, route.session_required});
    if (route.rate_limit.empty())
      ++coverage.uncovered;
    else
      used.insert(route.rate_limit);
  }
  for (const auto& c : coverage.classes)
    if (!used.count(c.name)) coverage.unused_classes.push_back(c.name);
  return coverage;
}

std::string RateLimitCoverage::to_json() const {
  nlohmann::ordered_json out;
  out["routes"] = nlohmann::ordered_json::array();
  for (const Row& row : routes) {
    out["routes"].push_back(
        {{"route", row.route},
         {"action", row.action},
         {"rateLimit", row.rate_limit.empty() ? nlohmann::ordered_json()
                                              : nlohmann::ordered_json(row.rate_limit)},
         {"credential", row.credential.empty() ? nlohmann::ordered_json()
                                               : nlohmann::ordered_json(row.credential)},
         {"sessionRequired", row.session_required}});
  }
  out["classes"] = nlohmann::ordered_json::array();
  for (const auto& c : classes)
    out["classes"].push_back(
        {{"name", c.name}, {"windowSeconds", c.window_seconds}, {"max", c.max}});
  out["unusedClasses"] = unused_classes;
  out["covered"] = routes.size() - uncovered;
  out["uncovered"] = uncovered;
  return out.dump();
}

std::string RateLimitCoverage::to_markdown() const {
  std::string out = "| route | action | rate limit | credential |\n| --- | --- | --- | --- |\n";
  for (const Row& row : routes) {
    out += "| `" + row.route + "` | " + row.action + " | " +
           (row.rate_limit.empty() ? std::string("**none**") : row.rate_limit) + " | " +
           (row.credential.empty() ? std::string("") : row.credential) + " |\n";
  }
  out += "\n" + std::to_string(routes.size() - uncovered) + " of " + std::to_string(routes.size()) +
         " routes have a rate limiter; " + std::to_string(uncovered) + " have none.\n";
  if (!classes.empty()) {
    out += "Classes:";
    for (size_t i = 0; i < classes.size(); ++i)
      out += std::string(i ? "," : "") + " " + classes[i].name + " (" +
             std::to_string(classes[i].max) + " per " + std::to_string(classes[i].window_seconds) +
             " s)";
    out += ".\n";
  }
  if (!unused_classes.empty()) {
    out += "Declared but named by no route:";
    for (const auto& name : unused_classes) out += " " + name;
    out += ".\n";
  }
  return out;
}

}  // namespace cordon::server
