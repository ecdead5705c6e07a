// Route decisions, explanations and the access matrix (cordon/routes.h and the JSON
// calls of cordon/domain_json.h): routes.json errors located at file:line:col, pattern
// matching with most-specific-wins, and the security page's controls as the default
// bundle (policies/elaygent) decides them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cordon/bundle.h"
#include "cordon/domain_json.h"
#include "cordon/routes.h"

#ifndef CORDON_BUNDLE_DIR
#define CORDON_BUNDLE_DIR CORDON_SOURCE_DIR "/policies/elaygent"
#endif

namespace {

using nlohmann::json;

// ---- A small bundle, written here, for the route table's rules -------------------------

const char* kManifest = R"({
  "name": "mini", "revision": "1",
  "policies": ["access.cedar"], "entities": "entities.json", "routes": "routes.json",
  "fields": "fields.json",
  "surfaces": ["desktop", "mobile"], "browser_surfaces": ["desktop", "mobile"],
  "audit_actions": ["tenant.export", "support.cross_tenant"],
  "rate_limits": {"auth": {"window_seconds": 60, "max": 10}},
  "credentials": {"scheduler": {"kind": "bearer"}}
})";

const char* kEntities = R"([
  {"uid": {"type": "Role", "id": "staff"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Role", "id": "admin"}, "attrs": {}, "parents": []},
  {"uid": {"type": "FieldClass", "id": "secret"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Action", "id": "tenant_surface"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Action", "id": "view"}, "attrs": {},
   "parents": [{"type": "Action", "id": "tenant_surface"}]},
  {"uid": {"type": "Action", "id": "edit"}, "attrs": {},
   "parents": [{"type": "Action", "id": "tenant_surface"}]},
  {"uid": {"type": "Action", "id": "run"}, "attrs": {}, "parents": []}
])";

const char* kPolicies = R"(
@id("view-own-tenant")
@message("Users view their own tenant")
permit (principal, action == Action::"view", resource is Tenant) when { principal in resource };

@id("admin-edits")
@message("Admins edit anything")
@audit("support.cross_tenant")
permit (principal in Role::"admin", action == Action::"edit", resource);

@id("scheduler-runs")
permit (principal == Credential::"scheduler", action == Action::"run", resource);
)";

const char* kFields = R"({"classes": {"secret": {"selectors": ["$..key"]}},
                          "profiles": {"plain": ["secret"]}})";

cordon::BundleFiles mini_files(const std::string& routes, const std::string& extra_policies = "") {
  return {{"bundle.json", kManifest},
          {"access.cedar", std::string(kPolicies) + extra_policies},
          {"entities.json", kEntities},
          {"routes.json", routes},
          {"fields.json", kFields}};
}

std::string load_error(const std::string& routes, const std::string& extra_policies = "") {
  auto bundle = cordon::Bundle::load(mini_files(routes, extra_policies));
  if (bundle) return "(loaded)";
  return bundle.error().to_string();
}

cordon::Bundle load_mini(const std::string& routes) {
  auto bundle = cordon::Bundle::load(mini_files(routes));
  if (!bundle) ADD_FAILURE() << bundle.error().to_string();
  return std::move(bundle).value();
}

cordon::RouteRequest request(const std::string& method, const std::string& path,
                             std::optional<cordon::Session> session = std::nullopt,
                             const std::string& surface = "desktop") {
  cordon::RouteRequest r;
  r.method = method;
  r.path = path;
  r.session = std::move(session);
  r.surface = surface;
  return r;
}

cordon::Session user(const std::string& name, std::vector<std::string> roles,
                     const std::string& tenant, const std::string& status = "active") {
  return cordon::Session{name, std::move(roles), tenant, status};
}

std::vector<std::string> ids(const cordon::RouteDecision& d) {
  std::vector<std::string> out;
  for (const auto& p : d.determining) out.push_back(p.id);
  return out;
}

bool mentions(const cordon::RouteDecision& d, const std::string& text) {
  for (const auto& sentence : d.explanation)
    if (sentence.find(text) != std::string::npos) return true;
  return false;
}

std::string explanation(const cordon::RouteDecision& d) {
  std::string out;
  for (const auto& s : d.explanation) out += s + "\n";
  return out;
}

TEST(RouteTable, LoadsAndMatches) {
  auto bundle = load_mini(R"({"routes": [
    {"route": "GET /t/:tenantId", "action": "view", "tenant": "path:tenantId"}]})");
  auto d = cordon::decide_route(bundle, request("GET", "/t/acme", user("u", {"staff"}, "acme")));
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(d.status, 200);
  EXPECT_EQ(d.route, "GET /t/:tenantId");
  EXPECT_EQ(d.action, "view");
  EXPECT_EQ(d.tenant, "acme");
  EXPECT_EQ(d.params.at("tenantId"), "acme");
  EXPECT_EQ(ids(d), std::vector<std::string>{"view-own-tenant"});
  EXPECT_EQ(d.determining[0].message, "Users view their own tenant");
}

