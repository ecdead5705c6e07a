// The Cedar call behind a route decision (RouteDecision::cedar_call, route_policies_text):
// replayed with cordon::is_authorized on the bundle's route policies, it gets the route
// decision's allow/deny and its determining policies, on every route of the default bundle
// (policies/elaygent) for sessions of each role, tenant and status, on every surface.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/authorizer.h"
#include "cordon/bundle.h"
#include "cordon/routes.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

cordon::BundleFiles read_bundle(const fs::path& root) {
  cordon::BundleFiles files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files[fs::relative(entry.path(), root).generic_string()] = text.str();
  }
  return files;
}

const cordon::BundleFiles& elaygent_files() {
  static const cordon::BundleFiles files =
      read_bundle(fs::path(CORDON_SOURCE_DIR) / "policies" / "elaygent");
  return files;
}

const cordon::Bundle& elaygent() {
  static const cordon::Bundle bundle = [] {
    auto loaded = cordon::Bundle::load(elaygent_files());
    if (!loaded) throw std::runtime_error(loaded.error().to_string());
    return *loaded;
  }();
  return bundle;
}

// A path of the pattern with each parameter (and `*`, `**`) filled in.
std::string path_of(const std::string& pattern, const std::string& tenant) {
  std::string path = pattern.substr(pattern.find(' ') + 1), out;
  std::istringstream segments(path);
  std::string segment;
  while (std::getline(segments, segment, '/')) {
    if (segment.empty()) continue;
    if (segment == ":tenantId")
      segment = tenant;
    else if (segment[0] == ':' || segment == "*" || segment == "**")
      segment = "x1";
    out += "/" + segment;
  }
  return out.empty() ? "/" : out;
}

// Every route of the bundle, on every surface, for sessions of each role (active or
// disabled, of the route's tenant or another) and without a session, with the tenant query
// parameter and every credential valid.
std::vector<json> route_requests() {
  const cordon::AccessMatrix matrix = cordon::access_matrix(elaygent());
  std::vector<json> out;
  for (const std::string& route : matrix.routes) {
    const std::string method = route.substr(0, route.find(' '));
    for (const char* surface : {"desktop", "mobile", "export", "server"}) {
      std::vector<json> sessions{json(nullptr)};
      for (const std::string& role : matrix.roles)
        for (const char* status : {"active", "disabled"})
          for (const char* tenant : {"acme", "bright"})
            sessions.push_back(
                {{"user", "u-" + role}, {"roles", {role}}, {"tenant", tenant}, {"status", status}});
      for (const json& session : sessions) {
        json request = {{"method", method == "*" ? "POST" : method},
                        {"path", path_of(route, "acme") + "?tenant=acme"},
                        {"surface", surface},
                        {"session", session}};
        out.push_back(request);
      }
    }
  }
  return out;
}

cordon::PolicySet route_policies() {
  auto text = cordon::route_policies_text(elaygent(), elaygent_files());
  if (!text) throw std::runtime_error(text.error().to_string());
  auto parsed = cordon::PolicySet::parse(*text, "route policies");
  if (!parsed) throw std::runtime_error(parsed.error().to_string());
  return *parsed;
}

TEST(RouteCedarCall, ReplayedCallsGetTheRouteDecisions) {
  const cordon::PolicySet policies = route_policies();
  // Cedar names the cut policies policy0..N; the bundle names them by @id.
  const json set = json::parse(policies.to_json());
  std::map<std::string, std::string> bundle_id;
  for (const auto& [id, policy] : set["staticPolicies"].items())
    bundle_id[id] = policy["annotations"]["id"].get<std::string>();

  cordon::RouteOptions options;
  options.record_cedar_call = true;
  size_t calls = 0, allows = 0, denies = 0;
  for (const json& line : route_requests()) {
    SCOPED_TRACE(line.dump());
    auto request = cordon::RouteRequest::from_json(line.dump());
    ASSERT_TRUE(request) << request.error().to_string();
    const cordon::RouteDecision decision = cordon::decide_route(elaygent(), *request, options);
    EXPECT_EQ(cordon::decide_route(elaygent(), *request).cedar_call, "");  // only when asked
    if (decision.cedar_call.empty()) {
      // Decided before Cedar was asked: a session that is required and missing, a tenant
      // that comes from nowhere.
      EXPECT_FALSE(decision.allow);
      continue;
    }
    ++calls;
    const json call = json::parse(decision.cedar_call);
    ASSERT_EQ(call.size(), 5u);
    auto entities = cordon::Entities::from_json(call["entities"].dump());
    ASSERT_TRUE(entities) << entities.error().to_string();
    json cedar_request = call;
    cedar_request.erase("entities");
    auto replay = cordon::Request::from_json(cedar_request.dump());
    ASSERT_TRUE(replay) << replay.error().to_string();
    const cordon::Response answer = cordon::is_authorized(*replay, policies, *entities);

    EXPECT_EQ(call["action"], json({{"type", "Action"}, {"id", decision.action}}));
    EXPECT_EQ(answer.errors.size(), decision.errors.size());
    if (!decision.errors.empty()) continue;  // a forbid that errors turns an allow into a deny
    EXPECT_EQ(answer.decision == cordon::Decision::allow, decision.allow);
    std::vector<std::string> determining, reason;
    for (const auto& policy : decision.determining) determining.push_back(policy.id);
    for (const auto& id : answer.reason) reason.push_back(bundle_id.at(id));
    std::sort(determining.begin(), determining.end());
    std::sort(reason.begin(), reason.end());
    EXPECT_EQ(reason, determining);
    (decision.allow ? allows : denies) += 1;
  }
  // The requests reach Cedar on every kind of route, with both answers.
  EXPECT_GT(calls, 1000u);
  EXPECT_GT(allows, 100u);
  EXPECT_GT(denies, 100u);
}

