// Where and how the native stores keep their SQLite database. SQLite is the embedded
// default behind the AuditStore and RateLimitStore interfaces: one file on one machine,
// shared by every process that opens it (WAL mode, writers serialized by transactions).
//
//   cordon::server::SqliteOptions options{.path = "/var/lib/cordon/audit.db"};
//   auto store = cordon::server::open_sqlite_audit_store(options);  // created on first use
#pragma once

#include <optional>
#include <string>

#include "cordon/error.h"

namespace cordon::server {

// No value: success; otherwise what failed.
using Status = std::optional<Error>;

struct SqliteOptions {
  // The database file; it and its parent folders are created on first use (unless read_only).
  std::string path;
  // How long a writer waits for another process's transaction before giving up (and the
  // caller fails closed).
  int busy_timeout_ms = 5000;
  // Open an existing database for reading only (auditors): nothing is created or written.
  bool read_only = false;
  // synchronous=FULL: a committed transaction survives a power loss, not only a crash of the
  // process. NORMAL (false) survives a crash of the process; it is what rate limits use.
  bool durable = true;
};

}  // namespace cordon::server