TEST(RouteTable, ErrorsNameFileLineAndColumn) {
  // An unknown key, pointing at the key.
  EXPECT_EQ(
      load_error(
          "{\"routes\": [\n  {\"route\": \"GET /a\", \"action\": \"view\", \"tenat\": \"none\"}]}"),
      "routes.json:2:41: bundle error: unknown key `tenat` (expected route, action, tenant, "
      "session, credential, audit, rate_limit, scrub_profile, description)");
  // Unknown references, pointing at the value.
  EXPECT_EQ(load_error(R"({"routes": [{"route": "GET /a", "action": "veiw"}]})"),
            "routes.json:1:43: bundle error: unknown action `veiw` (not an Action entity)");
  EXPECT_EQ(load_error(R"({"routes": [{"route": "GET /a", "action": "tenant_surface"}]})"),
            "routes.json:1:43: bundle error: action `tenant_surface` is an action group; a route "
            "names one action of it");
  EXPECT_NE(
      load_error(R"({"routes": [{"route": "GET /a", "action": "view", "audit": "tenant.exprt"}]})")
          .find("routes.json:1:60: bundle error: unknown audit action `tenant.exprt`"),
      std::string::npos);
  EXPECT_NE(
      load_error(R"({"routes": [{"route": "GET /a", "action": "view", "rate_limit": "proxy"}]})")
          .find("unknown rate limit `proxy`"),
      std::string::npos);
  EXPECT_NE(
      load_error(R"({"routes": [{"route": "GET /a", "action": "view", "credential": "stripe"}]})")
          .find("unknown credential `stripe`"),
      std::string::npos);
  EXPECT_NE(
      load_error(R"({"routes": [{"route": "GET /a", "action": "view", "scrub_profile": "full"}]})")
          .find("unknown scrub profile `full`"),
      std::string::npos);
  EXPECT_EQ(load_error(
                R"({"routes": [{"route": "GET /a", "action": "view", "scrub_profile": "plain"}]})"),
            "(loaded)");
  EXPECT_NE(
      load_error(
          R"({"routes": [{"route": "GET /a/:id", "action": "view", "tenant": "path:tenant"}]})")
          .find("`path:tenant` names no parameter of `GET /a/:id`"),
      std::string::npos);
  EXPECT_NE(load_error(R"({"routes": [{"route": "GET /a", "action": "view", "session": "none"}]})")
                .find("its tenant cannot come from the session"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"route": []})").find("unknown key `route`"), std::string::npos);
}

TEST(RouteTable, RejectsMalformedPatterns) {
  for (const char* pattern :
       {"GET/a", "GET  /a", "get /a", "GET a", "GET /a//b", "GET /a/", "GET /**/a", "GET /a*",
        "GET /:", "GET /:a/:a", "GET /a/..", "GET /a%20b", "GET /a?b"}) {
    std::string routes =
        json{{"routes", {{{"route", pattern}, {"action", "view"}, {"tenant", "none"}}}}}.dump();
    std::string error = load_error(routes);
    EXPECT_NE(error.find("routes.json:1:"), std::string::npos) << pattern << ": " << error;
  }
}

TEST(RouteTable, DuplicateAndAmbiguousRoutesAreErrors) {
  std::string duplicate = load_error(R"({"routes": [
    {"route": "GET /a/:x", "action": "view", "tenant": "path:x"},
    {"route": "GET /a/:x", "action": "view", "tenant": "path:x"}]})");
  EXPECT_EQ(duplicate,
            "routes.json:3:15: bundle error: duplicate route `GET /a/:x` (first at 2:15)");
  std::string ambiguous = load_error(R"({"routes": [
    {"route": "GET /a/:x", "action": "view", "tenant": "path:x"},
    {"route": "GET /a/:y", "action": "view", "tenant": "path:y"}]})");
  EXPECT_NE(ambiguous.find("route `GET /a/:y` is ambiguous with `GET /a/:x`"), std::string::npos)
      << ambiguous;
  // Same path, one exact method and one `*`: not ambiguous, the exact method wins.
  EXPECT_EQ(load_error(R"({"routes": [
    {"route": "GET /a", "action": "view", "tenant": "none"},
    {"route": "* /a", "action": "edit", "tenant": "none"}]})"),
            "(loaded)");
}

TEST(RouteTable, ChecksTheAnnotationsDecisionsRead) {
  const char* routes = R"({"routes": []})";
  EXPECT_NE(load_error(routes, "@id(\"x\") @status(\"200\") forbid (principal, action, resource);")
                .find("@status(\"200\") must be an HTTP status from 300 to 599"),
            std::string::npos);
  EXPECT_NE(load_error(routes, "@id(\"x\") @status(\"401\") permit (principal, action, resource);")
                .find("@status only applies to forbid policies"),
            std::string::npos);
  EXPECT_NE(load_error(routes,
                       "@id(\"x\") @status(\"302\") @redirect(\"https://evil.example\") "
                       "forbid (principal, action, resource);")
                .find("must be a path on this site"),
            std::string::npos);
  EXPECT_NE(load_error(routes,
                       "@id(\"x\") @status(\"302\") @redirect(\"//evil.example\") "
                       "forbid (principal, action, resource);")
                .find("must be a path on this site"),
            std::string::npos);
  EXPECT_NE(load_error(routes, "@id(\"x\") @status(\"302\") forbid (principal, action, resource);")
                .find("a 3xx @status needs a @redirect"),
            std::string::npos);
  EXPECT_NE(
      load_error(routes, "@id(\"x\") @obligation(\"revoke\") forbid (principal, action, resource);")
          .find("unknown @obligation(\"revoke\")"),
      std::string::npos);
  // The error names the policy file and where the policy starts.
  EXPECT_EQ(load_error(routes,
                       "\n@id(\"x\") @obligation(\"revoke\") forbid (principal, action, resource);")
                .rfind("access.cedar:", 0),
            0u);
}

TEST(RouteMatching, MostSpecificRouteWins) {
  auto bundle = load_mini(R"({"routes": [
    {"route": "GET /a/**", "action": "view", "tenant": "none"},
    {"route": "GET /a/*", "action": "view", "tenant": "none"},
    {"route": "GET /a/:p", "action": "view", "tenant": "none"},
    {"route": "GET /a/lit", "action": "view", "tenant": "none"},
    {"route": "* /a/lit", "action": "edit", "tenant": "none"},
    {"route": "GET /a/:p/x", "action": "view", "tenant": "none"},
    {"route": "GET /a/*/x", "action": "view", "tenant": "none"},
    {"route": "GET /b", "action": "view", "tenant": "none"},
    {"route": "GET /b/**", "action": "view", "tenant": "none"},
    {"route": "GET /", "action": "view", "tenant": "none"}]})");
  auto matched = [&](const std::string& method, const std::string& path) {
    return cordon::decide_route(bundle, request(method, path, user("u", {"staff"}, "t"))).route;
  };
  EXPECT_EQ(matched("GET", "/a/lit"), "GET /a/lit");  // literal, and exact method over `*`
  EXPECT_EQ(matched("POST", "/a/lit"), "* /a/lit");
  EXPECT_EQ(matched("GET", "/a/other"), "GET /a/:p");  // :param over * and **
  EXPECT_EQ(matched("GET", "/a/other/x"), "GET /a/:p/x");
  EXPECT_EQ(matched("GET", "/a/other/y"), "GET /a/**");
  EXPECT_EQ(matched("GET", "/a/lit/x"), "GET /a/:p/x");  // no `GET /a/lit/x`: segment 2 decides
  EXPECT_EQ(matched("GET", "/a"), "GET /a/**");          // ** matches zero segments
  EXPECT_EQ(matched("GET", "/b"), "GET /b");             // a pattern that ends beats **
  EXPECT_EQ(matched("GET", "/b/c/d"), "GET /b/**");
  EXPECT_EQ(matched("GET", "/"), "GET /");
  EXPECT_EQ(matched("GET", "/a/lit/"), "GET /a/lit");  // one trailing slash is ignored
  EXPECT_EQ(matched("get", "/a/lit"), "GET /a/lit");   // methods compare upper-cased
  auto none = cordon::decide_route(bundle, request("GET", "/c", user("u", {"staff"}, "t")));
  EXPECT_FALSE(none.allow);
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(none.route, "");
}

