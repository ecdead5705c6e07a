// The SQLite replay store: cordon::ReplayStore (cordon/replay_store.h) in a database file, so
// that every process on one machine accepts each webhook delivery once. The in-memory store
// of the engine serves one process; a Redis store would serve many machines.
//
//   auto store = cordon::server::open_sqlite_replay_store({.path = "/var/lib/cordon/replay.db"});
//   if (!store) ...                                   // fail closed: refuse deliveries
//   auto verdict = cordon::webhook::verify(delivery, secrets,
//                                          {.now = now, .replay_store = store->get()});
//
// One BEGIN IMMEDIATE transaction per delivery: two processes given the same delivery at the
// same moment see one accept it and the other find it. Expired keys are deleted as new ones
// are written.
#pragma once

#include <memory>

#include "cordon/error.h"
#include "cordon/replay_store.h"
#include "cordon/server/sqlite_options.h"

namespace cordon::server {

Result<std::shared_ptr<ReplayStore>> open_sqlite_replay_store(const SqliteOptions& options);

}  // namespace cordon::server
