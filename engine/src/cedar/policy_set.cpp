#include "cordon/policy_set.h"

#include <set>

#include "cedar/parser.h"
#include "cedar/policy_set_data.h"

namespace cordon {

PolicySet::PolicySet() : data_(std::make_shared<const detail::PolicySetData>()) {}
PolicySet::PolicySet(std::shared_ptr<const detail::PolicySetData> data) : data_(std::move(data)) {}

Result<PolicySet> PolicySet::parse(std::string_view text, std::string_view file_name) {
  auto parsed = cedar::parse_policies(text, file_name);
  if (!parsed) return parsed.error();
  auto data = std::make_shared<detail::PolicySetData>();
  std::set<std::string, std::less<>> ids;
  for (auto& p : parsed.value()) {
    if (!ids.insert(p.id).second) {
      Error err;
      err.kind = ErrorKind::parse;
      err.message = "duplicate policy id `" + p.id + "`";
      err.location = p.body->location;
      return err;
    }
    cedar::Policy policy;
    policy.id = std::move(p.id);
    policy.body = std::move(p.body);
    if (policy.body->is_template()) data->templates.push_back(std::move(policy));
    else data->policies.push_back(std::move(policy));
  }
  return PolicySet(std::move(data));
}

size_t PolicySet::size() const { return data_->policies.size(); }

std::vector<std::string> PolicySet::ids() const {
  std::vector<std::string> out;
  out.reserve(data_->policies.size());
  for (const auto& p : data_->policies) out.push_back(p.id);
  return out;
}

}  // namespace cordon
