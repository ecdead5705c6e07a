// routes.json: parsing (every unknown key or reference is an error at file:line:col),
// pattern matching with most-specific-wins, and the checks of the policy annotations
// that route decisions read (@status, @redirect, @obligation, @audit).
#include "routes/route_table.h"

#include <charconv>
#include <set>

#include "cedar/entity_store.h"
#include "masks/field_masks.h"

namespace cordon::domain {

using Json = nlohmann::json;
using cordon::json::LocatedJson;

namespace {

Error path_error(std::string message) {
  Error err;
  err.kind = ErrorKind::domain;
  err.message = std::move(message);
  return err;
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

bool is_method_token(std::string_view s) {
  if (s == "*") return true;
  if (s.empty()) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

// Parses "METHOD /a/:b/*/**" into a method and segments; the message says what is wrong.
bool parse_pattern(const std::string& text, Route& route, std::string& message) {
  auto space = text.find(' ');
  if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos) {
    message = "a route is \"METHOD /path\" with one space, found \"" + text + "\"";
    return false;
  }
  route.method = text.substr(0, space);
  if (!is_method_token(route.method)) {
    message = "the method `" + route.method + "` must be upper-case letters or `*`";
    return false;
  }
  std::string path = text.substr(space + 1);
  if (path.empty() || path[0] != '/') {
    message = "the path `" + path + "` must start with `/`";
    return false;
  }
  if (path == "/") return true;
  std::set<std::string> names;
  size_t start = 1;
  while (true) {
    size_t end = path.find('/', start);
    std::string segment = path.substr(start, end == std::string::npos ? end : end - start);
    if (segment.empty()) {
      message = "the path `" + path + "` has an empty segment (`//` or a trailing `/`)";
      return false;
    }
    if (!route.segments.empty() && route.segments.back().kind == RouteSegment::Kind::rest) {
      message = "`**` may only be the last segment of `" + path + "`";
      return false;
    }
    RouteSegment seg;
    if (segment == "**") {
      seg.kind = RouteSegment::Kind::rest;
    } else if (segment == "*") {
      seg.kind = RouteSegment::Kind::any;
    } else if (segment[0] == ':') {
      seg.kind = RouteSegment::Kind::param;
      seg.text = segment.substr(1);
      if (!is_identifier(seg.text)) {
        message = "the parameter `" + segment + "` must be `:` and a name (letters, digits, `_`)";
        return false;
      }
      if (!names.insert(seg.text).second) {
        message = "the parameter `:" + seg.text + "` appears twice";
        return false;
      }
    } else {
      for (char c : segment) {
        // A literal is compared with the decoded request segment: escapes, wildcards
        // inside a segment and the query/fragment delimiters would never match as meant.
        if (c == '*' || c == ':' || c == '%' || c == '?' || c == '#' ||
            static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          message = "the segment `" + segment + "` may not contain `" + std::string(1, c) +
                    "` (`*`, `:name` and `**` are whole segments)";
          return false;
        }
      }
      if (segment == "." || segment == "..") {
        message = "the path `" + path + "` may not contain `.` or `..` segments";
        return false;
      }
      seg.text = segment;
    }
    route.segments.push_back(std::move(seg));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

// The shape of a route for duplicate detection: two routes with the same method and the
// same shape would tie for every path both match.
std::string shape_of(const Route& route) {
  std::string out = route.method + " ";
  for (const auto& seg : route.segments) {
    out += '/';
    switch (seg.kind) {
      case RouteSegment::Kind::literal:
        out += "=" + seg.text;
        break;
      case RouteSegment::Kind::param:
        out += ":";
        break;
      case RouteSegment::Kind::any:
        out += "*";
        break;
      case RouteSegment::Kind::rest:
        out += "**";
        break;
    }
  }
  return out;
}

int rank(const Route& route, size_t i) {
  if (i >= route.segments.size()) return -1;  // the pattern ended: more specific than `**`
  return static_cast<int>(route.segments[i].kind);
}

// Whether `a` is more specific than `b`, for two routes that match the same request.
bool more_specific(const Route& a, const Route& b) {
  size_t n = std::max(a.segments.size(), b.segments.size());
  for (size_t i = 0; i < n; ++i) {
    int ra = rank(a, i), rb = rank(b, i);
    if (ra != rb) return ra < rb;
  }
  return a.method != "*" && b.method == "*";
}

bool match_path(const Route& route, const std::vector<std::string>& segments,
                std::map<std::string, std::string>& params) {
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const RouteSegment& seg = route.segments[i];
    if (seg.kind == RouteSegment::Kind::rest) return true;
    if (i >= segments.size()) return false;
    if (seg.kind == RouteSegment::Kind::literal && seg.text != segments[i]) return false;
    if (seg.kind == RouteSegment::Kind::param) params[seg.text] = segments[i];
  }
  return route.segments.size() == segments.size();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Checks the annotations a route decision reads, for every policy that decides routes.
std::optional<Error> check_outcome(const cedar::Policy& policy, const Manifest& manifest,
                                   PolicyOutcome& out) {
  const cedar::PolicyBody& body = *policy.body;
  auto fail = [&](std::string message) {
    Error err;
    err.kind = ErrorKind::bundle;
    err.message = "policy `" + policy.id + "`: " + message;
    err.location = body.location;
    return std::optional<Error>(std::move(err));
  };
  out.forbid = body.effect == cedar::Effect::forbid;
  if (const auto* message = body.annotation("message")) out.message = *message;
  if (const auto* status = body.annotation("status")) {
    int value = 0;
    auto [end, ec] = std::from_chars(status->data(), status->data() + status->size(), value);
    if (ec != std::errc() || end != status->data() + status->size() || value < 300 || value > 599)
      return fail("@status(\"" + *status + "\") must be an HTTP status from 300 to 599");
    if (!out.forbid) return fail("@status only applies to forbid policies (a permit is 200)");
    out.status = value;
  }
  if (const auto* redirect = body.annotation("redirect")) {
    if (out.status < 300 || out.status > 399) return fail("@redirect needs a 3xx @status");
    // A path on the same site only: a redirect to another origin would be an open redirect.
    if (redirect->empty() || (*redirect)[0] != '/' || redirect->rfind("//", 0) == 0 ||
        redirect->find('\\') != std::string::npos)
      return fail("@redirect(\"" + *redirect +
                  "\") must be a path on this site, starting with `/`");
    out.redirect = *redirect;
  } else if (out.status >= 300 && out.status <= 399) {
    return fail("a 3xx @status needs a @redirect");
  }
  if (const auto* obligation = body.annotation("obligation")) {
    if (*obligation != kRevokeSession)
      return fail("unknown @obligation(\"" + *obligation + "\") (known: revoke_session)");
    out.obligations.push_back(*obligation);
  }
  if (const auto* audit = body.annotation("audit")) {
    if (!manifest.audit_actions.count(*audit))
      return fail("@audit(\"" + *audit + "\") is not an audit action of the manifest");
    out.audit = *audit;
  }
  return std::nullopt;
}

}  // namespace

std::string TenantSource::to_string() const {
  switch (kind) {
    case Kind::session:
      return "session";
    case Kind::path:
      return "path:" + name;
    case Kind::query:
      return "query:" + name;
    case Kind::none:
      return "none";
  }
  return "none";
}

RouteTable::RouteTable(std::vector<Route> routes, detail::PolicySetData route_policies,
                       std::unordered_map<std::string, PolicyOutcome> outcomes)
    : routes_(std::move(routes)),
      route_policies_(std::move(route_policies)),
      outcomes_(std::move(outcomes)) {}

std::optional<RouteMatch> RouteTable::match(std::string_view method,
                                            const std::vector<std::string>& segments) const {
  std::optional<RouteMatch> best;
  for (const auto& route : routes_) {
    if (route.method != "*" && route.method != method) continue;
    std::map<std::string, std::string> params;
    if (!match_path(route, segments, params)) continue;
    if (!best || more_specific(route, *best->route)) best = RouteMatch{&route, std::move(params)};
  }
  return best;
}

const PolicyOutcome* RouteTable::outcome(const std::string& policy_id) const {
  auto it = outcomes_.find(policy_id);
  return it == outcomes_.end() ? nullptr : &it->second;
}

Result<std::vector<std::string>> split_request_path(std::string_view path) {
  if (path.empty() || path[0] != '/')
    return path_error("the path `" + std::string(path) + "` must start with `/`");
  if (path.size() > 1 && path.back() == '/' && path[path.size() - 2] != '/') path.remove_suffix(1);
  std::vector<std::string> segments;
  if (path == "/") return segments;
  size_t start = 1;
  while (true) {
    size_t end = path.find('/', start);
    std::string_view raw = path.substr(start, end == std::string_view::npos ? end : end - start);
    if (raw.empty()) return path_error("the path `" + std::string(path) + "` has an empty segment");
    std::string segment;
    for (size_t i = 0; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '?' || c == '#')
        return path_error("the path `" + std::string(path) + "` contains `" + std::string(1, c) +
                          "`; pass the query separately");
      if (c != '%') {
        segment += c;
        continue;
      }
      int hi = i + 2 < raw.size() ? hex_digit(raw[i + 1]) : -1;
      int lo = i + 2 < raw.size() ? hex_digit(raw[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return path_error("the path `" + std::string(path) + "` has a bad percent-escape");
      segment += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (segment == "." || segment == "..")
      return path_error("the path `" + std::string(path) + "` has a `.` or `..` segment");
    for (char c : segment)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        return path_error("the path `" + std::string(path) + "` has a control character");
    if (!is_valid_utf8(segment))
      return path_error("the path `" + std::string(path) + "` is not UTF-8 once decoded");
    segments.push_back(std::move(segment));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return segments;
}

Result<std::shared_ptr<const RouteTable>> parse_route_table(const LocatedJson& doc,
                                                            const BundleContext& context) {
  const Json& root = doc.root();
  if (!root.is_object()) return doc.error("", "routes must be an object {\"routes\": [...]}");
  for (auto it = root.begin(); it != root.end(); ++it)
    if (it.key() != "routes")
      return doc.key_error(LocatedJson::child("", it.key()),
                           "unknown key `" + it.key() + "` (expected routes)");
  if (!root.contains("routes") || !root.at("routes").is_array())
    return doc.error("", "routes must have an array `routes`");

  // Action groups (an action some other action is `in`) are surfaces, not routes.
  std::set<std::string> action_groups;
  for (const auto& entity : context.entities.store())
    if (entity.uid.type == "Action")
      for (const auto& parent : entity.parents)
        if (parent.type == "Action") action_groups.insert(parent.id);

  std::vector<Route> routes;
  std::map<std::string, size_t> shapes;  // shape → index in routes
  const Json& list = root.at("routes");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = LocatedJson::child("/routes", i);
    const Json& spec = list[i];
    if (!spec.is_object())
      return doc.error(where, "a route is an object {\"route\", \"action\", ...}");
    Route route;
    std::string tenant_text = "session", session_text = "required";
    for (auto it = spec.begin(); it != spec.end(); ++it) {
      const std::string at = LocatedJson::child(where, it.key());
      static const std::set<std::string> kKeys = {"route",      "action",        "tenant",
                                                  "session",    "credential",    "audit",
                                                  "rate_limit", "scrub_profile", "description"};
      if (!kKeys.count(it.key()))
        return doc.key_error(at, "unknown key `" + it.key() +
                                     "` (expected route, action, tenant, session, credential, "
                                     "audit, rate_limit, scrub_profile, description)");
      if (!it.value().is_string() || it.value().get_ref<const std::string&>().empty())
        return doc.error(at, "`" + it.key() + "` must be a non-empty string");
      const std::string& value = it.value().get_ref<const std::string&>();
      if (it.key() == "route") {
        std::string message;
        if (!parse_pattern(value, route, message)) return doc.error(at, message);
        route.pattern = value;
        route.location = doc.location(at);
      } else if (it.key() == "action") {
        if (!context.has_entity("Action", value))
          return doc.error(at, "unknown action `" + value + "` (not an Action entity)");
        if (action_groups.count(value))
          return doc.error(
              at, "action `" + value + "` is an action group; a route names one action of it");
        route.action = value;
      } else if (it.key() == "tenant") {
        tenant_text = value;
      } else if (it.key() == "session") {
        if (value != "required" && value != "none")
          return doc.error(at, "`session` must be \"required\" or \"none\"");
        session_text = value;
      } else if (it.key() == "credential") {
        if (!context.manifest.credentials.count(value))
          return doc.error(at, "unknown credential `" + value + "` (not in the manifest)");
        route.credential = value;
      } else if (it.key() == "audit") {
        if (!context.manifest.audit_actions.count(value))
          return doc.error(at, "unknown audit action `" + value + "` (not in the manifest)");
        route.audit = value;
      } else if (it.key() == "rate_limit") {
        if (!context.manifest.rate_limits.count(value))
          return doc.error(at, "unknown rate limit `" + value + "` (not in the manifest)");
        route.rate_limit = value;
      } else if (it.key() == "scrub_profile") {
        if (!context.fields || !context.fields->profiles.count(value))
          return doc.error(at, "unknown scrub profile `" + value + "` (not a profile of fields)");
        route.scrub_profile = value;
      } else if (it.key() == "description") {
        route.description = value;
      }
    }
    if (route.pattern.empty()) return doc.error(where, "a route needs `route`");
    if (route.action.empty())
      return doc.error(where, "route `" + route.pattern + "` needs `action`");

    const std::string tenant_at = LocatedJson::child(where, "tenant");
    if (tenant_text == "session") {
      route.tenant.kind = TenantSource::Kind::session;
    } else if (tenant_text == "none") {
      route.tenant.kind = TenantSource::Kind::none;
    } else if (tenant_text.rfind("path:", 0) == 0) {
      route.tenant = {TenantSource::Kind::path, tenant_text.substr(5)};
      bool bound = false;
      for (const auto& seg : route.segments)
        bound = bound || (seg.kind == RouteSegment::Kind::param && seg.text == route.tenant.name);
      if (!bound)
        return doc.error(tenant_at,
                         "`" + tenant_text + "` names no parameter of `" + route.pattern + "`");
    } else if (tenant_text.rfind("query:", 0) == 0 && tenant_text.size() > 6) {
      route.tenant = {TenantSource::Kind::query, tenant_text.substr(6)};
    } else {
      return doc.error(tenant_at,
                       "`tenant` must be \"session\", \"path:<param>\", "
                       "\"query:<name>\" or \"none\"");
    }
    route.session_required = session_text == "required";
    if (!route.session_required && route.tenant.kind == TenantSource::Kind::session)
      return doc.error(spec.contains("tenant") ? tenant_at : where,
                       "route `" + route.pattern +
                           "` has `session: none`, so its tenant cannot come from the session");

    std::string shape = shape_of(route);
    auto [seen, inserted] = shapes.emplace(shape, routes.size());
    if (!inserted) {
      const Route& first = routes[seen->second];
      std::string first_at =
          std::to_string(first.location.line) + ":" + std::to_string(first.location.column);
      if (first.pattern == route.pattern)
        return doc.error(LocatedJson::child(where, "route"),
                         "duplicate route `" + route.pattern + "` (first at " + first_at + ")");
      return doc.error(LocatedJson::child(where, "route"),
                       "route `" + route.pattern + "` is ambiguous with `" + first.pattern +
                           "` (at " + first_at + "): both match the same requests equally");
    }
    routes.push_back(std::move(route));
  }

  // The policies that decide routes, and what their annotations ask of the caller.
  detail::PolicySetData route_policies;
  std::unordered_map<std::string, PolicyOutcome> outcomes;
  const detail::PolicySetData& all = context.policies.data();
  route_policies.templates = all.templates;
  for (const auto& policy : all.policies) {
    if (policy.body->annotation("gate")) continue;
    PolicyOutcome outcome;
    if (auto error = check_outcome(policy, context.manifest, outcome)) return *error;
    outcomes.emplace(policy.id, std::move(outcome));
    route_policies.policies.push_back(policy);
  }
  return std::shared_ptr<const RouteTable>(std::make_shared<RouteTable>(
      std::move(routes), std::move(route_policies), std::move(outcomes)));
}

}  // namespace cordon::domain
