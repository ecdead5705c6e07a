// Decides one request through the installed library; exits 0 only on the expected answer.
#include <cordon/authorizer.h>
#include <cordon/version.h>

#include <iostream>

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
    std::cout << "cordon " << cordon::version() << " Photo::\"" << photo << "\": " << answer.to_json()
              << "\n";
    bool expected_allow = std::string(photo) == "a";
    if ((answer.decision == cordon::Decision::allow) != expected_allow) return 1;
  }
  return 0;
}
