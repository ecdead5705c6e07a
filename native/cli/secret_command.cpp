// `cordon secret`: seal, open and rotate tenant provider keys (cordon/server/sealed_secrets.h),
// and add keys to a keyring file. Keys and plaintexts come from files, environment variables
// or standard input, never from the command line, and are wiped after use.
#include "cli/secret_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/arguments.h"
#include "cli/secret_input.h"
#include "conformance/text_file.h"
#include "cordon/server/sealed_secrets.h"

namespace cordon::cli {

const char kSecretHelp[] =
    R"(usage: cordon secret seal   --tenant T --provider P [--in FILE] [--keyring FILE] [--json]
       cordon secret open   --tenant T --provider P [--in FILE] [--keyring FILE] [--check] [--json]
       cordon secret rotate [--tenant T --provider P] [--in FILE] [--keyring FILE] [--json]
       cordon secret keygen --keyring FILE [--json]

Seals a tenant's provider key (AES-256-GCM under the keyring's current key, bound to the
tenant and provider), opens it again, or re-seals it under the current key after a rotation.

  seal     reads the secret from --in FILE or standard input (one trailing newline dropped)
           and prints the sealed text: cordon:seal:1:<key version>:<data>
  open     reads a sealed text and writes the secret to standard output as it is (no newline
           added). --check (or --json) only says whether it opens, and under which key version,
           without printing the secret.
  rotate   with --tenant and --provider: reads one sealed text and prints it re-sealed under
           the current key. Without them: reads JSON lines {"tenant", "provider", "sealed",
           ...} and writes each line with "sealed" re-sealed (other members kept), a summary
           on standard error. A line that does not open is written unchanged and counted.
  keygen   adds a random key under the next version to the keyring FILE (created with mode
           600 if absent) and makes it current; prints the version, never the key. Rotate
           keys with keygen, then `secret rotate`, then remove the old version from the file.

The keyring is JSON, {"current": 2, "keys": {"1": "<64 hex>", "2": "<64 hex>"}}, read from
--keyring FILE, else from the file named by $CORDON_KEYRING_FILE, else from the text of
$CORDON_KEYRING. Keys never go on the command line.

options:
  --tenant T, --provider P   what the secret belongs to; both are bound into the ciphertext
  --in FILE                  read the input from FILE instead of standard input
  --keyring FILE             the keyring file
  --check                    open: do not print the secret
  --json                     print {"type":"success","result":{...}} (never the secret)

exit status: 0 on success, 1 for a bad command line, 2 when the keyring or input cannot be
read, or a secret does not seal or open (the error is on stderr; it never holds a secret).
)";

