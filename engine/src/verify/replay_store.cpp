// MemoryReplayStore (cordon/replay_store.h).
#include "cordon/replay_store.h"

namespace cordon {

Result<bool> MemoryReplayStore::remember(std::string_view key, int64_t expires_at, int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A sweep at most once a second, or whenever the store is full.
  if (now >= next_sweep_ || expiry_.size() >= capacity_) {
    drop_expired(now);
    next_sweep_ = now + 1;
  }
  auto found = expiry_.find(std::string(key));
  if (found != expiry_.end()) {
    if (found->second > now) return false;
    found->second = expires_at;
    return true;
  }
  if (expiry_.size() >= capacity_) {
    Error error;
    error.kind = ErrorKind::verification;
    error.message = "the replay store is full (" + std::to_string(capacity_) +
                    " unexpired deliveries); refusing rather than forgetting one";
    return error;
  }
  expiry_.emplace(std::string(key), expires_at);
  return true;
}

size_t MemoryReplayStore::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return expiry_.size();
}

void MemoryReplayStore::drop_expired(int64_t now) {
  for (auto it = expiry_.begin(); it != expiry_.end();) {
    if (it->second <= now)
      it = expiry_.erase(it);
    else
      ++it;
  }
}

}  // namespace cordon
