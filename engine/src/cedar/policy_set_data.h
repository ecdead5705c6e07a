// The data behind cordon::PolicySet and cordon::Request.
#pragma once

#include <string>
#include <vector>

#include "cedar/ast.h"
#include "cedar/policy_index.h"
#include "cedar/value.h"

namespace cordon::detail {

struct PolicySetData {
  std::vector<cedar::Policy> policies;   // static policies and template links, in order
  std::vector<cedar::Policy> templates;  // not evaluated; linked into `policies`

  // `policies` filed by scope (built on first use, again if `policies` changed).
  const cedar::PolicyIndex& index() const { return index_cache.get(policies); }
  cedar::PolicyIndexCache index_cache;
};

struct RequestData {
  cedar::Value principal;  // entity values, so evaluation does not rebuild them
  cedar::Value action;
  cedar::Value resource;
  cedar::Value context;  // a record
};

}  // namespace cordon::detail
