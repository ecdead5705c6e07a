// `cordon conformance`: expands the given paths into test files, runs each with the
// conformance library and prints the mismatches and the final count.
#include "cli/conformance_command.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/arguments.h"
#include "conformance/conformance.h"

namespace cordon::cli {

const char kConformanceHelp[] = R"(usage: cordon conformance [--root DIR] [--verbose] PATH...

Runs Cedar integration tests (the JSON format of cedar-policy/cedar-integration-tests)
and ends with the line `N passed, M failed` on stdout, counting requests.

PATH is a test file, or a folder whose *.json files are searched recursively
(*.entities.json are skipped, and a file is a test when it is an object with "requests").
The "policies", "entities" and "schema" paths inside a test are resolved against the
current directory, as Cedar's harness does, or against --root DIR.

A request passes when cordon's decision equals the expected one and its reason and
errors equal the expected ones as sets of policy ids. A test whose policies or entities
do not load counts all its requests as failed.
Not checked yet: the schema (its path is read, schema support comes later),
"shouldValidate" and "validateRequest".

options:
  --root DIR    resolve the paths inside tests against DIR instead of the current directory
  --verbose     print every failure (default: the first 20), the time taken, and error details

Failures go to stderr. exit status: 0 when the tests ran (even with failures), 1 for a
bad command line, 2 when a path does not exist or a named file is not a readable test.
)";

namespace {

namespace fs = std::filesystem;

constexpr size_t kFailuresShownByDefault = 20;

struct ConformanceOptions {
  fs::path root;
  bool verbose = false;
  std::vector<fs::path> paths;
};

std::optional<ConformanceOptions> read_options(const std::vector<std::string>& args,
                                               std::ostream& err) {
  ConformanceOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string root;
    switch (match_option(args, i, "--root", root)) {
      case OptionMatch::matched:
        options.root = root;
        continue;
      case OptionMatch::missing_value:
        err << "cordon conformance: --root needs a folder\n";
        return std::nullopt;
      case OptionMatch::no_match:
        break;
    }
    if (args[i] == "--verbose" || args[i] == "-v") {
      options.verbose = true;
    } else if (args[i].size() > 1 && args[i][0] == '-') {
      err << "cordon conformance: unknown option '" << args[i]
          << "' (see cordon conformance --help)\n";
      return std::nullopt;
    } else {
      options.paths.emplace_back(args[i]);
    }
  }
  if (options.paths.empty()) {
    err << "cordon conformance: no test file or folder given (see cordon conformance --help)\n";
    return std::nullopt;
  }
  return options;
}

void print_mismatch(const conformance::TestFileResult& test, const conformance::Mismatch& mismatch,
                    bool verbose, std::ostream& err) {
  err << "FAIL " << test.file.string() << " (" << mismatch.description << ")\n"
      << "  expected: " << mismatch.expected << "\n"
      << "  got:      " << mismatch.got << "\n";
  if (verbose) {
    for (const std::string& note : mismatch.error_notes) err << "    " << note << "\n";
  }
}

}  // namespace

int run_conformance(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  for (const std::string& arg : args) {
    if (is_help(arg)) {
      out << kConformanceHelp;
      return kExitOk;
    }
  }
  std::optional<ConformanceOptions> options = read_options(args, err);
  if (!options) return kExitUsage;

  // Files named on the command line must be tests; files found in folders may be anything.
  struct Candidate {
    fs::path file;
    bool named;
  };
  std::vector<Candidate> candidates;
  bool input_problem = false;
  for (const fs::path& path : options->paths) {
    std::error_code status;
    if (fs::is_directory(path, status)) {
      for (fs::path& file : conformance::list_json_files(path)) {
        candidates.push_back({std::move(file), false});
      }
    } else if (fs::exists(path, status)) {
      candidates.push_back({path, true});
    } else {
      err << path.string() << ": io error: no such file or folder\n";
      input_problem = true;
    }
  }

  const auto started = std::chrono::steady_clock::now();
  size_t passed = 0;
  size_t failed = 0;
  size_t tests = 0;
  size_t shown = 0;
  size_t hidden = 0;
  for (const Candidate& candidate : candidates) {
    const conformance::TestFileResult result =
        conformance::run_test_file(candidate.file, options->root);
    if (result.status != conformance::TestFileStatus::ran) {
      // Unreadable JSON is always reported; a folder's non-test JSON is skipped quietly.
      if (candidate.named || result.status == conformance::TestFileStatus::unreadable) {
        err << result.problem << "\n";
        input_problem = true;
      }
      continue;
    }
    ++tests;
    passed += result.passed;
    failed += result.failed;
    for (const conformance::Mismatch& mismatch : result.mismatches) {
      if (options->verbose || shown < kFailuresShownByDefault) {
        print_mismatch(result, mismatch, options->verbose, err);
        ++shown;
      } else {
        ++hidden;
      }
    }
  }
  if (hidden > 0) {
    err << "... " << hidden << " more failures not shown (use --verbose)\n";
  }
  if (options->verbose) {
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
    err << "ran " << tests << " test files in " << elapsed.count() << " s\n";
  }
  err.flush();
  out << passed << " passed, " << failed << " failed\n";
  return input_problem ? kExitBadInput : kExitOk;
}

}  // namespace cordon::cli