TEST(RouteMatching, PathsAreDecodedPerSegmentAndMalformedPathsRefused) {
  auto bundle = load_mini(R"({"routes": [
    {"route": "GET /t/:tenantId/x", "action": "view", "tenant": "path:tenantId"}]})");
  auto d =
      cordon::decide_route(bundle, request("GET", "/t/ac%2Fme/x", user("u", {"staff"}, "ac/me")));
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(d.tenant, "ac/me");  // %2F stays inside its segment
  for (const char* path : {"/t/%2e%2e/x", "/t/../x", "/t//x", "/t/%zz/x", "/t/%00/x", "/t/%ff/x",
                           "t/acme/x", "/t/acme/x#frag", "/t/acme/x//"}) {
    auto bad = cordon::decide_route(bundle, request("GET", path, user("u", {"staff"}, "acme")));
    EXPECT_FALSE(bad.allow) << path;
    EXPECT_EQ(bad.status, 400) << path << "\n" << explanation(bad);
  }
}

TEST(RouteDecision, RequestsAreCheckedBeforeMatching) {
  auto bundle = load_mini(R"({"routes": [{"route": "GET /a", "action": "run", "session": "none",
                              "tenant": "none", "credential": "scheduler"}]})");
  auto r = request("GET", "/a", std::nullopt, "tablet");
  auto d = cordon::decide_route(bundle, r);
  EXPECT_EQ(d.status, 400);
  EXPECT_TRUE(mentions(d, "`tablet` is not one of bundle `mini`'s surfaces")) << explanation(d);
  r.surface = "desktop";
  r.credentials = {{"schedular", "valid"}};
  d = cordon::decide_route(bundle, r);
  EXPECT_EQ(d.status, 400);
  EXPECT_TRUE(mentions(d, "`schedular`")) << explanation(d);
  r.credentials = {{"scheduler", "valid"}};
  d = cordon::decide_route(bundle, r);
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(d.obligations.credential, "scheduler");
}

TEST(RouteDecision, GatePoliciesAreNotPartOfRouteDecisions) {
  // A @gate forbid is a workflow precondition: check_gate evaluates it, routes do not.
  auto bundle = cordon::Bundle::load(mini_files(
      R"({"routes": [{"route": "POST /a/:t", "action": "edit", "tenant": "path:t"}]})",
      "@id(\"export-first\") @gate(\"export_confirmed\") @message(\"Export the tenant first\")\n"
      "forbid (principal, action == Action::\"edit\", resource) unless { context has "
      "export_confirmed };"));
  ASSERT_TRUE(bundle) << bundle.error().to_string();
  auto d = cordon::decide_route(*bundle, request("POST", "/a/acme", user("a", {"admin"}, "acme")));
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(ids(d), std::vector<std::string>{"admin-edits"});
  // The route's permit carries @audit; it becomes an obligation.
  EXPECT_EQ(d.obligations.audit_actions, std::vector<std::string>{"support.cross_tenant"});
}

TEST(RouteDecision, AForbidThatErrorsDeniesInsteadOfBeingSkipped) {
  // Cedar skips an erroring policy; for a forbid that would allow what it may have refused.
  const char* routes =
      R"({"routes": [{"route": "POST /a/:t", "action": "edit", "tenant": "path:t"}]})";
  auto bundle = cordon::Bundle::load(mini_files(
      routes,
      "@id(\"no-edits-by-bob\") @message(\"Bob edits nothing\")\n"
      "forbid (principal, action == Action::\"edit\", resource) when { context.params.who == "
      "\"bob\" };"));
  ASSERT_TRUE(bundle) << bundle.error().to_string();
  auto d = cordon::decide_route(*bundle, request("POST", "/a/acme", user("a", {"admin"}, "acme")));
  EXPECT_FALSE(d.allow) << explanation(d);
  EXPECT_EQ(d.status, 500);
  EXPECT_TRUE(d.determining.empty());
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].policy_id, "no-edits-by-bob");
  EXPECT_TRUE(mentions(d, "forbid policy `no-edits-by-bob` could not be evaluated"))
      << explanation(d);
  // An erroring permit is only skipped: the other permit still allows.
  auto permit_errors = cordon::Bundle::load(
      mini_files(routes,
                 "@id(\"broken-permit\")\npermit (principal, action, resource) when { "
                 "context.params.who == \"bob\" };"));
  ASSERT_TRUE(permit_errors) << permit_errors.error().to_string();
  d = cordon::decide_route(*permit_errors,
                           request("POST", "/a/acme", user("a", {"admin"}, "acme")));
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(ids(d), std::vector<std::string>{"admin-edits"});
}

