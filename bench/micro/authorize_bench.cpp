// Per-decision cost of cordon::is_authorized on synthetic RBAC-with-tenants policy sets.
//
// The entity set is fixed (10 tenants, 40 users, 80 documents, roles, action groups) while the
// policy count grows: each tenant "tK" contributes 10 policies, and tenants beyond the ten that
// exist stand for other customers' policies, which a request can never match. So the numbers
// show how the cost of a decision grows with the number of policies.
//
//   cmake --preset native -B build/native-perf -DCORDON_BUILD_BENCH=ON
//   cmake --build build/native-perf --target cordon_authorize_bench
//   build/native-perf/bench/micro/cordon_authorize_bench
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "cordon/authorizer.h"

namespace {

constexpr int kTenants = 10;
constexpr int kUsers = 40;
constexpr int kDocuments = 80;
const char* const kRoles[] = {"admin", "editor", "viewer"};
const char* const kActions[] = {"read", "list", "edit", "delete", "share"};

std::string tenant(int k) {
  return "t" + std::to_string(k);
}
std::string user_id(int i) {
  return tenant(i % kTenants) + "-u" + std::to_string(i);
}
std::string doc_id(int j) {
  return tenant(j % kTenants) + "-d" + std::to_string(j);
}

template <typename T>
T check(cordon::Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().to_string().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

// The ten policies of one tenant.
std::string tenant_policies(int k) {
  const std::string t = tenant(k);
  std::string s;
  s += "permit(principal in Role::\"" + t + "-admin\", action, resource in Tenant::\"" + t +
       "\");\n";
  s += "permit(principal in Role::\"" + t +
       "-editor\", action in [Action::\"read\", Action::\"edit\", Action::\"list\"], resource in "
       "Tenant::\"" +
       t + "\");\n";
  s += "permit(principal in Role::\"" + t +
       "-viewer\", action in Action::\"view_surface\", resource in Tenant::\"" + t + "\");\n";
  s += "permit(principal in Tenant::\"" + t +
       "\", action == Action::\"edit\", resource in Tenant::\"" + t +
       "\") when { resource.owner == principal };\n";
  s += "forbid(principal, action == Action::\"delete\", resource in Tenant::\"" + t +
       "\") unless { context.mfa };\n";
  s += "forbid(principal in Tenant::\"" + t +
       "\", action, resource) when { resource.classification == \"secret\" && !(principal in "
       "Role::\"" +
       t + "-admin\") };\n";
  s += "permit(principal == User::\"" + user_id(k) +
       "\", action == Action::\"read\", resource in Tenant::\"" + t + "\");\n";
  s += "permit(principal in Role::\"" + t +
       "-editor\", action == Action::\"share\", resource in Tenant::\"" + t +
       "\") when { context.hour >= 8 && context.hour < 18 };\n";
  s += "forbid(principal, action in [Action::\"edit\", Action::\"delete\"], resource in "
       "Tenant::\"" +
       t + "\") when { resource has locked && resource.locked };\n";
  s += "permit(principal is User in Tenant::\"" + t +
       "\", action == Action::\"list\", resource is Document in Tenant::\"" + t +
       "\") when { ip(context.ip).isInRange(ip(\"10.0.0.0/8\")) };\n";
  return s;
}

// Application-wide policies with conditions on attributes and context, no tenant in scope.
const char* const kAppPolicies = R"(
permit(principal, action in Action::"view_surface", resource) when { principal.tenant == resource.tenant };
permit(principal, action == Action::"edit", resource) when { resource.owner == principal };
forbid(principal, action, resource) when { principal.tenant != resource.tenant };
forbid(principal, action == Action::"delete", resource) unless { context.mfa };
permit(principal, action == Action::"delete", resource) when { principal.level >= 3 && resource.owner == principal };
forbid(principal, action, resource) when { resource has locked && resource.locked && action != Action::"read" };
permit(principal, action == Action::"share", resource) when { context.hour >= 8 && context.hour < 18 && principal.level >= 2 };
forbid(principal, action, resource) when { resource.classification == "secret" && principal.level < 4 };
permit(principal, action, resource) when { principal.flags.contains("superuser") };
permit(principal is User, action == Action::"list", resource is Document) when { ip(context.ip).isInRange(ip("10.0.0.0/8")) };
forbid(principal, action, resource) when { context has blocked && context.blocked };
permit(principal, action == Action::"read", resource) when { resource.shared_with.contains(principal) };
)";

std::string entities_json() {
  std::string s = "[";
  auto add = [&](const std::string& e) {
    if (s.size() > 1) s += ",";
    s += e;
  };
  auto uid = [](const std::string& type, const std::string& id) {
    return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\"}";
  };
  for (int k = 0; k < kTenants; ++k) {
    add("{\"uid\":" + uid("Tenant", tenant(k)) + ",\"attrs\":{},\"parents\":[]}");
    for (const char* role : kRoles)
      add("{\"uid\":" + uid("Role", tenant(k) + "-" + role) + ",\"attrs\":{},\"parents\":[]}");
  }
  for (int i = 0; i < kUsers; ++i) {
    const std::string t = tenant(i % kTenants);
    add("{\"uid\":" + uid("User", user_id(i)) + ",\"attrs\":{\"tenant\":" + uid("Tenant", t) +
        ",\"level\":" + std::to_string(i % 5) + ",\"flags\":[" +
        (i == 7 ? "\"superuser\"" : "\"staff\"") + "]},\"parents\":[" +
        uid("Role", t + "-" + kRoles[(i / kTenants) % 3]) + "," + uid("Tenant", t) + "]}");
  }
  for (int j = 0; j < kDocuments; ++j) {
    const int k = j % kTenants;
    const int owner = k + kTenants * ((j / kTenants) % (kUsers / kTenants));
    std::string attrs = "{\"tenant\":" + uid("Tenant", tenant(k)) +
                        ",\"owner\":" + uid("User", user_id(owner)) + ",\"classification\":\"" +
                        (j % 7 == 0 ? "secret" : "internal") + "\",\"shared_with\":[" +
                        uid("User", user_id((owner + 10) % kUsers)) + "]";
    if (j % 3 == 0) attrs += std::string(",\"locked\":") + (j % 5 == 0 ? "true" : "false");
    attrs += "}";
    add("{\"uid\":" + uid("Document", doc_id(j)) + ",\"attrs\":" + attrs + ",\"parents\":[" +
        uid("Tenant", tenant(k)) + "]}");
  }
  for (const char* a : kActions) {
    bool view = std::string(a) == "read" || std::string(a) == "list";
    add("{\"uid\":" + uid("Action", a) + ",\"attrs\":{},\"parents\":[" +
        (view ? uid("Action", "view_surface") : "") + "]}");
  }
  add("{\"uid\":" + uid("Action", "view_surface") + ",\"attrs\":{},\"parents\":[]}");
  return s + "]";
}

// Mostly users acting inside their own tenant, some across tenants, an unknown user now and then.
std::vector<cordon::Request> make_requests(size_t n) {
  std::mt19937 rng(42);
  std::vector<cordon::Request> out;
  for (size_t r = 0; r < n; ++r) {
    int i = rng() % kUsers;
    int j = rng() % 10 < 8 ? (i % kTenants) + kTenants * (rng() % (kDocuments / kTenants))
                           : rng() % kDocuments;
    std::string principal = rng() % 50 == 0 ? "nobody" : user_id(i);
    std::string json = "{\"principal\":{\"type\":\"User\",\"id\":\"" + principal +
                       "\"},\"action\":{\"type\":\"Action\",\"id\":\"" + kActions[rng() % 5] +
                       "\"},\"resource\":{\"type\":\"Document\",\"id\":\"" + doc_id(j) +
                       "\"},\"context\":{\"mfa\":" + (rng() % 4 ? "true" : "false") +
                       ",\"hour\":" + std::to_string(rng() % 24) + ",\"ip\":\"" +
                       (rng() % 3 ? "10.1.2.3" : "192.168.0.9") + "\"}}";
    out.push_back(check(cordon::Request::from_json(json), "request"));
  }
  return out;
}

void run(benchmark::State& state, const std::string& policy_text) {
  const auto policies = check(cordon::PolicySet::parse(policy_text), "policies");
  const auto entities = check(cordon::Entities::from_json(entities_json()), "entities");
  const auto requests = make_requests(1024);
  // A digest of every answer (decision, reasons, errors): equal before and after a change to
  // the engine when its answers are unchanged.
  uint32_t digest = 2166136261u;
  for (const auto& request : requests)
    for (char c : cordon::is_authorized(request, policies, entities).to_json())
      digest = (digest ^ uint8_t(c)) * 16777619u;
  size_t i = 0;
  for (auto _ : state) {
    cordon::Response r = cordon::is_authorized(requests[i], policies, entities);
    benchmark::DoNotOptimize(r);
    i = (i + 1) % requests.size();
  }
  state.counters["policies"] = double(policies.size());
  state.SetLabel("answers " + std::to_string(digest));
}

void BM_Tenants(benchmark::State& state) {
  const int tenants = int(state.range(0)) / 10;
  std::string text;
  for (int k = 0; k < tenants; ++k) text += tenant_policies(k);
  run(state, text);
}
BENCHMARK(BM_Tenants)->Arg(10)->Arg(100)->Arg(1000)->Arg(10000);

// A small application policy set: conditions on attributes, context, `in` and extensions.
void BM_Small(benchmark::State& state) {
  run(state, std::string(kAppPolicies) + tenant_policies(0));
}
BENCHMARK(BM_Small);

}  // namespace

BENCHMARK_MAIN();
