// A PolicySet is a parsed, immutable set of Cedar policies, ready to evaluate.
//
//   auto set = cordon::PolicySet::parse(R"(
//       permit(principal == User::"alice", action, resource in Folder::"shared");
//   )", "shared.cedar");
//   if (!set) return set.error();             // shared.cedar:2:...: parse error: ...
//   set->ids();                               // {"policy0"}
//
// Policies are named policy0..N by position, as in Cedar; annotations, @id included, do
// not rename them (a Bundle names its policies by @id).
// Copies are cheap: the parsed policies are shared, never modified.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/entity_ref.h"
#include "cordon/error.h"

namespace cordon {

namespace detail {
struct PolicySetData;
}

class PolicySet {
 public:
  // An empty set (which denies everything).
  PolicySet();

  // Parses Cedar policy text (policies and templates). file_name is only used in
  // error locations.
  static Result<PolicySet> parse(std::string_view text, std::string_view file_name = {});

  // Reads the policy-set JSON form, as @cedar-policy/cedar-wasm takes it:
  //   {"staticPolicies": text | [policy...] | {id: policy},
  //    "templates": {id: policy}, "templateLinks": [{"templateId", "newId", "values"}]}
  // where each policy is Cedar text or Cedar's JSON policy format. Policy text alone
  // (a JSON string) is accepted too.
  static Result<PolicySet> from_json(std::string_view json);

  // A copy of this set with template `template_id` linked as policy `new_id`, its slots
  // filled from `slots` ("?principal", "?resource").
  Result<PolicySet> link(std::string_view template_id, std::string_view new_id,
                         const std::map<std::string, EntityRef>& slots) const;

  // The policy-set JSON form, every policy in Cedar's JSON policy format.
  std::string to_json() const;

  size_t size() const;
  std::vector<std::string> ids() const;  // static and linked policies
  std::vector<std::string> template_ids() const;

  const detail::PolicySetData& data() const { return *data_; }

  // For the engine's own use: wraps already-built internal data.
  explicit PolicySet(std::shared_ptr<const detail::PolicySetData> data);

 private:
  std::shared_ptr<const detail::PolicySetData> data_;
};

}  // namespace cordon