TEST(RouteRequestJson, ReadsPathQueryAndSession) {
  auto r = cordon::RouteRequest::from_json(R"({"method": "get",
      "path": "/api/admin/tenant-export?tenant=a%20b&x=1+2&flag", "surface": "desktop",
      "session": {"user": "opal", "roles": ["platform_admin"], "tenant": "elaygent", "status": "active"},
      "credentials": {"scheduler": "unset"}})");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/api/admin/tenant-export");
  EXPECT_EQ(r->query.at("tenant"), "a b");
  EXPECT_EQ(r->query.at("x"), "1 2");
  EXPECT_EQ(r->query.at("flag"), "");
  ASSERT_TRUE(r->session.has_value());
  EXPECT_EQ(r->session->roles, std::vector<std::string>{"platform_admin"});
  EXPECT_EQ(r->credentials.at("scheduler"), "unset");

  auto null_session = cordon::RouteRequest::from_json(
      R"({"method": "GET", "path": "/", "surface": "desktop", "session": null})");
  ASSERT_TRUE(null_session);
  EXPECT_FALSE(null_session->session.has_value());
}

TEST(RouteRequestJson, RefusesWhatCouldBeReadTwoWays) {
  auto error = [](const char* text) {
    auto r = cordon::RouteRequest::from_json(text);
    return r ? std::string("(parsed)") : r.error().to_string();
  };
  EXPECT_NE(error(R"({"method": "GET", "path": "/a?tenant=x&tenant=y", "surface": "desktop"})")
                .find("the query parameter `tenant` appears more than once"),
            std::string::npos);
  EXPECT_NE(
      error(
          R"({"method": "GET", "path": "/a?tenant=x", "query": {"tenant": "y"}, "surface": "desktop"})")
          .find("given both in the path and in `query`"),
      std::string::npos);
  EXPECT_EQ(error(R"({"method": "GET", "path": "/a", "surface": "desktop", "sesion": {}})"),
            "route request:1:55: domain error: unknown key `sesion` (expected method, path, query, "
            "session, surface, credentials)");
  EXPECT_NE(error(R"({"method": "GET", "path": "/a", "surface": "desktop",
                      "session": {"user": "u", "roles": []}})")
                .find("a session needs its user's `status`"),
            std::string::npos);
  EXPECT_NE(
      error(R"({"method": "GET", "path": "/a", "surface": "desktop", "credentials": {"x": "ok"}})")
          .find("must be \"valid\", \"invalid\", \"missing\" or \"unset\""),
      std::string::npos);
  EXPECT_NE(error(R"({"method": "GET", "path": "/a"})").find("needs `surface`"), std::string::npos);
  EXPECT_NE(error(R"({"method": "GET", "path": "/a?x=%zz", "surface": "desktop"})")
                .find("percent-escape"),
            std::string::npos);
}

// ---- The default bundle: the security page's controls -----------------------------------

cordon::BundleFiles read_bundle_dir(const std::filesystem::path& dir) {
  cordon::BundleFiles files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    files.emplace(entry.path().lexically_relative(dir).generic_string(), text.str());
  }
  return files;
}

class ElaygentBundle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = cordon::Bundle::load(read_bundle_dir(CORDON_BUNDLE_DIR));
    if (!loaded) {
      load_error_ = loaded.error().to_string();
      return;
    }
    bundle_ = new cordon::Bundle(std::move(loaded).value());
  }
  static void TearDownTestSuite() {
    delete bundle_;
    bundle_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(bundle_, nullptr) << load_error_; }

  static cordon::RouteDecision decide(const std::string& method, const std::string& path,
                                      std::optional<cordon::Session> session,
                                      const std::string& surface = "desktop",
                                      std::map<std::string, std::string> credentials = {}) {
    auto r = request(method, "", std::move(session), surface);
    auto q = path.find('?');
    r.path = path.substr(0, q);
    if (q != std::string::npos) {
      std::string query = path.substr(q + 1);
      auto eq = query.find('=');
      r.query[query.substr(0, eq)] = eq == std::string::npos ? "" : query.substr(eq + 1);
    }
    r.credentials = std::move(credentials);
    return cordon::decide_route(*bundle_, r);
  }

  static inline cordon::Bundle* bundle_ = nullptr;
  static inline std::string load_error_;
};

const cordon::Session kStaff = user("pat", {"staff"}, "acme");
const cordon::Session kPracticeAdmin = user("dana", {"practice_admin"}, "acme");
const cordon::Session kPlatformAdmin = user("opal", {"platform_admin"}, "elaygent");
const cordon::Session kCompliance = user("cora", {"compliance_officer"}, "acme");

TEST_F(ElaygentBundle, StaffReachTheirOwnTenantsOperatorSurface) {
  auto d = decide("GET", "/api/tenants/acme/dashboard", kStaff, "mobile");
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(d.status, 200);
  EXPECT_EQ(ids(d), std::vector<std::string>{"staff-own-tenant-operator-surface"});
  EXPECT_EQ(d.obligations.scrub_profile, "dashboard");
  EXPECT_EQ(d.obligations.rate_limit, "proxy");
  EXPECT_TRUE(d.obligations.audit_actions.empty());
  EXPECT_TRUE(mentions(d, "matches the route `GET /api/tenants/:tenantId/dashboard`"));
  EXPECT_TRUE(mentions(d, "it is the user's own tenant"));

  auto page = decide("GET", "/dashboard", kStaff);
  EXPECT_TRUE(page.allow) << explanation(page);
  EXPECT_EQ(page.tenant, "acme");  // from the session
}

TEST_F(ElaygentBundle, TenantScopeIsReassertedOnEveryRequest) {
  auto d = decide("GET", "/api/tenants/bright-smiles/calls", kStaff);
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.status, 403);
  EXPECT_EQ(ids(d), std::vector<std::string>{"tenant-scope-reasserted"});
  EXPECT_TRUE(mentions(d, "crosses tenants")) << explanation(d);
  EXPECT_EQ(d.obligations.scrub_profile, "");    // nothing to scrub on a deny
  EXPECT_EQ(d.obligations.rate_limit, "proxy");  // but the request still counts

  auto admin = decide("PUT", "/api/tenants/bright-smiles/agent-config", kPracticeAdmin);
  EXPECT_FALSE(admin.allow);
  EXPECT_EQ(ids(admin), std::vector<std::string>{"tenant-scope-reasserted"});
}

