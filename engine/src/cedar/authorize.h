// The authorizer on the engine's internal data, for callers (the domain calls) that
// build requests and entity overlays themselves.
#pragma once

#include "cedar/entity_store.h"
#include "cedar/policy_set_data.h"
#include "cordon/authorizer.h"

namespace cordon::cedar {

Response authorize(const detail::RequestData& request, const detail::PolicySetData& policies,
                   const detail::EntityStore& entities);

}  // namespace cordon::cedar
