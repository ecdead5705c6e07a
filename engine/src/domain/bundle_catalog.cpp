// What a bundle declares (bundle_catalog.h), read from the loaded manifest and route table.
#include "cordon/bundle_catalog.h"

#include "domain/bundle_data.h"
#include "routes/route_table.h"

namespace cordon {

std::vector<std::string> audit_actions(const Bundle& bundle) {
  const auto& actions = bundle.data().manifest.audit_actions;
  return {actions.begin(), actions.end()};
}

bool has_audit_action(const Bundle& bundle, std::string_view action) {
  const auto& actions = bundle.data().manifest.audit_actions;
  return actions.find(std::string(action)) != actions.end();
}

std::vector<RateLimitClass> rate_limit_classes(const Bundle& bundle) {
  std::vector<RateLimitClass> out;
  for (const auto& [name, spec] : bundle.data().manifest.rate_limits)
    out.push_back({name, spec.window_seconds, spec.max});
  return out;
}

std::optional<RateLimitClass> rate_limit_class(const Bundle& bundle, std::string_view name) {
  const auto& limits = bundle.data().manifest.rate_limits;
  auto it = limits.find(std::string(name));
  if (it == limits.end()) return std::nullopt;
  return RateLimitClass{it->first, it->second.window_seconds, it->second.max};
}

std::vector<CredentialInfo> credentials(const Bundle& bundle) {
  std::vector<CredentialInfo> out;
  for (const auto& [name, spec] : bundle.data().manifest.credentials)
    out.push_back({name, spec.kind});
  return out;
}

std::vector<RouteSummary> route_summaries(const Bundle& bundle) {
  std::vector<RouteSummary> out;
  if (!bundle.data().routes) return out;
  for (const auto& route : bundle.data().routes->routes()) {
    RouteSummary summary;
    summary.pattern = route.pattern;
    summary.action = route.action;
    summary.tenant = route.tenant.to_string();
    summary.session_required = route.session_required;
    summary.credential = route.credential;
    summary.audit = route.audit;
    summary.rate_limit = route.rate_limit;
    summary.scrub_profile = route.scrub_profile;
    summary.description = route.description;
    out.push_back(std::move(summary));
  }
  return out;
}

}  // namespace cordon