TEST_F(ElaygentBundle, StaffCannotReachAdministratorSurfaces) {
  auto d = decide("GET", "/api/tenants/acme/agent-config", kStaff);
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.status, 403);
  EXPECT_EQ(ids(d), std::vector<std::string>{"staff-never-admin-surface"});
  EXPECT_TRUE(mentions(d,
                       "Policy `staff-never-admin-surface` forbids it: Staff cannot reach "
                       "administrator surfaces."))
      << explanation(d);
  EXPECT_TRUE(decide("GET", "/api/tenants/acme/agent-config", kPracticeAdmin).allow);
  auto update = decide("PUT", "/api/tenants/acme/agent-config", kPracticeAdmin);
  EXPECT_TRUE(update.allow);
  EXPECT_EQ(update.obligations.audit_actions, std::vector<std::string>{"agent_config.update"});
}

TEST_F(ElaygentBundle, RecoveryActionsAreRoleSplit) {
  EXPECT_TRUE(decide("POST", "/api/tenants/acme/leads/17/contacted", kStaff).allow);
  auto converted = decide("POST", "/api/tenants/acme/leads/17/converted", kStaff);
  EXPECT_FALSE(converted.allow);
  auto forbids = ids(converted);
  EXPECT_NE(std::find(forbids.begin(), forbids.end(), "recovery-outcomes-administrators-only"),
            forbids.end());
  EXPECT_FALSE(decide("POST", "/api/tenants/acme/leads/17/lost", kStaff).allow);
  EXPECT_TRUE(decide("POST", "/api/tenants/acme/leads/17/converted", kPracticeAdmin).allow);
  EXPECT_TRUE(decide("POST", "/api/tenants/acme/leads/17/lost", kPracticeAdmin).allow);
  EXPECT_TRUE(decide("POST", "/api/tenants/acme/leads/17/contacted", kPracticeAdmin).allow);
}

TEST_F(ElaygentBundle, PracticeAdminsCannotReachPlatformSurfaces) {
  auto d = decide("GET", "/api/admin/tenant-export?tenant=acme", kPracticeAdmin);
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(ids(d), std::vector<std::string>{"platform-surface-platform-admins-only"});
  EXPECT_FALSE(decide("GET", "/api/admin/tenants", kPracticeAdmin).allow);
  EXPECT_FALSE(decide("GET", "/api/admin/tenants", kStaff).allow);
  EXPECT_TRUE(decide("GET", "/api/admin/tenants", kPlatformAdmin).allow);
}

TEST_F(ElaygentBundle, PlatformAdminTenantExportIsAuditedAndScoped) {
  auto d = decide("GET", "/api/admin/tenant-export?tenant=acme", kPlatformAdmin);
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(d.tenant, "acme");
  EXPECT_EQ(d.obligations.audit_actions, std::vector<std::string>{"tenant.export"});
  EXPECT_EQ(d.obligations.scrub_profile, "export");
  EXPECT_TRUE(mentions(d, "Obligation: write the audit entry `tenant.export`."));
  // Without the tenant the request is malformed: 400, and no Cedar decision is made.
  auto missing = decide("GET", "/api/admin/tenant-export", kPlatformAdmin);
  EXPECT_FALSE(missing.allow);
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(missing.determining.empty());
  EXPECT_TRUE(mentions(missing, "query parameter `tenant`")) << explanation(missing);
}

TEST_F(ElaygentBundle, PlatformAdminsCrossTenantsWithAnAuditEntry) {
  auto d = decide("GET", "/api/tenants/acme/calls/c1", kPlatformAdmin);
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(ids(d), std::vector<std::string>{"platform-admin-cross-tenant-support"});
  EXPECT_EQ(d.obligations.audit_actions, std::vector<std::string>{"platform.cross_tenant_access"});
  // The route's own audit entry comes first, the cross-tenant one follows.
  auto exported = decide("GET", "/api/tenants/acme/audit/export", kPlatformAdmin);
  EXPECT_TRUE(exported.allow) << explanation(exported);
  EXPECT_EQ(exported.obligations.audit_actions,
            (std::vector<std::string>{"audit.export", "platform.cross_tenant_access"}));
  // In their own tenant no cross-tenant entry is written.
  auto own = decide("GET", "/api/tenants/elaygent/calls", kPlatformAdmin);
  EXPECT_TRUE(own.allow);
  EXPECT_TRUE(own.obligations.audit_actions.empty());
}

TEST_F(ElaygentBundle, DisabledUsersAreSignedOutAndRedirected) {
  auto disabled = user("sam", {"staff"}, "acme", "disabled");
  auto d = decide("GET", "/api/tenants/acme/dashboard", disabled, "mobile");
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.status, 302);
  EXPECT_EQ(d.redirect, "/login?reason=disabled");
  EXPECT_TRUE(d.obligations.revoke_session);
  EXPECT_EQ(ids(d), std::vector<std::string>{"disabled-user-signed-out"});
  EXPECT_TRUE(mentions(d, "Obligation: revoke the user's session")) << explanation(d);
  // Even where another forbid also applies, the sign-out redirect wins (lowest status).
  auto cross = decide("GET", "/api/tenants/other/agent-config", disabled);
  EXPECT_EQ(cross.status, 302);
  EXPECT_GE(cross.determining.size(), 2u);
  EXPECT_TRUE(cross.obligations.revoke_session);
  // The sign-in page takes no session, so a disabled user can reach it (no redirect loop).
  EXPECT_TRUE(decide("GET", "/login", disabled).allow);
  // A status other than active is refused, without a redirect.
  auto invited = decide("GET", "/dashboard", user("ivy", {"staff"}, "acme", "invited"));
  EXPECT_EQ(invited.status, 403);
  EXPECT_EQ(ids(invited), std::vector<std::string>{"inactive-user-denied"});
}

