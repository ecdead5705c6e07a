// A replay store remembers which signed messages (webhook deliveries) were already accepted,
// for as long as they could still pass the timestamp check, so that each is accepted once.
//
//   cordon::MemoryReplayStore seen;                      // one process; tests, edge workers
//   Result<bool> fresh = seen.remember(key, expires_at, now);
//   if (!fresh) ...      // the store failed: refuse the message (fail closed)
//   if (!*fresh) ...     // already seen: a replay
//
// The interface is small so that a shared store (SQLite for several processes on one
// machine, Redis for many machines) can stand in for the in-memory one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cordon/error.h"

namespace cordon {

class ReplayStore {
 public:
  virtual ~ReplayStore() = default;

  // Records `key` as seen until `expires_at` (Unix seconds). true when the key was not
  // already recorded (or its record had expired at `now`), false when it was: a replay.
  // An Error when the store cannot answer; the caller must then refuse the message.
  virtual Result<bool> remember(std::string_view key, int64_t expires_at, int64_t now) = 0;
};

// In one process's memory, thread-safe. Expired keys are dropped as new ones come; when
// `capacity` unexpired keys are held, remember() fails (closed) rather than forget one.
class MemoryReplayStore : public ReplayStore {
 public:
  explicit MemoryReplayStore(size_t capacity = 100000) : capacity_(capacity) {}

  Result<bool> remember(std::string_view key, int64_t expires_at, int64_t now) override;
  size_t size() const;

 private:
  void drop_expired(int64_t now);

  size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int64_t> expiry_;
  int64_t next_sweep_ = 0;
};

}  // namespace cordon
