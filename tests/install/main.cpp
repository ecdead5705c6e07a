// Decides one request through the installed library, and appends to and verifies an audit
// log through the installed server library; exits 0 only on the expected answers.
#include <cordon/authorizer.h>
#include <cordon/server/audit_log.h>
#include <cordon/version.h>

#include <filesystem>
#include <iostream>

// An audit log in a temporary folder: one typed entry appended, an unknown action refused,
// the chain verified.
bool audit_log_works() {
  cordon::BundleFiles files;
  files["bundle.json"] = R"({"name": "consumer", "revision": "1", "policies": ["p.cedar"],
      "entities": "entities.json", "audit_actions": ["tenant.export"]})";
  files["p.cedar"] = "@id(\"none\")\nforbid (principal, action, resource);\n";
  files["entities.json"] = "[]";
  auto bundle = cordon::Bundle::load(files);
  const auto dir = std::filesystem::temp_directory_path() / "cordon-install-consumer";
  std::filesystem::remove_all(dir);
  auto store = cordon::server::open_sqlite_audit_store({.path = (dir / "audit.db").string()});
  if (!bundle || !store) return false;
  cordon::server::AuditLog log(*store, *bundle);
  auto entry = log.append({.action = "tenant.export", .actor = "ops", .tenant = "acme"});
  auto refused = log.append({.action = "tenant.exprot", .actor = "ops", .tenant = "acme"});
  auto report = log.verify();
  std::cout << "audit log: " << (report ? report->to_json() : "error") << "\n";
  std::filesystem::remove_all(dir);
  return entry && !refused && report && report->ok && report->entries == 1;
}

int main() {
  auto policies = cordon::PolicySet::parse(R"(
      permit(principal == User::"alice", action == Action::"view", resource);
      forbid(principal, action, resource) when { resource.private };)");
  auto entities = cordon::Entities::from_json(R"([
      {"uid": {"type": "Photo", "id": "a"}, "attrs": {"private": false}, "parents": []},
      {"uid": {"type": "Photo", "id": "b"}, "attrs": {"private": true}, "parents": []}])");
  if (!policies || !entities) return 2;
  for (const char* photo : {"a", "b"}) {
    auto request = cordon::Request::make({"User", "alice"}, {"Action", "view"}, {"Photo", photo});
    if (!request) return 2;
    cordon::Response answer = cordon::is_authorized(*request, *policies, *entities);
    std::cout << "cordon " << cordon::version() << " Photo::\"" << photo
              << "\": " << answer.to_json() << "\n";
    bool expected_allow = std::string(photo) == "a";
    if ((answer.decision == cordon::Decision::allow) != expected_allow) return 1;
  }
  return audit_log_works() ? 0 : 1;
}
