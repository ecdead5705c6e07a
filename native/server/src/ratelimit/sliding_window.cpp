// The sliding-window arithmetic (rate_limiter.h), exact in 128-bit integers: window and
// max are bounded by the bundle (31622400 s, 10^9), so products stay far below 2^127.
#include "cordon/server/rate_limiter.h"

namespace cordon::server {

namespace {

using Wide = __int128;

int64_t floor_mod(int64_t a, int64_t b) {
  const int64_t r = a % b;
  return r < 0 ? r + b : r;
}

int64_t clamp_to_int64(Wide value) {
  if (value > INT64_MAX) return INT64_MAX;
  if (value < 0) return 0;
  return static_cast<int64_t>(value);
}

}  // namespace

SlidingWindowVerdict sliding_window(const WindowCounts& counts, int64_t window_ms, int64_t max,
                                    int64_t now_ms) {
  SlidingWindowVerdict verdict;
  if (window_ms <= 0 || max <= 0) return verdict;  // nothing is admitted under a zero limit
  const Wide w = window_ms;
  const Wide elapsed = floor_mod(now_ms, window_ms);
  const Wide p = counts.previous < 0 ? 0 : counts.previous;
  const Wide c = counts.current < 0 ? 0 : counts.current;
  const Wide budget = Wide(max) * w;
  const Wide weighted_previous = p * (w - elapsed);

  verdict.admit = weighted_previous + (c + 1) * w <= budget;
  const Wide counted = verdict.admit ? c + 1 : c;
  const Wide left = budget - weighted_previous - counted * w;
  verdict.remaining = left <= 0 ? 0 : clamp_to_int64(left / w);
  verdict.reset_ms = now_ms - static_cast<int64_t>(elapsed) + window_ms;
  if (verdict.admit) return verdict;

  // The wait until one request would be admitted, if no other request came meanwhile.
  const Wide until_window_end = w - elapsed;
  if (c + 1 <= max && p > 0) {
    // Still in this window, once enough of the previous one has slid out.
    const Wide t = until_window_end - (Wide(max) - c - 1) * w / p;
    if (t < until_window_end) {
      verdict.retry_after_ms = clamp_to_int64(t < 0 ? 0 : t);
      return verdict;
    }
  }
  // In the next window, this window's count becomes the weighted previous one.
  Wide t2 = 0;
  if (c > 0) {
    t2 = w - (Wide(max) - 1) * w / c;
    if (t2 < 0) t2 = 0;
  }
  verdict.retry_after_ms = clamp_to_int64(until_window_end + t2);
  return verdict;
}

}  // namespace cordon::server
