// The route table of a bundle (routes.json): which Cedar action each HTTP route is,
// where its tenant comes from, whether it needs a session or a credential, and what
// the caller must do when it is allowed (audit, rate limit, scrub profile).
//
//   auto table = cordon::domain::parse_route_table(doc, context);   // routes.json, located
//   auto match = (*table)->match("GET", {"api", "tenants", "acme", "dashboard"});
//   match->route->action;          // "view_dashboard"
//   match->params.at("tenantId");  // "acme"
//
// Patterns: `:name` matches one segment and binds it, `*` matches one segment, `**`
// (last only) matches the rest (zero or more segments). The most specific route wins:
// segment by segment a literal beats `:param` beats `*` beats `**` (and a pattern that
// ends beats `**`); with equal paths an exact method beats `*`. Two routes that would
// tie are a bundle error, so a match is never ambiguous.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cedar/policy_set_data.h"
#include "domain/bundle_data.h"
#include "text/utf8.h"

namespace cordon::domain {

struct RouteSegment {
  enum class Kind : uint8_t { literal, param, any, rest };  // "x", ":x", "*", "**"
  Kind kind = Kind::literal;
  std::string text;  // the literal, or the parameter's name
};

struct TenantSource {
  enum class Kind : uint8_t { session, path, query, none };
  Kind kind = Kind::session;
  std::string name;               // the path parameter or query parameter
  std::string to_string() const;  // "session", "path:tenantId", "query:tenant", "none"
};

struct Route {
  std::string pattern;  // "GET /api/tenants/:tenantId/dashboard"
  std::string method;   // "GET" or "*"
  std::vector<RouteSegment> segments;
  std::string action;
  TenantSource tenant;
  bool session_required = true;
  std::string credential;  // empty: none required
  std::string audit;       // empty: no audit entry
  std::string rate_limit;
  std::string scrub_profile;
  std::string description;  // for people: the explanation and the access matrix show it
  SourceLocation location;  // of the route's "route" value
};

// What the route decision reads from a policy's annotations, checked when the table loads.
struct PolicyOutcome {
  bool forbid = false;
  std::string message;                   // @message
  int status = 0;                        // @status, 0 when absent
  std::string redirect;                  // @redirect
  std::vector<std::string> obligations;  // @obligation (only "revoke_session" today)
  std::string audit;                     // @audit
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
};

class RouteTable {
 public:
  RouteTable(std::vector<Route> routes, detail::PolicySetData route_policies,
             std::unordered_map<std::string, PolicyOutcome> outcomes);

  const std::vector<Route>& routes() const { return routes_; }

  // The most specific route for a method and a decoded path (segments without '/').
  std::optional<RouteMatch> match(std::string_view method,
                                  const std::vector<std::string>& segments) const;

  // The bundle's policies that decide routes: all but the @gate ones (workflow
  // preconditions, which check_gate evaluates with the workflow's facts).
  const detail::PolicySetData& route_policies() const { return route_policies_; }

  // The annotations of a policy in route_policies(); null for an unknown id.
  const PolicyOutcome* outcome(const std::string& policy_id) const;

 private:
  std::vector<Route> routes_;
  detail::PolicySetData route_policies_;
  std::unordered_map<std::string, PolicyOutcome> outcomes_;
};

// Obligations a policy may name with @obligation("...").
inline constexpr std::string_view kRevokeSession = "revoke_session";

// Splits a request path into decoded segments: percent-escapes are decoded per segment
// (so "%2F" stays inside its segment), one trailing '/' is ignored. Fails on a path that
// does not start with '/', an empty segment, "." or "..", a bad escape, a control
// character or invalid UTF-8: such a path could be read differently by the application.
Result<std::vector<std::string>> split_request_path(std::string_view path);

using text::is_valid_utf8;

}  // namespace cordon::domain