TEST_F(ElaygentBundle, ProtectedRoutesNeedASessionAndUnknownRoutesAre404) {
  auto d = decide("GET", "/api/tenants/acme/dashboard", std::nullopt);
  EXPECT_FALSE(d.allow);
  EXPECT_EQ(d.status, 401);
  EXPECT_TRUE(mentions(d, "requires a signed-in session")) << explanation(d);
  // Refused before Cedar is asked, the request still counts against the route's rate limit.
  auto logout = decide("POST", "/api/auth/logout", std::nullopt);
  EXPECT_EQ(logout.status, 401);
  EXPECT_EQ(logout.obligations.rate_limit, "auth");
  EXPECT_EQ(logout.explanation.back(),
            "Obligation: count the request against the rate limit `auth` (at most 10 requests per "
            "60 seconds per identifier).");
  auto unknown = decide("GET", "/api/tenants/acme/billing", kPlatformAdmin);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_TRUE(mentions(unknown, "No route of bundle `elaygent` matches"));
  auto undeclared_role = decide("GET", "/dashboard", user("x", {"superuser"}, "acme"));
  EXPECT_EQ(undeclared_role.status, 403);
  EXPECT_TRUE(mentions(undeclared_role, "role `superuser` is not declared"))
      << explanation(undeclared_role);
}

TEST_F(ElaygentBundle, CronRoutesNeedTheSchedulerTokenAndFailClosed) {
  auto d =
      decide("POST", "/api/cron/daily-digest", std::nullopt, "server", {{"scheduler", "valid"}});
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(ids(d), std::vector<std::string>{"scheduler-runs-cron"});
  EXPECT_EQ(d.obligations.credential, "scheduler");

  auto missing = decide("POST", "/api/cron/daily-digest", std::nullopt, "server");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(ids(missing), std::vector<std::string>{"credential-must-verify"});
  auto invalid =
      decide("GET", "/api/cron/daily-digest", std::nullopt, "server", {{"scheduler", "invalid"}});
  EXPECT_EQ(invalid.status, 401);
  auto unset =
      decide("POST", "/api/cron/daily-digest", std::nullopt, "server", {{"scheduler", "unset"}});
  EXPECT_FALSE(unset.allow);
  EXPECT_EQ(unset.status, 503);
  EXPECT_EQ(ids(unset), std::vector<std::string>{"credential-unset-fails-closed"});
  // An admin session is not a scheduler credential: the route ignores sessions.
  auto admin = decide("POST", "/api/cron/daily-digest", kPlatformAdmin, "server");
  EXPECT_FALSE(admin.allow);
  EXPECT_TRUE(mentions(admin, "the request's session is not used")) << explanation(admin);
  // Another valid credential is not the scheduler's.
  auto stripe =
      decide("POST", "/api/cron/daily-digest", std::nullopt, "server", {{"stripe", "valid"}});
  EXPECT_FALSE(stripe.allow);
}

TEST_F(ElaygentBundle, AuditRetentionAlsoNeedsTheRetentionSecret) {
  auto scheduler_only =
      decide("POST", "/api/cron/audit-retention", std::nullopt, "server", {{"scheduler", "valid"}});
  EXPECT_EQ(scheduler_only.route, "* /api/cron/audit-retention");
  EXPECT_FALSE(scheduler_only.allow);
  EXPECT_EQ(scheduler_only.status, 401);
  EXPECT_EQ(ids(scheduler_only), std::vector<std::string>{"retention-needs-retention-secret"});
  // Any method reaches the retention route, never the generic cron route.
  auto get =
      decide("GET", "/api/cron/audit-retention", std::nullopt, "server", {{"scheduler", "valid"}});
  EXPECT_EQ(get.route, "* /api/cron/audit-retention");
  EXPECT_FALSE(get.allow);
  auto both = decide("POST", "/api/cron/audit-retention", std::nullopt, "server",
                     {{"scheduler", "valid"}, {"retention", "valid"}});
  EXPECT_TRUE(both.allow) << explanation(both);
  EXPECT_EQ(both.obligations.audit_actions, std::vector<std::string>{"audit.retention_delete"});
}

TEST_F(ElaygentBundle, WebhooksVerifyTheirProvidersSignature) {
  EXPECT_TRUE(
      decide("POST", "/api/webhooks/stripe", std::nullopt, "server", {{"stripe", "valid"}}).allow);
  EXPECT_EQ(decide("POST", "/api/webhooks/stripe", std::nullopt, "server", {{"stripe", "invalid"}})
                .status,
            401);
  EXPECT_TRUE(
      decide("POST", "/api/webhooks/vapi", std::nullopt, "server", {{"vapi", "valid"}}).allow);
  // A Twilio signature does not open the Vapi route.
  EXPECT_FALSE(
      decide("POST", "/api/webhooks/vapi", std::nullopt, "server", {{"twilio", "valid"}}).allow);
  EXPECT_TRUE(
      decide("POST", "/api/webhooks/twilio/status", std::nullopt, "server", {{"twilio", "valid"}})
          .allow);
  auto pms =
      decide("POST", "/api/webhooks/pms/acme", std::nullopt, "server", {{"pms_bridge", "valid"}});
  EXPECT_TRUE(pms.allow) << explanation(pms);
  EXPECT_EQ(pms.tenant, "acme");
}

TEST_F(ElaygentBundle, AuthEndpointsArePublicAndRateLimited) {
  auto d = decide("POST", "/api/auth/login", std::nullopt);
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(d.obligations.rate_limit, "auth");
  EXPECT_TRUE(mentions(d, "the principal is anonymous"));
  EXPECT_TRUE(mentions(d, "rate limit `auth` (at most 10 requests per 60 seconds per identifier)"))
      << explanation(d);
  EXPECT_TRUE(decide("POST", "/api/auth/logout", kStaff).allow);
}

TEST_F(ElaygentBundle, FullAuditViewIsDesktopOnly) {
  EXPECT_TRUE(decide("GET", "/api/tenants/acme/audit", kPracticeAdmin, "desktop").allow);
  auto mobile = decide("GET", "/api/tenants/acme/audit", kPracticeAdmin, "mobile");
  EXPECT_FALSE(mobile.allow);
  EXPECT_EQ(ids(mobile), std::vector<std::string>{"full-audit-view-on-desktop"});
  EXPECT_TRUE(decide("GET", "/api/tenants/acme/audit/recent", kPracticeAdmin, "mobile").allow);
  EXPECT_FALSE(decide("GET", "/api/tenants/acme/audit/recent", kStaff, "mobile").allow);
}

