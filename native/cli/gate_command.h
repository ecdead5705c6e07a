// `cordon gate`: checks a destructive workflow's preconditions and lists every unmet gate.
//
//   $ actor='{"user":"opal","roles":["platform_admin"],"tenant":"elaygent","status":"active"}'
//   $ cordon gate --workflow hard_delete_tenant --actor "$actor" --facts facts.json
//   REFUSED  hard_delete_tenant
//     unmet  no_legal_hold: The tenant is under legal hold (gate-hard-delete-no-legal-hold)
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kGateHelp[];

// Exit status when the check was made and the workflow is not allowed.
inline constexpr int kExitGateRefused = 3;

int run_gate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace cordon::cli
