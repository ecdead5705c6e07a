// Route decisions: match the request to a route, build the Cedar request (the session's
// user or the route's credential; the route's tenant or the platform; the request as
// context), ask the bundle's policies, and turn the answer and the determining policies'
// annotations into an HTTP status, a redirect, obligations and sentences for an auditor.
#include <algorithm>

#include "cedar/authorize.h"
#include "cordon/routes.h"
#include "domain/session_principal.h"
#include "routes/route_evaluation.h"
#include "routes/route_table.h"

namespace cordon {

using json::LocatedJson;
using nlohmann::ordered_json;

namespace {

constexpr const char* kCredentialStates[] = {"valid", "invalid", "missing", "unset"};

bool known_credential_state(const std::string& state) {
  for (const char* s : kCredentialStates)
    if (state == s) return true;
  return false;
}

Error request_error(const LocatedJson& doc, const std::string& pointer, std::string message) {
  return doc.error(pointer, std::move(message), ErrorKind::domain);
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string ticked(const std::string& s) {
  return "`" + s + "`";
}

std::string joined(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + ticked(item);
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of one name or value.
bool form_decode(std::string_view raw, std::string& out) {
  out.clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '+') {
      out += ' ';
    } else if (raw[i] == '%') {
      int hi = i + 2 < raw.size() ? hex_digit(raw[i + 1]) : -1;
      int lo = i + 2 < raw.size() ? hex_digit(raw[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += raw[i];
    }
  }
  return domain::is_valid_utf8(out);
}

// Adds a query string's parameters. A repeated name is an error: with two values the
// engine and the application could each read a different one (parameter pollution).
std::optional<std::string> add_query_string(std::string_view text,
                                            std::map<std::string, std::string>& query) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    std::string_view pair = text.substr(start, end == std::string_view::npos ? end : end - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string name, value;
      if (!form_decode(pair.substr(0, eq), name) ||
          (eq != std::string_view::npos && !form_decode(pair.substr(eq + 1), value)))
        return "the query string has a bad percent-escape or is not UTF-8 once decoded";
      if (!query.emplace(name, value).second)
        return "the query parameter `" + name + "` appears more than once";
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

std::string describe_rate_limit(const domain::Manifest& manifest, const std::string& name) {
  auto it = manifest.rate_limits.find(name);
  if (it == manifest.rate_limits.end()) return ticked(name);
  return ticked(name) + " (at most " + std::to_string(it->second.max) + " requests per " +
         std::to_string(it->second.window_seconds) + " seconds per identifier)";
}

// Builds decisions and the sentences that explain them.
class DecisionBuilder {
 public:
  explicit DecisionBuilder(RouteDecision& d) : d_(d) {}
  void say(std::string sentence) { d_.explanation.push_back(std::move(sentence)); }

  // A deny decided before Cedar was asked (malformed request, no session, no tenant).
  RouteDecision& refuse(int status, std::string why) {
    d_.allow = false;
    d_.status = status;
    say(std::move(why));
    say("Decision: deny (" + std::to_string(status) + ").");
    return d_;
  }

  // What the caller must do, one sentence each; the last sentences of every decision.
  RouteDecision& obligations(const domain::Manifest& manifest) {
    const Obligations& o = d_.obligations;
    for (const auto& audit : o.audit_actions)
      say("Obligation: write the audit entry " + ticked(audit) + ".");
    if (!o.rate_limit.empty())
      say("Obligation: count the request against the rate limit " +
          describe_rate_limit(manifest, o.rate_limit) + ".");
    if (!o.scrub_profile.empty())
      say("Obligation: scrub the response with the field-mask profile " + ticked(o.scrub_profile) +
          ".");
    if (o.revoke_session) say("Obligation: revoke the user's session (sign the user out).");
    return d_;
  }

 private:
  RouteDecision& d_;
};

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end())
    list.push_back(item);
}

}  // namespace

Result<RouteRequest> RouteRequest::from_json(std::string_view text) {
  auto parsed = LocatedJson::parse(text, "route request");
  if (!parsed) return parsed.error();
  const LocatedJson& doc = *parsed;
  const nlohmann::json& root = doc.root();
  if (!root.is_object())
    return request_error(doc, "", "a route request is an object {\"method\", \"path\", ...}");
  RouteRequest out;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string at = LocatedJson::child("", it.key());
    const nlohmann::json& v = it.value();
    if (it.key() == "method" || it.key() == "path" || it.key() == "surface") {
      if (!v.is_string() || v.get_ref<const std::string&>().empty())
        return request_error(doc, at, "`" + it.key() + "` must be a non-empty string");
      const std::string& s = v.get_ref<const std::string&>();
      if (it.key() == "method") out.method = upper(s);
      if (it.key() == "surface") out.surface = s;
      if (it.key() == "path") {
        if (s.find('#') != std::string::npos)
          return request_error(doc, at, "the path has a fragment (`#`); servers never see one");
        auto q = s.find('?');
        out.path = s.substr(0, q);
        if (q != std::string::npos)
          if (auto error = add_query_string(std::string_view(s).substr(q + 1), out.query))
            return request_error(doc, at, *error);
      }
    } else if (it.key() == "query") {
      if (!v.is_object()) return request_error(doc, at, "`query` must be an object of strings");
      for (auto q = v.begin(); q != v.end(); ++q) {
        if (!q.value().is_string())
          return request_error(doc, LocatedJson::child(at, q.key()),
                               "query parameter `" + q.key() + "` must be a string");
        if (!out.query.emplace(q.key(), q.value().get<std::string>()).second)
          return request_error(
              doc, LocatedJson::child(at, q.key()),
              "the query parameter `" + q.key() + "` is given both in the path and in `query`");
      }
    } else if (it.key() == "session") {
      if (v.is_null()) continue;  // no session, said explicitly
      auto session = routes::session_from_json(doc, at);
      if (!session) return session.error();
      out.session = std::move(session).value();
    } else if (it.key() == "credentials") {
      if (!v.is_object())
        return request_error(doc, at, "`credentials` must be an object {name: state}");
      for (auto c = v.begin(); c != v.end(); ++c) {
        if (!c.value().is_string() || !known_credential_state(c.value().get<std::string>()))
          return request_error(doc, LocatedJson::child(at, c.key()),
                               "credential `" + c.key() +
                                   "` must be \"valid\", \"invalid\", \"missing\" or \"unset\"");
        out.credentials.emplace(c.key(), c.value().get<std::string>());
      }
    } else {
      return doc.key_error(at,
                           "unknown key `" + it.key() +
                               "` (expected method, path, query, session, surface, credentials)",
                           ErrorKind::domain);
    }
  }
  for (const char* required : {"method", "path", "surface"})
    if (!root.contains(required))
      return request_error(doc, "", "a route request needs `" + std::string(required) + "`");
  return out;
}

namespace routes {

Result<Session> session_from_json(const LocatedJson& doc, const std::string& pointer) {
  const nlohmann::json& v = doc.root().at(nlohmann::json::json_pointer(pointer));
  if (!v.is_object())
    return request_error(doc, pointer,
                         "a session is an object {\"user\", \"roles\", \"tenant\", \"status\"}");
  Session session;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string at = LocatedJson::child(pointer, it.key());
    const nlohmann::json& field = it.value();
    if (it.key() == "user" || it.key() == "status" || it.key() == "tenant") {
      if (!field.is_string())
        return request_error(doc, at, "the session's `" + it.key() + "` must be a string");
      const std::string& s = field.get_ref<const std::string&>();
      if (it.key() == "user") session.user = s;
      if (it.key() == "status") session.status = s;
      if (it.key() == "tenant") session.tenant = s;
    } else if (it.key() == "roles") {
      if (!field.is_array())
        return request_error(doc, at, "the session's `roles` must be an array of strings");
      for (size_t i = 0; i < field.size(); ++i) {
        if (!field[i].is_string())
          return request_error(doc, LocatedJson::child(at, i), "a role must be a string");
        session.roles.push_back(field[i].get<std::string>());
      }
    } else {
      return doc.key_error(
          at, "unknown key `" + it.key() + "` in a session (expected user, roles, tenant, status)",
          ErrorKind::domain);
    }
  }
  // The status is what revocation hangs on: a session without one is refused, not assumed active.
  if (session.user.empty())
    return request_error(doc, pointer, "a session needs a non-empty `user`");
  if (session.status.empty())
    return request_error(doc, pointer, "a session needs its user's `status` (\"active\", ...)");
  return session;
}

RouteDecision decide_matched(const domain::BundleData& bundle, const domain::RouteMatch& match,
                             const RouteRequest& request, bool record_cedar_call) {
  const domain::Route& route = *match.route;
  const domain::RouteTable& table = *bundle.routes;
  const domain::Manifest& manifest = bundle.manifest;
  RouteDecision d;
  DecisionBuilder explain(d);
  d.route = route.pattern;
  d.action = route.action;
  d.params = match.params;
  // What the route asks of the caller whatever the answer: count the request against
  // its rate limit, and verify its credential.
  d.obligations.rate_limit = route.rate_limit;
  d.obligations.credential = route.credential;

  const std::string method = upper(request.method);
  explain.say(ticked(method + " " + request.path) + " on the " + ticked(request.surface) +
              " surface matches the route " + ticked(route.pattern) + " (action " +
              ticked(route.action) + ")" +
              (route.description.empty() ? "." : ": " + route.description + "."));

  // A deny decided before Cedar was asked still carries the route's obligations.
  auto refuse = [&](int status, std::string why) -> RouteDecision& {
    explain.refuse(status, std::move(why));
    return explain.obligations(manifest);
  };

  auto credential_state = [&](const std::string& name) {
    auto it = request.credentials.find(name);
    return it == request.credentials.end() ? std::string("missing") : it->second;
  };
  if (!route.credential.empty()) {
    const auto spec = manifest.credentials.find(route.credential);
    std::string kind = spec == manifest.credentials.end() ? "" : " (" + spec->second.kind + ")";
    explain.say("The route requires the " + ticked(route.credential) + " credential" + kind +
                "; the caller reports it " + ticked(credential_state(route.credential)) + ".");
  }

  // The principal: the session's user, or the route's credential when it takes no session.
  domain::SessionPrincipal principal;
  const Session* session = nullptr;
  if (route.session_required) {
    if (!request.session)
      return refuse(401, "The route requires a signed-in session and the request has none.");
    session = &*request.session;
    auto made = domain::session_principal(bundle, *session);
    if (!made) return refuse(403, "The session cannot be used: " + made.error().message + ".");
    principal = std::move(made).value();
    explain.say(
        "The principal is the user " + ticked(session->user) + " with role" +
        (session->roles.size() == 1 ? " " : "s ") +
        (session->roles.empty() ? std::string("(none)") : joined(session->roles)) +
        (session->tenant.empty() ? ", of no tenant" : ", of tenant " + ticked(session->tenant)) +
        ", status " + ticked(session->status) + ".");
  } else {
    principal = domain::credential_principal(bundle, route.credential);
    explain.say(std::string("The route takes no session") +
                (request.session ? " (the request's session is not used)" : "") +
                "; the principal is " +
                (route.credential.empty() ? std::string("anonymous")
                                          : "the credential " + ticked(route.credential)) +
                ".");
  }

  // The resource: the tenant the route acts on, or the platform.
  cedar::EntityUid resource;
  bool cross_tenant = false;
  const domain::TenantSource& source = route.tenant;
  if (source.kind == domain::TenantSource::Kind::none) {
    resource = {"Platform", manifest.name};
    explain.say("The resource is the platform " + ticked(manifest.name) +
                ": the route is not scoped to a tenant.");
  } else {
    std::string from;
    switch (source.kind) {
      case domain::TenantSource::Kind::session:
        // session_required holds: a route without sessions cannot take its tenant from one.
        if (session->tenant.empty())
          return refuse(403,
                        "The route acts on the session's tenant, and the session "
                        "has none.");
        d.tenant = session->tenant;
        from = "the session";
        break;
      case domain::TenantSource::Kind::path:
        d.tenant = match.params.at(source.name);
        from = "the path parameter " + ticked(source.name);
        break;
      case domain::TenantSource::Kind::query: {
        auto it = request.query.find(source.name);
        if (it == request.query.end() || it->second.empty())
          return refuse(400, "The route takes its tenant from the query parameter " +
                                 ticked(source.name) + ", which the request does not " +
                                 "give: the request is malformed.");
        d.tenant = it->second;
        from = "the query parameter " + ticked(source.name);
        break;
      }
      case domain::TenantSource::Kind::none:
        break;
    }
    resource = {"Tenant", d.tenant};
    std::string relation;
    if (session) {
      cross_tenant = session->tenant != d.tenant;
      relation = cross_tenant ? "; it is not the user's tenant, so the request crosses tenants"
                              : "; it is the user's own tenant";
    }
    explain.say("The resource is the tenant " + ticked(d.tenant) + ", from " + from + relation +
                ".");
  }

  // The context: the request as the policies see it.
  cedar::RecordFields params, query, credentials;
  for (const auto& [k, v] : match.params) params.emplace(k, cedar::Value::string(v));
  for (const auto& [k, v] : request.query) query.emplace(k, cedar::Value::string(v));
  for (const auto& [name, spec] : manifest.credentials)
    credentials.emplace(name, cedar::Value::string(credential_state(name)));
  cedar::RecordFields context{
      {"surface", cedar::Value::string(request.surface)},
      {"method", cedar::Value::string(method)},
      {"path", cedar::Value::string(request.path)},
      {"route", cedar::Value::string(route.pattern)},
      {"params", cedar::Value::record(std::move(params))},
      {"query", cedar::Value::record(std::move(query))},
      {"cross_tenant", cedar::Value::boolean(cross_tenant)},
      {"credentials", cedar::Value::record(std::move(credentials))},
  };
  if (!route.credential.empty())
    context.emplace("credential",
                    cedar::Value::record(
                        {{"name", cedar::Value::string(route.credential)},
                         {"state", cedar::Value::string(credential_state(route.credential))}}));

  detail::RequestData cedar_request;
  cedar_request.principal = principal.principal;
  cedar_request.action = cedar::Value::entity({"Action", route.action});
  cedar_request.resource = cedar::Value::entity(resource);
  cedar_request.context = cedar::Value::record(std::move(context));
  if (record_cedar_call) d.cedar_call = cedar_call_json(cedar_request, principal.entities);
  Response answer = cedar::authorize(cedar_request, table.route_policies(), principal.entities);

  d.allow = answer.decision == Decision::allow;
  d.errors = answer.errors;
  // Cedar skips a policy that errors. For a forbid that would fail open (it may have applied),
  // so an allow is turned into a denial when any forbid could not be evaluated.
  std::string failed_forbid;
  for (const auto& error : answer.errors)
    for (const auto& policy : table.route_policies().policies)
      if (d.allow && failed_forbid.empty() && policy.id == error.policy_id &&
          policy.body->effect == cedar::Effect::forbid)
        failed_forbid = policy.id;
  if (!failed_forbid.empty()) {
    d.allow = false;
    answer.reason.clear();
  }
  const domain::PolicyOutcome* deciding_status = nullptr;
  std::vector<std::string> audits;
  for (const auto& id : answer.reason) {
    const domain::PolicyOutcome* outcome = table.outcome(id);
    DeterminingPolicy policy;
    policy.id = id;
    policy.effect = d.allow ? "permit" : "forbid";
    if (outcome) {
      policy.message = outcome->message;
      // The lowest status wins: sign-out redirects, then authentication, then refusals.
      if (outcome->status != 0 && (!deciding_status || outcome->status < deciding_status->status))
        deciding_status = outcome;
      for (const auto& o : outcome->obligations)
        if (o == domain::kRevokeSession) d.obligations.revoke_session = true;
      add_unique(audits, outcome->audit);
    }
    d.determining.push_back(std::move(policy));
  }
  if (d.allow) {
    d.status = 200;
    d.obligations.scrub_profile = route.scrub_profile;
    add_unique(d.obligations.audit_actions, route.audit);
  } else if (!failed_forbid.empty()) {
    d.status = 500;  // a broken bundle: visible to monitoring, never an allow
  } else {
    d.status = deciding_status ? deciding_status->status : 403;
    if (deciding_status) d.redirect = deciding_status->redirect;
  }
  for (const auto& a : audits) add_unique(d.obligations.audit_actions, a);

  explain.say("Decision: " + std::string(d.allow ? "allow" : "deny") + " (" +
              std::to_string(d.status) + ")" +
              (d.redirect.empty() ? "" : ", redirecting to " + ticked(d.redirect)) + ".");
  for (const auto& policy : d.determining)
    explain.say("Policy " + ticked(policy.id) + (d.allow ? " permits" : " forbids") + " it" +
                (policy.message.empty()
                     ? "."
                     : ": " + policy.message + (policy.message.back() == '.' ? "" : ".")));
  if (!failed_forbid.empty())
    explain.say("Denied because forbid policy " + ticked(failed_forbid) +
                " could not be evaluated and might have applied (fail closed).");
  else if (!d.allow && d.determining.empty())
    explain.say("No policy permits it, and what no policy permits is denied.");
  for (const auto& error : d.errors)
    explain.say("Policy " + ticked(error.policy_id) +
                " could not be evaluated and was skipped: " + error.message + ".");
  return explain.obligations(manifest);
}

ordered_json decision_to_json(const RouteDecision& d) {
  auto string_or_null = [](const std::string& s) -> ordered_json {
    return s.empty() ? ordered_json(nullptr) : ordered_json(s);
  };
  ordered_json out;
  out["allow"] = d.allow;
  out["status"] = d.status;
  out["redirect"] = string_or_null(d.redirect);
  out["route"] = string_or_null(d.route);
  out["action"] = string_or_null(d.action);
  out["tenant"] = string_or_null(d.tenant);
  out["params"] = ordered_json::object();
  for (const auto& [k, v] : d.params) out["params"][k] = v;
  out["determining"] = ordered_json::array();
  for (const auto& p : d.determining) {
    ordered_json policy;
    policy["id"] = p.id;
    policy["effect"] = p.effect;
    policy["message"] = string_or_null(p.message);
    out["determining"].push_back(std::move(policy));
  }
  out["errors"] = ordered_json::array();
  for (const auto& e : d.errors) {
    ordered_json error;
    error["policyId"] = e.policy_id;
    error["message"] = e.message;
    out["errors"].push_back(std::move(error));
  }
  ordered_json obligations;
  obligations["audit"] = d.obligations.audit_actions;
  obligations["rateLimit"] = string_or_null(d.obligations.rate_limit);
  obligations["scrubProfile"] = string_or_null(d.obligations.scrub_profile);
  obligations["credential"] = string_or_null(d.obligations.credential);
  obligations["revokeSession"] = d.obligations.revoke_session;
  out["obligations"] = std::move(obligations);
  out["explanation"] = d.explanation;
  return out;
}

}  // namespace routes

