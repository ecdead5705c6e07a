#!/usr/bin/env bash
# Runs one fuzz target with the project's standard options, at low priority.
#
#   tests/fuzz/run.sh fuzz_policy_parser [seconds=600] [extra libFuzzer flags...]
#
# Needs `cmake --preset fuzz && cmake --build --preset fuzz` and the seeds
# (`python3 tests/fuzz/make_seeds.py`). New inputs go to build/fuzz-corpus/<kind>/,
# crashes, leaks and timeouts to build/fuzz-artifacts/<target>/, the log to
# build/fuzz-logs/<target>.log. Run one target at a time: each uses a whole core.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${1:?usage: run.sh <fuzz_policy_parser|fuzz_entities_json|fuzz_schema_parser|fuzz_verify|fuzz_scrub> [seconds] [flags...]}"
seconds="${2:-600}"
shift $(($# < 2 ? $# : 2))

case "$target" in
  fuzz_policy_parser) kind=policy ;;
  fuzz_entities_json) kind=json ;;
  fuzz_schema_parser) kind=schema ;;
  fuzz_verify) kind=verify ;;
  fuzz_scrub) kind=scrub ;;
  *) echo "unknown target: $target" >&2; exit 2 ;;
esac

binary="$root/build/fuzz/tests/fuzz/$target"
[[ -x "$binary" ]] || { echo "not built: $binary (cmake --build --preset fuzz)" >&2; exit 1; }
[[ -d "$root/build/fuzz-seeds/$kind" ]] || python3 "$root/tests/fuzz/make_seeds.py"

mkdir -p "$root/build/fuzz-corpus/$kind" "$root/build/fuzz-artifacts/$target" "$root/build/fuzz-logs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
nice -n 10 "$binary" \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=4096 \
  -dict="$root/tests/fuzz/cedar.dict" -print_final_stats=1 \
  -artifact_prefix="$root/build/fuzz-artifacts/$target/" \
  "$@" "$root/build/fuzz-corpus/$kind" "$root/build/fuzz-seeds/$kind" \
  2>&1 | tee "$root/build/fuzz-logs/$target.log"
