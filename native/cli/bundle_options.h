// Options shared by the subcommands that work on a policy bundle (route, explain, matrix,
// scrub, gate, authorize --bundle): where the bundle is, how it must be signed, the scrub
// hash key, and where the input lines come from.
//
//   BundleFlags flags;
//   switch (match_bundle_flag("route", args, i, flags, err)) { ... }
//   std::optional<Bundle> bundle = load_bundle("route", flags, err);  // prints file:line:col
#pragma once

#include <cstddef>
#include <fstream>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/bundle.h"

namespace cordon::cli {

// The option lines every bundle subcommand's help shows.
extern const char kBundleOptionsHelp[];

inline constexpr char kDefaultBundleDirectory[] = "policies/elaygent";

struct BundleFlags {
  std::string directory = kDefaultBundleDirectory;
  bool directory_given = false;
  SignatureAlgorithm require_signature = SignatureAlgorithm::none;
  std::string verification_key_file;
  std::string scrub_hash_key_env;
};

enum class FlagMatch { no_match, matched, invalid };

// Reads --bundle, --require-signature, --verification-key-file or --scrub-hash-key-env at
// args[i]. `invalid` (a missing or unknown value) has already been reported on `err`.
FlagMatch match_bundle_flag(std::string_view command, const std::vector<std::string>& args,
                            size_t& i, BundleFlags& flags, std::ostream& err);

// Reads and loads the bundle. On failure prints the error (file:line:col: ...) on `err` and
// returns nothing; the caller exits with kExitBadInput.
std::optional<Bundle> load_bundle(std::string_view command, const BundleFlags& flags,
                                  std::ostream& err);

// Opens `--input FILE`, or uses `in` when no file was given. Reports on `err` and returns
// nullptr when the file cannot be opened.
std::istream* open_input(const std::string& input_file, std::istream& in, std::ifstream& file,
                         std::ostream& err);

// Calls `answer(line, line_number)` for each non-blank line of `input` (a trailing CR is
// dropped), writing each answer on its own line and flushing, so the CLI can serve as a
// co-process answering one request at a time.
void answer_lines(std::istream& input, std::ostream& out,
                  const std::function<std::string(const std::string&, size_t)>& answer);

// The first error message of a {"type":"failure","errors":[...]} answer.
std::string first_error_message(std::string_view answer_json);

}  // namespace cordon::cli
