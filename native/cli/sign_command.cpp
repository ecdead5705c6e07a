// `cordon sign`: OPA-style bundle signatures (docs/bundle-format.md, Signatures) from the
// command line: sign_bundle over the files the bundle reader sees, then a verifying load.
#include "cli/sign_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "bundle/bundle_reader.h"
#include "cli/arguments.h"
#include "conformance/text_file.h"
#include "cordon/bundle.h"

namespace cordon::cli {

const char kSignHelp[] =
    R"(usage: cordon sign [--bundle DIR] --key-file FILE [--algorithm ALG] [--key-id ID]
       cordon sign --verify [--bundle DIR] --key-file FILE [--algorithm ALG]
       cordon sign --public-key --key-file FILE

Signs the bundle directory DIR (default: policies/elaygent): writes DIR/.signatures.json,
one JWS over the SHA-256 of every other file of the bundle, then loads the bundle requiring
that signature to check it. The key is the Ed25519 private seed (32 bytes raw or 64 hex
digits) or, with --algorithm hmac-sha256, the HMAC secret; one trailing newline of the key
file is ignored. Re-sign after any change to any file of the bundle, documentation included.

--verify loads DIR requiring a signature that verifies with FILE (the Ed25519 public key,
or the HMAC secret) and prints the bundle's name, revision and digest.
--public-key prints the Ed25519 public key (64 hex digits) of the private seed in FILE.

options:
  --bundle DIR       the bundle directory (default: policies/elaygent)
  --key-file FILE    the signing key; with --verify, the verification key
  --algorithm ALG    ed25519 (default) or hmac-sha256
  --key-id ID        the key id written in the signature (default: cordon)

The repository's development key (policies/keys/elaygent.dev-only.key) exists only to
re-sign the sample bundle policies/elaygent; its public key is policies/keys/elaygent.pub.
Never sign a deployed bundle with it.

exit status: 0 when signed or verified, 1 for a bad command line, 2 when the bundle or key
cannot be read, the key is malformed, or the signature does not verify.
)";

namespace {

struct SignOptions {
  std::string bundle = "policies/elaygent";
  std::string key_file;
  std::string key_id = "cordon";
  std::string algorithm = "ed25519";
  bool verify = false;
  bool public_key = false;
};

std::optional<SignOptions> read_options(const std::vector<std::string>& args, std::ostream& err) {
  SignOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--verify") {
      options.verify = true;
      continue;
    }
    if (args[i] == "--public-key") {
      options.public_key = true;
      continue;
    }
    OptionMatch match = OptionMatch::no_match;
    for (auto [name, value] :
         {std::pair{"--bundle", &options.bundle}, std::pair{"--key-file", &options.key_file},
          std::pair{"--key-id", &options.key_id}, std::pair{"--algorithm", &options.algorithm}}) {
      match = match_option(args, i, name, *value);
      if (match == OptionMatch::missing_value ||
          (match == OptionMatch::matched && value->empty())) {
        err << "cordon sign: " << name << " needs a value\n";
        return std::nullopt;
      }
      if (match == OptionMatch::matched) break;
    }
    if (match == OptionMatch::matched) continue;
    err << "cordon sign: unknown argument '" << args[i] << "' (see cordon sign --help)\n";
    return std::nullopt;
  }
  if (options.key_file.empty()) {
    err << "cordon sign: --key-file is required\n";
    return std::nullopt;
  }
  if (options.verify && options.public_key) {
    err << "cordon sign: choose --verify or --public-key, not both\n";
    return std::nullopt;
  }
  if (options.algorithm != "ed25519" && options.algorithm != "hmac-sha256") {
    err << "cordon sign: --algorithm must be ed25519 or hmac-sha256, not '" << options.algorithm
        << "'\n";
    return std::nullopt;
  }
  if (options.public_key && options.algorithm != "ed25519") {
    err << "cordon sign: --public-key is for Ed25519 keys\n";
    return std::nullopt;
  }
  return options;
}

// The key file's bytes without one trailing newline (never printed).
std::optional<std::string> read_key(const std::string& file, std::ostream& err) {
  Result<std::string> key = native::read_text_file(file);
  if (!key) {
    err << key.error().to_string() << "\n";
    return std::nullopt;
  }
  std::string text = *key;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.empty()) {
    err << file << ": the key file is empty\n";
    return std::nullopt;
  }
  return text;
}

}  // namespace

int run_sign(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  for (const std::string& arg : args) {
    if (is_help(arg)) {
      out << kSignHelp;
      return kExitOk;
    }
  }
  std::optional<SignOptions> options = read_options(args, err);
  if (!options) return kExitUsage;
  std::optional<std::string> key = read_key(options->key_file, err);
  if (!key) return kExitBadInput;
  const SignatureAlgorithm algorithm = options->algorithm == "ed25519"
                                           ? SignatureAlgorithm::ed25519
                                           : SignatureAlgorithm::hmac_sha256;

  if (options->public_key) {
    Result<std::string> public_key = ed25519_public_key_hex(*key);
    if (!public_key) {
      err << options->key_file << ": " << public_key.error().message << "\n";
      return kExitBadInput;
    }
    out << *public_key << "\n";
    return kExitOk;
  }

  BundleLoadOptions load;
  load.require_signature = algorithm;
  if (options->verify) {
    load.verification_key = *key;
    Result<Bundle> bundle = native::load_bundle_directory(options->bundle, load);
    if (!bundle) {
      err << bundle.error().to_string() << "\n";
      return kExitBadInput;
    }
    out << options->bundle << ": signature verifies (" << options->algorithm << ", "
        << options->key_file << "); bundle " << bundle->name() << " revision " << bundle->revision()
        << ", digest " << bundle->digest() << "\n";
    return kExitOk;
  }

  Result<BundleFiles> files = native::read_bundle_directory(options->bundle);
  if (!files) {
    err << files.error().to_string() << "\n";
    return kExitBadInput;
  }
  Result<std::string> signatures = sign_bundle(*files, algorithm, *key, options->key_id);
  if (!signatures) {
    err << signatures.error().message << "\n";
    return kExitBadInput;
  }
  // Check before writing: the signed files must load as a bundle with this signature.
  BundleFiles signed_files = *files;
  signed_files[".signatures.json"] = *signatures;
  if (algorithm == SignatureAlgorithm::ed25519) {
    Result<std::string> public_key = ed25519_public_key_hex(*key);
    if (!public_key) {
      err << public_key.error().message << "\n";
      return kExitBadInput;
    }
    load.verification_key = *public_key;
  } else {
    load.verification_key = *key;
  }
  Result<Bundle> bundle = Bundle::load(signed_files, load);
  if (!bundle) {
    err << options->bundle << ": " << bundle.error().to_string() << "\n";
    return kExitBadInput;
  }
  const std::filesystem::path target = std::filesystem::path(options->bundle) / ".signatures.json";
  {
    std::ofstream file(target, std::ios::binary | std::ios::trunc);
    file << *signatures;
    if (!file) {
      err << target.generic_string() << ": cannot write the signature\n";
      return kExitBadInput;
    }
  }
  out << "signed " << options->bundle << " (" << files->size() - files->count(".signatures.json")
      << " files, " << options->algorithm << ", key id " << options->key_id
      << "): " << target.generic_string() << "\n";
  if (algorithm == SignatureAlgorithm::ed25519)
    out << "public key: " << load.verification_key << "\n";
  return kExitOk;
}

}  // namespace cordon::cli