namespace {

using Json = nlohmann::ordered_json;
using server::Keyring;
using server::SecretContext;
using server::SecretSealer;

struct SecretOptions {
  std::string tenant, provider, in_file, keyring_file;
  bool check = false, json = false;
};

std::string error_json(const Error& error) {
  Json detailed;
  detailed["message"] = error.to_string();
  detailed["code"] = to_string(error.kind);
  Json out;
  out["type"] = "failure";
  out["errors"] = Json::array({detailed});
  return out.dump();
}

// Reports an error on stderr (and as JSON on stdout with --json); returns kExitBadInput.
int fail(const SecretOptions& options, const std::string& command, const Error& error,
         std::ostream& out, std::ostream& err) {
  if (options.json) out << error_json(error) << '\n';
  err << command << ": " << error.to_string() << '\n';
  return kExitBadInput;
}

Error io_error(std::string message) {
  Error error;
  error.kind = ErrorKind::io;
  error.message = std::move(message);
  return error;
}

std::optional<Keyring> load_keyring(const std::string& flag_file, const std::string& command,
                                    std::ostream& err) {
  std::string file = flag_file;
  if (file.empty()) {
    const char* from_env = std::getenv("CORDON_KEYRING_FILE");
    if (from_env != nullptr) file = from_env;
  }
  std::string text;
  if (!file.empty()) {
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
      err << command << ": warning: the keyring " << file
          << " can be read by other users (chmod 600 it)\n";
    Result<std::string> read = native::read_text_file(file);
    if (!read) {
      err << command << ": " << read.error().to_string() << '\n';
      return std::nullopt;
    }
    text = std::move(read).value();
  } else {
    const char* inline_keyring = std::getenv("CORDON_KEYRING");
    if (inline_keyring == nullptr || *inline_keyring == '\0') {
      err << command
          << ": no keyring: give --keyring FILE, or set CORDON_KEYRING_FILE or CORDON_KEYRING\n";
      return std::nullopt;
    }
    text = inline_keyring;
  }
  Result<Keyring> keyring = Keyring::from_json(text);
  SecretBytes::scrub(text);
  if (!keyring) {
    err << command << ": " << (file.empty() ? "$CORDON_KEYRING" : file) << ": "
        << keyring.error().to_string() << '\n';
    return std::nullopt;
  }
  return std::move(keyring).value();
}

// The whole input (--in FILE or stdin) as a secret.
std::optional<SecretBytes> read_input(const SecretOptions& options, const std::string& command,
                                      std::istream& in, std::ostream& err) {
  if (!options.in_file.empty()) return read_secret_file(options.in_file, command, err);
  SecretBytes text = read_secret_stdin(in);
  if (text.empty()) {
    err << command << ": the input is empty\n";
    return std::nullopt;
  }
  return text;
}

// A sealed text (not secret): the input without surrounding whitespace.
std::optional<std::string> read_sealed(const SecretOptions& options, const std::string& command,
                                       std::istream& in, std::ostream& err) {
  std::optional<SecretBytes> text = read_input(options, command, in, err);
  if (!text) return std::nullopt;
  std::string_view view = text->view();
  while (!view.empty() && std::isspace(static_cast<unsigned char>(view.front())))
    view.remove_prefix(1);
  while (!view.empty() && std::isspace(static_cast<unsigned char>(view.back())))
    view.remove_suffix(1);
  return std::string(view);
}

int run_seal(const SecretOptions& options, const SecretSealer& sealer, std::istream& in,
             std::ostream& out, std::ostream& err) {
  const std::string command = "cordon secret seal";
  std::optional<SecretBytes> plaintext = read_input(options, command, in, err);
  if (!plaintext) return kExitBadInput;
  Result<std::string> sealed =
      sealer.seal(SecretContext{options.tenant, options.provider}, plaintext->view());
  plaintext->wipe();
  if (!sealed) return fail(options, command, sealed.error(), out, err);
  if (options.json) {
    Json result;
    result["tenant"] = options.tenant;
    result["provider"] = options.provider;
    result["keyVersion"] = sealer.keyring().current_version();
    result["sealed"] = *sealed;
    out << Json{{"type", "success"}, {"result", result}}.dump() << '\n';
  } else {
    out << *sealed << '\n';
  }
  return kExitOk;
}

int run_open(const SecretOptions& options, const SecretSealer& sealer, std::istream& in,
             std::ostream& out, std::ostream& err) {
  const std::string command = "cordon secret open";
  std::optional<std::string> sealed = read_sealed(options, command, in, err);
  if (!sealed) return kExitBadInput;
  Result<SecretBytes> plaintext =
      sealer.open(SecretContext{options.tenant, options.provider}, *sealed);
  if (!plaintext) return fail(options, command, plaintext.error(), out, err);
  const uint32_t version = *SecretSealer::key_version(*sealed);
  if (options.json) {
    Json result;
    result["tenant"] = options.tenant;
    result["provider"] = options.provider;
    result["keyVersion"] = version;
    result["current"] = version == sealer.keyring().current_version();
    out << Json{{"type", "success"}, {"result", result}}.dump() << '\n';
  } else if (options.check) {
    out << "opens: tenant " << options.tenant << ", provider " << options.provider
        << ", key version " << version
        << (version == sealer.keyring().current_version() ? " (current)" : " (not current: rotate)")
        << '\n';
  } else {
    out.write(plaintext->data(), static_cast<std::streamsize>(plaintext->size()));
    out.flush();
  }
  return kExitOk;
}

int run_rotate_one(const SecretOptions& options, const SecretSealer& sealer, std::istream& in,
                   std::ostream& out, std::ostream& err) {
  const std::string command = "cordon secret rotate";
  std::optional<std::string> sealed = read_sealed(options, command, in, err);
  if (!sealed) return kExitBadInput;
  Result<server::Resealed> resealed =
      sealer.reseal(SecretContext{options.tenant, options.provider}, *sealed);
  if (!resealed) return fail(options, command, resealed.error(), out, err);
  if (options.json) {
    Json result;
    result["sealed"] = resealed->sealed;
    result["fromVersion"] = resealed->from_version;
    result["toVersion"] = resealed->to_version;
    result["changed"] = resealed->changed;
    out << Json{{"type", "success"}, {"result", result}}.dump() << '\n';
  } else {
    out << resealed->sealed << '\n';
    err << command << ": key version " << resealed->from_version << " -> " << resealed->to_version
        << (resealed->changed ? "" : " (already current)") << '\n';
  }
  return kExitOk;
}

int run_rotate_lines(const SecretOptions& options, const SecretSealer& sealer, std::istream& in,
                     std::ostream& out, std::ostream& err) {
  const std::string command = "cordon secret rotate";
  std::ifstream file;
  if (!options.in_file.empty()) {
    file.open(options.in_file, std::ios::binary);
    if (!file) {
      err << command << ": " << options.in_file << ": io error: cannot open the file\n";
      return kExitBadInput;
    }
  }
  std::istream& input = options.in_file.empty() ? in : file;
  size_t rotated = 0, current = 0, failed = 0, line_number = 0;
  std::string line;
  while (std::getline(input, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json record = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    const bool usable = record.is_object() && record.contains("tenant") &&
                        record["tenant"].is_string() && record.contains("provider") &&
                        record["provider"].is_string() && record.contains("sealed") &&
                        record["sealed"].is_string();
    if (!usable) {
      err << command << ": line " << line_number
          << ": not a JSON object with string members tenant, provider and sealed\n";
      out << line << '\n';
      ++failed;
      continue;
    }
    Result<server::Resealed> resealed = sealer.reseal(
        SecretContext{record["tenant"].get<std::string>(), record["provider"].get<std::string>()},
        record["sealed"].get<std::string>());
    if (!resealed) {
      err << command << ": line " << line_number << ": " << resealed.error().to_string() << '\n';
      out << line << '\n';
      ++failed;
      continue;
    }
    (resealed->changed ? rotated : current)++;
    record["sealed"] = resealed->sealed;
    out << record.dump() << '\n';
  }
  const uint32_t to_version = sealer.keyring().current_version();
  if (options.json) {
    Json result;
    result["rotated"] = rotated;
    result["alreadyCurrent"] = current;
    result["failed"] = failed;
    result["toVersion"] = to_version;
    err << Json{{"type", failed ? "failure" : "success"}, {"result", result}}.dump() << '\n';
  } else {
    err << command << ": " << rotated << " rotated, " << current << " already current, " << failed
        << " failed (current key version " << to_version << ")\n";
  }
  return failed ? kExitBadInput : kExitOk;
}

// Writes `contents` to `path` through a new file of mode 600 renamed over it.
std::optional<Error> write_private_file(const std::string& path, const SecretBytes& contents) {
  const std::string temporary = path + ".tmp";
  ::unlink(temporary.c_str());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(temporary + ": cannot create: " + std::strerror(errno));
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(temporary.c_str());
      return io_error(temporary + ": cannot write: " + std::strerror(errno));
    }
    written += size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temporary.c_str());
    return io_error(temporary + ": cannot write: " + std::strerror(errno));
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    return io_error(path + ": cannot replace: " + std::strerror(errno));
  }
  return std::nullopt;
}

