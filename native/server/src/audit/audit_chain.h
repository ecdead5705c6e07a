// The audit log's hash chain: how an entry's hash is computed from the previous hash and
// its content, and the digest a checkpoint keeps of the runs it pruned. audit_log.h gives
// the exact byte layout.
#pragma once

#include <string>
#include <vector>

#include "cordon/server/audit_store.h"

namespace cordon::server::audit {

// The previous hash of the first entry: 64 zeros.
extern const std::string kGenesisHash;

// Hex SHA-256 of entry.prev_hash and the entry's content (seq, time, kind, action, actor,
// tenant, target, details); entry.hash is not read.
std::string entry_hash(const AuditEntry& entry);

// Hex SHA-256 over "first last prev_hash last_hash\n" for each run, in the given order.
std::string runs_digest(const std::vector<PrunedRun>& runs);

}  // namespace cordon::server::audit
