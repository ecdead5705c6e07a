// The data behind cordon::PolicySet and cordon::Request.
#pragma once

#include <string>
#include <vector>

#include "cedar/ast.h"
#include "cedar/value.h"

namespace cordon::detail {

struct PolicySetData {
  std::vector<cedar::Policy> policies;   // static policies and template links, in order
  std::vector<cedar::Policy> templates;  // not evaluated; linked into `policies`
};

struct RequestData {
  cedar::Value principal;  // entity values, so evaluation does not rebuild them
  cedar::Value action;
  cedar::Value resource;
  cedar::Value context;  // a record
};

}  // namespace cordon::detail