TEST_F(ElaygentBundle, CustomRoleReadsButChangesNothing) {
  EXPECT_TRUE(decide("GET", "/api/tenants/acme/audit", kCompliance).allow);
  EXPECT_TRUE(decide("GET", "/api/tenants/acme/leads", kCompliance).allow);
  EXPECT_FALSE(decide("PUT", "/api/tenants/acme/agent-config", kCompliance).allow);
  EXPECT_FALSE(decide("POST", "/api/tenants/acme/leads/1/converted", kCompliance).allow);
  EXPECT_FALSE(decide("GET", "/api/tenants/other/leads", kCompliance).allow);
}

TEST_F(ElaygentBundle, SuspensionNeedsThePlatformAdminAndTheDestructiveSecret) {
  auto d = decide("POST", "/api/admin/tenants/acme/suspend", kPlatformAdmin, "desktop",
                  {{"destructive_ops", "valid"}});
  EXPECT_TRUE(d.allow) << explanation(d);
  EXPECT_EQ(d.obligations.audit_actions, std::vector<std::string>{"tenant.deprovision"});
  auto no_secret = decide("POST", "/api/admin/tenants/acme/suspend", kPlatformAdmin);
  EXPECT_EQ(no_secret.status, 401);
  EXPECT_FALSE(decide("DELETE", "/api/admin/tenants/acme", kPracticeAdmin, "desktop",
                      {{"destructive_ops", "valid"}})
                   .allow);
}

TEST_F(ElaygentBundle, DecisionJsonHasAStableShape) {
  auto d = decide("GET", "/api/admin/tenant-export?tenant=acme", kPlatformAdmin);
  json j = json::parse(d.to_json());
  std::vector<std::string> keys;
  auto ordered = nlohmann::ordered_json::parse(d.to_json());
  for (auto it = ordered.begin(); it != ordered.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"allow", "status", "redirect", "route", "action",
                                            "tenant", "params", "determining", "errors",
                                            "obligations", "explanation"}));
  EXPECT_EQ(j["allow"], true);
  EXPECT_EQ(j["status"], 200);
  EXPECT_TRUE(j["redirect"].is_null());
  EXPECT_EQ(j["tenant"], "acme");
  EXPECT_EQ(j["determining"][0]["id"], "platform-admin-platform-surface");
  EXPECT_EQ(j["determining"][0]["effect"], "permit");
  EXPECT_EQ(
      j["obligations"].dump(),
      R"({"audit":["tenant.export"],"credential":null,"rateLimit":"read","revokeSession":false,"scrubProfile":"export"})");
  EXPECT_EQ(
      ordered["obligations"].dump(),
      R"({"audit":["tenant.export"],"rateLimit":"read","scrubProfile":"export","credential":null,"revokeSession":false})");
  EXPECT_EQ(d.to_json(), d.to_json());
}

TEST_F(ElaygentBundle, AccessMatrixOnDesktop) {
  auto m = cordon::access_matrix(*bundle_, "desktop");
  EXPECT_EQ(m.roles, (std::vector<std::string>{"compliance_officer", "platform_admin",
                                               "practice_admin", "staff"}));
  ASSERT_EQ(m.cells.size(), m.routes.size());
  auto cell = [&](const std::string& route, const std::string& role) {
    auto r = std::find(m.routes.begin(), m.routes.end(), route);
    auto c = std::find(m.roles.begin(), m.roles.end(), role);
    EXPECT_NE(r, m.routes.end()) << route;
    if (r == m.routes.end() || c == m.roles.end()) return std::string("?");
    size_t ri = r - m.routes.begin(), ci = c - m.roles.begin();
    return m.cells[ri][ci] + (m.notes[ri][ci].empty() ? "" : ": " + m.notes[ri][ci]);
  };
  EXPECT_EQ(cell("GET /api/tenants/:tenantId/dashboard", "staff"), "conditional: own tenant only");
  EXPECT_EQ(cell("GET /api/tenants/:tenantId/dashboard", "platform_admin"), "allow");
  EXPECT_EQ(cell("GET /dashboard", "staff"), "allow");
  EXPECT_EQ(cell("GET /api/tenants/:tenantId/agent-config", "staff"), "deny");
  EXPECT_EQ(cell("POST /api/tenants/:tenantId/leads/:leadId/converted", "staff"), "deny");
  EXPECT_EQ(cell("POST /api/tenants/:tenantId/leads/:leadId/converted", "practice_admin"),
            "conditional: own tenant only");
  EXPECT_EQ(cell("GET /api/admin/tenants", "practice_admin"), "deny");
  EXPECT_EQ(cell("GET /api/admin/tenants", "platform_admin"), "allow");
  EXPECT_EQ(cell("GET /api/admin/tenant-export", "platform_admin"), "allow");
  EXPECT_EQ(cell("POST /api/admin/tenants/:tenantId/suspend", "platform_admin"),
            "conditional: needs a valid `destructive_ops` credential");
  EXPECT_EQ(cell("* /api/cron/**", "staff"), "conditional: needs a valid `scheduler` credential");
  EXPECT_EQ(cell("* /api/cron/audit-retention", "platform_admin"),
            "conditional: needs valid `retention` and `scheduler` credentials");
  EXPECT_EQ(cell("POST /api/auth/login", "staff"), "allow");

  auto mobile = cordon::access_matrix(*bundle_, "mobile");
  auto r =
      std::find(mobile.routes.begin(), mobile.routes.end(), "GET /api/tenants/:tenantId/audit");
  ASSERT_NE(r, mobile.routes.end());
  for (const auto& c : mobile.cells[r - mobile.routes.begin()]) EXPECT_EQ(c, "deny");
}

