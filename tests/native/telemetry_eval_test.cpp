// The telemetry scrub profiles of the default bundle measured on the labelled set
// tests/telemetry/events.jsonl (tools/scrub-eval/make_events.py): every planted secret and at
// least 99% of the planted PII removed, every benign value kept. Prints the report, with the
// false-positive rate (docs/telemetry-scrubbing.md defines the measures); the same report is
//   cordon scrub --evaluate tests/telemetry/events.jsonl --profile error-monitoring
#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>

#include "bundle/bundle_reader.h"
#include "conformance/text_file.h"
#include "scrub_eval/scrub_eval.h"

#ifndef CORDON_SOURCE_DIR
#error "CORDON_SOURCE_DIR must name the repository (tests/CMakeLists.txt defines it)"
#endif

namespace {

const std::filesystem::path kSource = CORDON_SOURCE_DIR;

cordon::native::ScrubEvaluation evaluate(const char* profile) {
  cordon::BundleLoadOptions options;
  options.scrub_hash_key = "telemetry-eval-key";
  auto bundle = cordon::native::load_bundle_directory(kSource / "policies" / "elaygent", options);
  EXPECT_TRUE(bundle) << bundle.error().to_string();
  auto set = cordon::native::read_text_file(kSource / "tests" / "telemetry" / "events.jsonl");
  EXPECT_TRUE(set) << set.error().to_string();
  if (!bundle || !set) return {};
  auto report =
      cordon::native::evaluate_scrubbing(*bundle, *set, profile, "tests/telemetry/events.jsonl");
  EXPECT_TRUE(report) << report.error().to_string();
  return report ? *report : cordon::native::ScrubEvaluation{};
}

void print(const cordon::native::ScrubEvaluation& r) {
  char line[200];
  std::snprintf(line, sizeof line,
                "[%s] secrets %zu/%zu (%.2f%%), PII %zu/%zu (%.2f%%), false positives %zu/%zu "
                "(%.2f%%)\n",
                r.profile.c_str(), r.secrets.removed, r.secrets.planted, r.secrets_percent(),
                r.pii.removed, r.pii.planted, r.pii_percent(), r.false_positives.size(),
                r.untouchable_values, r.false_positive_percent());
  std::cout << line;
  ::testing::Test::RecordProperty("false_positive_percent",
                                  std::to_string(r.false_positive_percent()));
}

TEST(TelemetryEval, ErrorMonitoringRemovesEverySecretAndThePii) {
  const auto r = evaluate("error-monitoring");
  std::cout << r.to_text();
  print(r);
  EXPECT_GE(r.events, 200u);
  ASSERT_GT(r.secrets.planted, 0u);
  ASSERT_GT(r.pii.planted, 0u);
  EXPECT_EQ(r.secrets.removed, r.secrets.planted) << "every planted secret must be removed";
  EXPECT_GE(r.pii_percent(), 99.0) << "at least 99% of the planted PII must be removed";
  EXPECT_EQ(r.benign_kept, r.benign) << "benign values were lost";
  // Not a goal in itself, but a jump means a detector started eating ordinary values.
  EXPECT_LE(r.false_positive_percent(), 1.0);
}

TEST(TelemetryEval, PseudonymousProfileRemovesTheSame) {
  // Hashes emails, phones and user ids instead of replacing them: a hash is not the value,
  // so the same planted values count as removed. Its false positives are the user ids it
  // pseudonymizes on purpose.
  const auto r = evaluate("error-monitoring-pseudonymous");
  print(r);
  EXPECT_EQ(r.secrets.removed, r.secrets.planted);
  EXPECT_GE(r.pii_percent(), 99.0);
  for (const auto& fp : r.false_positives)
    EXPECT_EQ(fp.pointer, "/user/id") << fp.event_id << " " << fp.pointer << ": " << fp.before;
}

}  // namespace