RouteDecision decide_route(const Bundle& bundle, const RouteRequest& request) {
  return decide_route(bundle, request, RouteOptions{});
}

RouteDecision decide_route(const Bundle& bundle, const RouteRequest& request,
                           const RouteOptions& options) {
  const domain::BundleData& data = bundle.data();
  RouteDecision d;
  DecisionBuilder explain(d);
  const std::string method = upper(request.method);
  const std::string what = ticked(method + " " + request.path);

  // A malformed request is refused before any route is matched (400).
  if (method.empty()) return explain.refuse(400, "The request has no method.");
  if (std::find(data.manifest.surfaces.begin(), data.manifest.surfaces.end(), request.surface) ==
      data.manifest.surfaces.end())
    return explain.refuse(400, "The surface " + ticked(request.surface) + " is not one of bundle " +
                                   ticked(data.manifest.name) + "'s surfaces (" +
                                   joined(data.manifest.surfaces) + ").");
  for (const auto& [name, state] : request.credentials) {
    if (!data.manifest.credentials.count(name))
      return explain.refuse(400, "The request reports a credential " + ticked(name) +
                                     " that bundle " + ticked(data.manifest.name) +
                                     " does not declare.");
    if (!known_credential_state(state))
      return explain.refuse(400, "The credential " + ticked(name) + " has the state " +
                                     ticked(state) +
                                     "; a state is valid, invalid, missing or unset.");
  }
  for (const auto& [name, value] : request.query)
    if (!domain::is_valid_utf8(name) || !domain::is_valid_utf8(value))
      return explain.refuse(400, "The query parameters are not UTF-8.");
  auto segments = domain::split_request_path(request.path);
  if (!segments)
    return explain.refuse(400,
                          "The request's path is malformed: " + segments.error().message + ".");

  std::optional<domain::RouteMatch> match;
  if (data.routes) match = data.routes->match(method, *segments);
  if (!match)
    return explain.refuse(404, "No route of bundle " + ticked(data.manifest.name) + " matches " +
                                   what + " (a request that no route names is denied).");
  return routes::decide_matched(data, *match, request, options.record_cedar_call);
}

std::string RouteDecision::to_json() const {
  return routes::decision_to_json(*this).dump(-1, ' ', false,
                                              ordered_json::error_handler_t::replace);
}

}  // namespace cordon