TEST(RouteCedarCall, CallHoldsTheSessionUserOverTheBundleEntities) {
  auto request = cordon::RouteRequest::from_json(R"({"method": "GET",
      "path": "/api/tenants/acme/dashboard", "surface": "mobile",
      "session": {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"}})");
  ASSERT_TRUE(request);
  cordon::RouteOptions options;
  options.record_cedar_call = true;
  const cordon::RouteDecision decision = cordon::decide_route(elaygent(), *request, options);
  ASSERT_TRUE(decision.allow);
  const json call = json::parse(decision.cedar_call);
  EXPECT_EQ(call["principal"], json({{"type", "User"}, {"id", "pat"}}));
  EXPECT_EQ(call["resource"], json({{"type", "Tenant"}, {"id", "acme"}}));
  EXPECT_EQ(call["context"]["surface"], "mobile");
  EXPECT_EQ(call["context"]["cross_tenant"], false);
  // The bundle's entities, then the session's user with its roles and tenant.
  EXPECT_EQ(call["entities"].size(), elaygent().entities().size() + 1);
  const json& user = call["entities"].back();
  EXPECT_EQ(user["uid"], call["principal"]);
  EXPECT_EQ(user["parents"], json::parse(R"([{"type": "Role", "id": "staff"},
                                             {"type": "Tenant", "id": "acme"}])"));
  EXPECT_EQ(user["attrs"]["status"], "active");
  EXPECT_EQ(user["attrs"]["tenant"],
            json::parse(R"({"__entity": {"type": "Tenant", "id": "acme"}})"));
}

TEST(RouteCedarCall, NoCallWhenNoRouteMatches) {
  auto request = cordon::RouteRequest::from_json(
      R"({"method": "GET", "path": "/nowhere", "surface": "desktop"})");
  ASSERT_TRUE(request);
  cordon::RouteOptions options;
  options.record_cedar_call = true;
  const cordon::RouteDecision decision = cordon::decide_route(elaygent(), *request, options);
  EXPECT_EQ(decision.status, 404);
  EXPECT_EQ(decision.cedar_call, "");
}

TEST(RouteCedarCall, RoutePoliciesTextHoldsTheNonGatePolicies) {
  auto text = cordon::route_policies_text(elaygent(), elaygent_files());
  ASSERT_TRUE(text) << text.error().to_string();
  auto parsed = cordon::PolicySet::parse(*text);
  ASSERT_TRUE(parsed);
  size_t gates = 0;
  const json all = json::parse(elaygent().policies().to_json());
  for (const auto& [id, policy] : all["staticPolicies"].items())
    if (policy.contains("annotations") && policy["annotations"].contains("gate")) ++gates;
  EXPECT_GT(gates, 0u);
  EXPECT_EQ(parsed->size(), elaygent().policies().size() - gates);
  EXPECT_EQ(text->find("@gate("), std::string::npos);

  // Files other than the ones the bundle was loaded from are refused, not cut wrongly.
  cordon::BundleFiles changed = elaygent_files();
  changed["access.cedar"] = "// a comment that moves every offset\n" + changed["access.cedar"];
  EXPECT_FALSE(cordon::route_policies_text(elaygent(), changed));
  cordon::BundleFiles missing = elaygent_files();
  missing.erase("access.cedar");
  EXPECT_FALSE(cordon::route_policies_text(elaygent(), missing));
}

}  // namespace
