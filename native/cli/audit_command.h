// `cordon audit`: the audit log on SQLite (native/server): append typed entries, query and
// export a filtered set, verify the hash chain, and prune by the retention gate.
//
//   $ cordon audit append --db audit.db --action tenant.export --actor ops --tenant acme
//   appended entry 1  2026-12-04T12:00:00.000Z  tenant.export  hash 3f2a9c...
//   $ cordon audit verify --db audit.db
//   OK  1 entries (0 checkpoints, 0 pruned)  head 1 3f2a9c...
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kAuditHelp[];

// Exit status when verify finds a problem or prune is refused by the retention gate.
inline constexpr int kExitAuditFailed = 3;

int run_audit(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
              std::ostream& err);

}  // namespace cordon::cli
