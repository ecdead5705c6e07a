// libFuzzer target: the telemetry scrubber, which reads whatever an application sends as an
// error event, without building a DOM (engine/src/telemetry, engine/src/json/json_reader).
//
// The same bytes are scrubbed as an event with the default bundle's error-monitoring profile
// through the C++ call and through the domain JSON call (as the bindings do). None may crash,
// and:
//   - an event the scrubber accepts is JSON nlohmann_json accepts, and so is what it writes;
//   - both calls accept the same events and write the same scrubbed event;
//   - scrubbing the scrubbed event again succeeds and removes nothing (removed keys are gone).
//
//   ./fuzz_scrub build/fuzz-seeds/scrub
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cordon/bundle.h"
#include "cordon/domain_json.h"
#include "cordon/masks.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

const cordon::Bundle& elaygent() {
  static const cordon::Bundle bundle = [] {
    namespace fs = std::filesystem;
    const fs::path root = fs::path(CORDON_SOURCE_DIR) / "policies" / "elaygent";
    cordon::BundleFiles files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      files[fs::relative(entry.path(), root).generic_string()] = text.str();
    }
    auto loaded = cordon::Bundle::load(files);
    if (!loaded) std::abort();
    return std::move(loaded).value();
  }();
  return bundle;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view event(reinterpret_cast<const char*>(data), size);
  const cordon::Bundle& bundle = elaygent();
  auto scrubbed = cordon::scrub_telemetry(bundle, event, "error-monitoring");
  const std::string answer = cordon::domain_json::scrub_telemetry(
      bundle, R"({"event":)" + std::string(event) + R"(,"profile":"error-monitoring"})");
  check(nlohmann::json::accept(answer));
  const auto parsed = nlohmann::json::parse(answer);
  if (!scrubbed) {
    // The call refuses it too: the event's text cannot join the call's own text into a
    // well-formed call.
    check(parsed["type"] == "failure");
    return 0;
  }
  check(nlohmann::json::accept(event));
  check(nlohmann::json::accept(scrubbed->event_json));
  check(parsed["type"] == "success");
  check(parsed["result"]["event"].dump() == nlohmann::json::parse(scrubbed->event_json).dump());
  auto again = cordon::scrub_telemetry(bundle, scrubbed->event_json, "error-monitoring");
  check(static_cast<bool>(again) && again->removed.empty());
  return 0;
}