int run_keygen(const SecretOptions& options, std::ostream& out, std::ostream& err) {
  const std::string command = "cordon secret keygen";
  if (options.keyring_file.empty()) {
    err << command << ": --keyring FILE is required\n";
    return kExitUsage;
  }
  Keyring keyring;
  std::error_code ec;
  if (std::filesystem::exists(options.keyring_file, ec)) {
    std::optional<Keyring> loaded = load_keyring(options.keyring_file, command, err);
    if (!loaded) return kExitBadInput;
    keyring = std::move(*loaded);
  }
  const uint32_t version = keyring.add_generated_key();
  if (auto error = write_private_file(options.keyring_file, keyring.to_json()))
    return fail(options, command, *error, out, err);
  if (options.json) {
    Json result;
    result["keyring"] = options.keyring_file;
    result["version"] = version;
    result["versions"] = keyring.versions();
    out << Json{{"type", "success"}, {"result", result}}.dump() << '\n';
  } else {
    out << "key version " << version << " added to " << options.keyring_file
        << " and made current\n";
  }
  return kExitOk;
}

}  // namespace

int run_secret(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
               std::ostream& err) {
  if (args.empty() || is_help(args.front())) {
    (args.empty() ? err : out) << kSecretHelp;
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::string action = args.front();
  if (action != "seal" && action != "open" && action != "rotate" && action != "keygen") {
    err << "cordon secret: unknown action '" << action
        << "' (seal, open, rotate or keygen; see cordon secret --help)\n";
    return kExitUsage;
  }
  const std::string command = "cordon secret " + action;
  SecretOptions options;
  for (size_t i = 1; i < args.size(); ++i) {
    if (is_help(args[i])) {
      out << kSecretHelp;
      return kExitOk;
    }
    if (args[i] == "--json") {
      options.json = true;
      continue;
    }
    if (args[i] == "--check") {
      options.check = true;
      continue;
    }
    OptionMatch match = OptionMatch::no_match;
    for (auto [name, value] :
         {std::pair{"--tenant", &options.tenant}, std::pair{"--provider", &options.provider},
          std::pair{"--in", &options.in_file}, std::pair{"--keyring", &options.keyring_file}}) {
      match = match_option(args, i, name, *value);
      if (match == OptionMatch::missing_value) {
        err << command << ": " << name << " needs a value\n";
        return kExitUsage;
      }
      if (match == OptionMatch::matched) break;
    }
    if (match == OptionMatch::matched) continue;
    // Never echo an argument that is not an option: it may be a secret typed in the wrong place.
    if (args[i].rfind("--", 0) != 0) {
      err << command << ": unexpected argument " << i + 1
          << " (secrets are read from --in FILE or standard input, never from the command line)\n";
      return kExitUsage;
    }
    err << command << ": unknown option '" << args[i].substr(0, args[i].find('='))
        << "' (see cordon secret --help)\n";
    return kExitUsage;
  }
  if (action == "keygen") return run_keygen(options, out, err);
  const bool has_context = !options.tenant.empty() || !options.provider.empty();
  if ((action != "rotate" || has_context) && (options.tenant.empty() || options.provider.empty())) {
    err << command << ": --tenant and --provider are required"
        << (action == "rotate" ? " together (or neither, for JSON lines)" : "") << '\n';
    return kExitUsage;
  }
  std::optional<Keyring> keyring = load_keyring(options.keyring_file, command, err);
  if (!keyring) return kExitBadInput;
  const SecretSealer sealer(std::move(*keyring));
  if (action == "seal") return run_seal(options, sealer, in, out, err);
  if (action == "open") return run_open(options, sealer, in, out, err);
  if (has_context) return run_rotate_one(options, sealer, in, out, err);
  return run_rotate_lines(options, sealer, in, out, err);
}

}  // namespace cordon::cli
