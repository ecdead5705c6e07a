// The Cedar principal of a session: User::"<user>" in its roles and tenant, with
// attributes {tenant, status, roles}, held in a small overlay on top of the bundle's
// static entities so that nothing is copied per request.
#pragma once

#include "cedar/entity_store.h"
#include "cedar/value.h"
#include "cordon/routes.h"
#include "domain/bundle_data.h"

namespace cordon::domain {

struct SessionPrincipal {
  detail::EntityStore entities;  // the overlay; base = the bundle's entities
  cedar::Value principal;
};

// Fails (a domain error) when a role is not declared as a Role entity in the bundle.
Result<SessionPrincipal> session_principal(const BundleData& bundle, const Session& session);

// A principal for a route without a session: Credential::"<name>" (or Anonymous::"anonymous").
SessionPrincipal credential_principal(const BundleData& bundle, const std::string& credential);

}  // namespace cordon::domain