TEST_F(ElaygentBundle, AccessMatrixRenderings) {
  auto m = cordon::access_matrix(*bundle_, "desktop");
  std::string md = m.to_markdown();
  EXPECT_NE(
      md.find("| route | action | compliance_officer | platform_admin | practice_admin | staff |"),
      std::string::npos)
      << md;
  EXPECT_NE(
      md.find("| `GET /api/admin/tenants` | `list_all_tenants` | deny | allow | deny | deny |"),
      std::string::npos)
      << md;
  std::string csv = m.to_csv();
  EXPECT_EQ(csv.rfind("route,action,compliance_officer,platform_admin,practice_admin,staff\r\n", 0),
            0u);
  EXPECT_EQ(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')), m.routes.size() + 1);
  EXPECT_NE(csv.find("GET /api/admin/tenants,list_all_tenants,deny,allow,deny,deny\r\n"),
            std::string::npos);
  std::string html = m.to_html();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);  // self-contained: nothing to fetch
  EXPECT_NE(html.find("<td class=\"conditional\">conditional<span class=\"note\">own tenant "
                      "only</span></td>"),
            std::string::npos);
  EXPECT_NE(html.find("needs a valid <code>scheduler</code> credential"), std::string::npos);
  json j = json::parse(m.to_json());
  EXPECT_EQ(j["surface"], "desktop");
  EXPECT_EQ(j["cells"].size(), m.routes.size());
  EXPECT_EQ(j["roles"].size(), 4u);
}

// ---- The JSON calls ----------------------------------------------------------------------

TEST_F(ElaygentBundle, DomainJsonDecideRoute) {
  std::string answer = cordon::domain_json::decide_route(*bundle_, R"({"method": "GET",
      "path": "/api/tenants/acme/dashboard", "surface": "mobile",
      "session": {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"}})");
  auto j = nlohmann::ordered_json::parse(answer);
  EXPECT_EQ(j["type"], "success");
  EXPECT_EQ(j["decision"]["allow"], true);
  EXPECT_EQ(j["decision"]["obligations"]["scrubProfile"], "dashboard");
  EXPECT_EQ(answer.rfind(R"({"type":"success","decision":{"allow":true,"status":200,)", 0), 0u);

  auto failure = json::parse(cordon::domain_json::decide_route(*bundle_, R"({"method": "GET"})"));
  EXPECT_EQ(failure["type"], "failure");
  EXPECT_NE(failure["errors"][0]["message"].get<std::string>().find("needs `path`"),
            std::string::npos);
  auto not_json = json::parse(cordon::domain_json::decide_route(*bundle_, "{"));
  EXPECT_EQ(not_json["type"], "failure");
  auto not_utf8 = json::parse(cordon::domain_json::decide_route(
      *bundle_, "{\"method\": \"GET\", \"path\": \"/\xff\", \"surface\": \"desktop\"}"));
  EXPECT_EQ(not_utf8["type"], "failure");
}

TEST_F(ElaygentBundle, DomainJsonAccessMatrix) {
  auto md = json::parse(cordon::domain_json::access_matrix(*bundle_, R"({"surface": "mobile",
                                                                          "format": "markdown"})"));
  EXPECT_EQ(md["type"], "success");
  EXPECT_NE(md["matrix"].get<std::string>().find("surface `mobile`"), std::string::npos);
  auto j = json::parse(cordon::domain_json::access_matrix(*bundle_, "{}"));
  EXPECT_EQ(j["matrix"]["surface"], "desktop");
  EXPECT_EQ(j["matrix"]["roles"].size(), 4u);
  auto unknown = json::parse(cordon::domain_json::access_matrix(*bundle_, R"({"surface": "tv"})"));
  EXPECT_EQ(unknown["type"], "failure");
  EXPECT_NE(unknown["errors"][0]["message"].get<std::string>().find("unknown surface `tv`"),
            std::string::npos);
  auto format = json::parse(cordon::domain_json::access_matrix(*bundle_, R"({"format": "pdf"})"));
  EXPECT_EQ(format["type"], "failure");
}

TEST_F(ElaygentBundle, DomainJsonFieldMaskPassesTheViewerAndSurface) {
  std::string call = R"({"payload": {"calls": [{"id": 1, "revenue_at_risk": 120}]},
      "viewer": {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"},
      "surface": "mobile", "profile": "dashboard"})";
  auto j = json::parse(cordon::domain_json::apply_field_mask(*bundle_, call));
  ASSERT_EQ(j["type"], "success") << j.dump();
  EXPECT_EQ(j["result"]["payload"], json::parse(R"({"calls": [{"id": 1}]})"));
  auto bad = json::parse(cordon::domain_json::apply_field_mask(
      *bundle_,
      R"({"payload": {}, "viewer": {"user": "pat"}, "surface": "mobile", "profile": "dashboard"})"));
  EXPECT_EQ(bad["type"], "failure");
  auto unknown = json::parse(
      cordon::domain_json::apply_field_mask(*bundle_, R"({"payload": {}, "extra": 1})"));
  EXPECT_EQ(unknown["type"], "failure");
  EXPECT_NE(unknown["errors"][0]["message"].get<std::string>().find("unknown key `extra`"),
            std::string::npos);
}

TEST(DomainJson, LoadBundleReadsFilesAndOptions) {
  json call;
  for (const auto& [name, text] : mini_files(R"({"routes": []})")) call["files"][name] = text;
  auto loaded = cordon::domain_json::load_bundle(call.dump());
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->name(), "mini");

  call["options"] = {{"requireSignature", "hmac-sha256"}, {"verificationKey", "k3y-v4lue"}};
  auto unsigned_bundle = cordon::domain_json::load_bundle(call.dump());
  ASSERT_FALSE(unsigned_bundle);
  EXPECT_EQ(unsigned_bundle.error().kind, cordon::ErrorKind::signature);
  EXPECT_EQ(unsigned_bundle.error().to_string().find("k3y-v4lue"), std::string::npos);

  call["options"] = {{"requireSignature", "rsa"}};
  auto bad_option = cordon::domain_json::load_bundle(call.dump());
  ASSERT_FALSE(bad_option);
  EXPECT_NE(bad_option.error().message.find("requireSignature"), std::string::npos);
  call["options"] = {{"verificationKeys", "x"}};
  EXPECT_FALSE(cordon::domain_json::load_bundle(call.dump()));
}

}  // namespace
