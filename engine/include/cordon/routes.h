// Route decisions: may this session call this route on this surface, and what must
// the caller do about it (status, redirect, audit entry, rate limit, scrubbing)?
//
//   auto request = cordon::RouteRequest::from_json(R"({"method": "GET",
//       "path": "/api/dashboard/acme", "surface": "mobile",
//       "session": {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"}})");
//   cordon::RouteDecision d = cordon::decide_route(bundle, *request);
//   d.allow; d.status; d.obligations.scrub_profile; d.explanation;
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cordon/authorizer.h"
#include "cordon/bundle.h"

namespace cordon {

struct Session {
  std::string user;
  std::vector<std::string> roles;
  std::string tenant;
  std::string status;  // "active", "disabled", ...
};

struct RouteRequest {
  std::string method;
  std::string path;                          // without the query string
  std::map<std::string, std::string> query;  // decoded query parameters
  std::optional<Session> session;
  std::string surface;
  // What the caller verified for each credential it checked: "valid", "invalid",
  // "missing" (not presented) or "unset" (no secret configured on the server).
  std::map<std::string, std::string> credentials;

  // {"method","path","query"?,"session"?,"surface","credentials"?}; "path" may carry a
  // query string, which is then decoded into `query`.
  static Result<RouteRequest> from_json(std::string_view json);
};

struct DeterminingPolicy {
  std::string id;
  std::string effect;   // "permit" or "forbid"
  std::string message;  // the policy's @message, if any
};

struct Obligations {
  // Audit entries to write, in order: the route's `audit` (on allow), then each distinct
  // @audit of the determining policies. Empty: no audit entry required.
  std::vector<std::string> audit_actions;
  std::string rate_limit;
  std::string scrub_profile;
  std::string credential;
  bool revoke_session = false;
};

struct RouteDecision {
  bool allow = false;
  int status = 403;
  std::string redirect;
  std::string route;   // the matched pattern, "GET /api/dashboard/:tenantId"; empty if none
  std::string action;  // the Cedar action
  std::string tenant;
  std::map<std::string, std::string> params;
  std::vector<DeterminingPolicy> determining;
  std::vector<PolicyError> errors;
  Obligations obligations;
  std::vector<std::string> explanation;  // sentences an auditor can read

  // The Cedar call the decision made, when decide_route was asked for it (RouteOptions) and
  // the decision got as far as asking Cedar (empty otherwise: no route, no session, ...).
  // JSON text in the shape of @cedar-policy/cedar-wasm's isAuthorized call without its
  // policies: {"principal", "action", "resource", "context", "entities"}, the entities being
  // the bundle's plus the session's user. Replayed in any Cedar against the policies of
  // route_policies_text(), it gets Cedar's allow/deny, which is `allow` unless a forbid
  // policy errored (then the route decision denies, failing closed). Not part of to_json().
  std::string cedar_call;

  std::string to_json() const;
};

struct RouteOptions {
  bool record_cedar_call = false;  // fill RouteDecision::cedar_call
};

RouteDecision decide_route(const Bundle& bundle, const RouteRequest& request);
RouteDecision decide_route(const Bundle& bundle, const RouteRequest& request,
                           const RouteOptions& options);

// The Cedar text of the policies that route decisions evaluate (every policy of the bundle
// but the @gate ones), in bundle order, each cut from `files` (the files the bundle was
// loaded from) from its first token up to the next policy of its file. Parsed as a policy
// set, it holds the same policies, named policy0..N by position as Cedar names them. Fails
// when `files` lacks a policy file of the bundle or it no longer parses to the same policies.
Result<std::string> route_policies_text(const Bundle& bundle, const BundleFiles& files);

// The access matrix: for each role and route, whether a user with that role (of the
// route's tenant, active, on `surface`) is allowed, denied, or "conditional" (the answer
// depends on the tenant or the credential).
struct AccessMatrix {
  std::string bundle;  // the bundle's name and revision, for the renderings' titles
  std::string revision;
  std::string surface;
  std::vector<std::string> roles;
  std::vector<std::string> routes;
  std::vector<std::string> actions;             // [route]: the route's Cedar action
  std::vector<std::vector<std::string>> cells;  // [route][role]: "allow", "deny", "conditional"
  std::vector<std::vector<std::string>> notes;  // [route][role]: what a conditional cell depends on
  std::string to_markdown() const;
  std::string to_csv() const;
  std::string to_html() const;  // a self-contained page
  std::string to_json() const;
};

// A surface the manifest does not declare denies every cell (domain_json::access_matrix
// refuses it instead).
AccessMatrix access_matrix(const Bundle& bundle, std::string_view surface = "desktop");

}  // namespace cordon
