// The audit log's hash chain (audit_chain.h), on the engine's SHA-256.
#include "audit/audit_chain.h"

#include "crypto/crypto.h"

namespace cordon::server::audit {

const std::string kGenesisHash(64, '0');

namespace {

void append_u64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

void append_field(std::string& out, const std::string& text) {
  const uint32_t size = static_cast<uint32_t>(text.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(size >> shift));
  out += text;
}

}  // namespace

std::string entry_hash(const AuditEntry& entry) {
  std::string message("cordon.audit.v1", 15);
  message.push_back('\0');
  // A prev_hash that is not 64 hex digits (tampered) is hashed as it is: it cannot match.
  std::optional<std::string> prev = crypto::hex_decode(entry.prev_hash);
  append_field(message, prev && prev->size() == crypto::kSha256Size ? *prev : entry.prev_hash);
  append_u64(message, static_cast<uint64_t>(entry.seq));
  append_u64(message, static_cast<uint64_t>(entry.time_ms));
  append_field(message, entry.kind);
  append_field(message, entry.action);
  append_field(message, entry.actor);
  append_field(message, entry.tenant);
  append_field(message, entry.target);
  append_field(message, entry.details);
  return crypto::sha256_hex(message);
}

std::string runs_digest(const std::vector<PrunedRun>& runs) {
  std::string listing;
  for (const PrunedRun& run : runs) {
    listing += std::to_string(run.first_seq) + ' ' + std::to_string(run.last_seq) + ' ' +
               run.prev_hash + ' ' + run.last_hash + '\n';
  }
  return crypto::sha256_hex(listing);
}

}  // namespace cordon::server::audit
