// A PolicySet is a parsed, immutable set of Cedar policies, ready to evaluate.
//
//   auto set = cordon::PolicySet::parse(R"(
//       permit(principal == User::"alice", action, resource in Folder::"shared");
//   )", "shared.cedar");
//   if (!set) return set.error();             // shared.cedar:2:...: parse error: ...
//   set->ids();                               // {"policy0"}
//
// Policies are named policy0..N by position unless annotated with @id("...").
// Copies are cheap: the parsed policies are shared, never modified.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/error.h"

namespace cordon {

namespace detail {
struct PolicySetData;
}

class PolicySet {
 public:
  // An empty set (which denies everything).
  PolicySet();

  // Parses Cedar policy text. file_name is only used in error locations.
  static Result<PolicySet> parse(std::string_view text, std::string_view file_name = {});

  size_t size() const;
  std::vector<std::string> ids() const;

  const detail::PolicySetData& data() const { return *data_; }

 // For the engine's own use: wraps already-built internal data.
  explicit PolicySet(std::shared_ptr<const detail::PolicySetData> data);

 private:
  std::shared_ptr<const detail::PolicySetData> data_;
};

}  // namespace cordon
