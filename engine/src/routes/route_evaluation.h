// The pieces of route decisions shared by decide_route, the access matrix and the
// JSON calls: deciding an already matched route, the decision's JSON form, and
// reading a session object.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cedar/entity_store.h"
#include "cordon/routes.h"
#include "domain/bundle_data.h"
#include "json/located_json.h"
#include "routes/route_table.h"

namespace cordon::routes {

// The decision for a request already matched to `match.route` (decide_route matches
// first; the access matrix builds requests for each route and calls this directly).
// With `record_cedar_call`, the decision carries the Cedar call it made (cedar_call).
RouteDecision decide_matched(const domain::BundleData& bundle, const domain::RouteMatch& match,
                             const RouteRequest& request, bool record_cedar_call = false);

// RouteDecision::cedar_call's JSON: cedar-wasm's call shape without policies.
std::string cedar_call_json(const detail::RequestData& request,
                            const detail::EntityStore& entities);

// RouteDecision::to_json's object, for embedding in a larger answer.
nlohmann::ordered_json decision_to_json(const RouteDecision& decision);

// {"user", "roles"?, "tenant"?, "status"} at `pointer` of `doc`; unknown keys are errors.
Result<Session> session_from_json(const json::LocatedJson& doc, const std::string& pointer);

}  // namespace cordon::routes
