// What a loaded bundle declares, for the services built around its decisions: the audit
// log's enumerated actions, the rate-limit classes, the credentials and the route table.
// The native server library (audit log, rate limiter) reads its vocabulary from here, so
// a typo in an audit action or a rate-limit class is refused rather than stored.
//
//   auto actions = cordon::audit_actions(bundle);         // {"audit.export", "tenant.export", ...}
//   auto proxy = cordon::rate_limit_class(bundle, "proxy");  // {window_seconds: 60, max: 120}
//   for (const auto& route : cordon::route_summaries(bundle))
//     if (route.rate_limit.empty()) std::cout << route.pattern << " has no limiter\n";
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/bundle.h"

namespace cordon {

// bundle.json's audit_actions, sorted.
std::vector<std::string> audit_actions(const Bundle& bundle);
bool has_audit_action(const Bundle& bundle, std::string_view action);

struct RateLimitClass {
  std::string name;
  int64_t window_seconds = 0;
  int64_t max = 0;  // requests per window and identifier
};

// bundle.json's rate_limits, sorted by name; one class, or nothing when it is not declared.
std::vector<RateLimitClass> rate_limit_classes(const Bundle& bundle);
std::optional<RateLimitClass> rate_limit_class(const Bundle& bundle, std::string_view name);

struct CredentialInfo {
  std::string name;
  std::string kind;  // "bearer", "webhook" or "secret"
};

// bundle.json's credentials, sorted by name.
std::vector<CredentialInfo> credentials(const Bundle& bundle);

// One route of routes.json, in the file's order; empty strings where the route names none.
struct RouteSummary {
  std::string pattern;  // "GET /api/tenants/:tenantId/dashboard"
  std::string action;
  std::string tenant;  // "session", "path:tenantId", "query:tenant", "none"
  bool session_required = true;
  std::string credential;
  std::string audit;
  std::string rate_limit;
  std::string scrub_profile;
  std::string description;
};

std::vector<RouteSummary> route_summaries(const Bundle& bundle);

}  // namespace cordon
