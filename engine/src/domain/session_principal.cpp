#include "domain/session_principal.h"

namespace cordon::domain {

Result<SessionPrincipal> session_principal(const BundleData& bundle, const Session& session) {
  SessionPrincipal out;
  out.entities.base = &bundle.entities.store();
  detail::Entity user;
  user.uid = {"User", session.user};
  cedar::RecordFields attrs;
  cedar::SetElements roles;
  for (const auto& role : session.roles) {
    cedar::EntityUid uid{"Role", role};
    if (!bundle.entities.store().find(uid)) {
      Error err;
      err.kind = ErrorKind::domain;
      err.message = "role `" + role + "` is not declared in bundle `" + bundle.manifest.name + "`";
      return err;
    }
    user.parents.push_back(uid);
    roles.push_back(cedar::Value::string(role));
  }
  attrs.emplace("roles", cedar::Value::set(std::move(roles)));
  attrs.emplace("status", cedar::Value::string(session.status));
  if (!session.tenant.empty()) {
    cedar::EntityUid tenant{"Tenant", session.tenant};
    user.parents.push_back(tenant);
    attrs.emplace("tenant", cedar::Value::entity(tenant));
  }
  user.attrs = cedar::Value::record(std::move(attrs));
  out.principal = cedar::Value::entity(user.uid);
  out.entities.insert_or_assign(std::move(user));
  out.entities.compute_ancestors();
  return out;
}

SessionPrincipal credential_principal(const BundleData& bundle, const std::string& credential) {
  SessionPrincipal out;
  out.entities.base = &bundle.entities.store();
  out.principal =
      cedar::Value::entity(credential.empty() ? cedar::EntityUid{"Anonymous", "anonymous"}
                                              : cedar::EntityUid{"Credential", credential});
  return out;
}

}  // namespace cordon::domain
