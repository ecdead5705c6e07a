// Bundle options and input handling shared by the bundle subcommands.
#include "cli/bundle_options.h"

#include <cstdlib>
#include <iostream>

#include <nlohmann/json.hpp>

#include "bundle/bundle_reader.h"
#include "cli/arguments.h"
#include "conformance/text_file.h"

namespace cordon::cli {

const char kBundleOptionsHelp[] =
    R"(bundle options:
  --bundle DIR                    the policy bundle directory (default: policies/elaygent,
                                  relative to the current directory)
  --require-signature ALG         none (default), hmac-sha256 or ed25519: the bundle must
                                  carry a .signatures.json that verifies with ALG
  --verification-key-file FILE    the HMAC secret or the Ed25519 public key (32 bytes raw or
                                  64 hex digits); one trailing newline is ignored
  --scrub-hash-key-env VAR        read the key of `hash` scrubbing from environment variable
                                  VAR (the key is never printed)
)";

namespace {

std::optional<SignatureAlgorithm> signature_algorithm(std::string_view name) {
  if (name == "none") return SignatureAlgorithm::none;
  if (name == "hmac-sha256") return SignatureAlgorithm::hmac_sha256;
  if (name == "ed25519") return SignatureAlgorithm::ed25519;
  return std::nullopt;
}

}  // namespace

FlagMatch match_bundle_flag(std::string_view command, const std::vector<std::string>& args,
                            size_t& i, BundleFlags& flags, std::ostream& err) {
  std::string value;
  const char* names[] = {"--bundle", "--require-signature", "--verification-key-file",
                         "--scrub-hash-key-env"};
  for (const char* name : names) {
    const OptionMatch match = match_option(args, i, name, value);
    if (match == OptionMatch::no_match) continue;
    if (match == OptionMatch::missing_value || value.empty()) {
      err << "cordon " << command << ": " << name << " needs a value\n";
      return FlagMatch::invalid;
    }
    const std::string_view option = name;
    if (option == "--bundle") {
      flags.directory = value;
      flags.directory_given = true;
    } else if (option == "--require-signature") {
      std::optional<SignatureAlgorithm> algorithm = signature_algorithm(value);
      if (!algorithm) {
        err << "cordon " << command << ": --require-signature must be none, hmac-sha256 or "
            << "ed25519, not '" << value << "'\n";
        return FlagMatch::invalid;
      }
      flags.require_signature = *algorithm;
    } else if (option == "--verification-key-file") {
      flags.verification_key_file = value;
    } else {
      flags.scrub_hash_key_env = value;
    }
    return FlagMatch::matched;
  }
  return FlagMatch::no_match;
}

std::optional<Bundle> load_bundle(std::string_view command, const BundleFlags& flags,
                                  std::ostream& err) {
  BundleLoadOptions options;
  options.require_signature = flags.require_signature;
  if (flags.require_signature != SignatureAlgorithm::none) {
    if (flags.verification_key_file.empty()) {
      err << "cordon " << command << ": --require-signature needs --verification-key-file\n";
      return std::nullopt;
    }
    Result<std::string> key = native::read_text_file(flags.verification_key_file);
    if (!key) {
      err << key.error().to_string() << "\n";
      return std::nullopt;
    }
    std::string text = *key;
    // Editors and `echo` end a key file with a newline that is not part of the key.
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    options.verification_key = std::move(text);
  }
  if (!flags.scrub_hash_key_env.empty()) {
    const char* key = std::getenv(flags.scrub_hash_key_env.c_str());
    if (key == nullptr || *key == '\0') {
      err << "cordon " << command << ": environment variable " << flags.scrub_hash_key_env
          << " (--scrub-hash-key-env) is not set or empty\n";
      return std::nullopt;
    }
    options.scrub_hash_key = key;
  }
  Result<Bundle> bundle = native::load_bundle_directory(flags.directory, options);
  if (!bundle) {
    err << bundle.error().to_string() << "\n";
    return std::nullopt;
  }
  return std::move(bundle).value();
}

std::istream* open_input(const std::string& input_file, std::istream& in, std::ifstream& file,
                         std::ostream& err) {
  if (input_file.empty()) return &in;
  file.open(input_file, std::ios::binary);
  if (!file) {
    err << Error{ErrorKind::io, "cannot open file", SourceLocation{input_file}}.to_string() << "\n";
    return nullptr;
  }
  return &file;
}

void answer_lines(std::istream& input, std::ostream& out,
                  const std::function<std::string(const std::string&, size_t)>& answer) {
  std::string line;
  size_t line_number = 0;
  while (std::getline(input, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    out << answer(line, line_number) << '\n';
    out.flush();
  }
}

std::string first_error_message(std::string_view answer_json) {
  const nlohmann::json answer = nlohmann::json::parse(answer_json, nullptr, false);
  if (answer.is_object() && answer.contains("errors") && answer["errors"].is_array() &&
      !answer["errors"].empty() && answer["errors"][0].is_object()) {
    return answer["errors"][0].value("message", "failure");
  }
  return "failure";
}

}  // namespace cordon::cli
