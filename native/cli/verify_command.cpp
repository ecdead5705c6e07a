// `cordon webhook`, `cordon url` and `cordon credential`: the verification checks of
// cordon/webhook.h, cordon/outbound_url.h and cordon/credentials.h from the command line.
// --json prints what the WASM and Python builds answer (cordon/verify_json.h).
#include "cli/verify_command.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/arguments.h"
#include "cli/secret_input.h"
#include "conformance/text_file.h"
#include "cordon/credentials.h"
#include "cordon/outbound_url.h"
#include "cordon/server/replay_store.h"
#include "cordon/verify_json.h"
#include "cordon/webhook.h"

namespace cordon::cli {

const char kWebhookHelp[] =
    R"(usage: cordon webhook verify --signature HEADER [--scheme stripe|generic] [--timestamp T]
                              [--payload FILE] [--secret-file FILE]... [--secret-env VAR]...
                              [--now SECONDS] [--tolerance SECONDS]
                              [--replay-db FILE [--replay-scope S]] [--json]
       cordon webhook sign [--scheme stripe|generic] [--timestamp T] [--payload FILE]
                           [--secret-file FILE | --secret-env VAR]

verify checks an HMAC-SHA-256 webhook signature over "<timestamp>.<payload>": the payload is
read from --payload FILE or standard input, byte for byte. --scheme stripe (default) reads a
Stripe-Signature header, t=<seconds>,v1=<hex>[,v1=<hex>...]; --scheme generic reads the
signature header (sha256=<hex>, v1=<hex> or <hex>, several separated by commas or spaces)
and the timestamp header given by --timestamp. The timestamp must be within --tolerance
seconds of now (default 300). With --replay-db, the delivery is recorded in that SQLite
file and refused if it was accepted before (shared by every process using the file).

The secrets come from --secret-file FILE and --secret-env VAR (several while the sender
rotates its secret; any may match), by default from $CORDON_WEBHOOK_SECRET. Never on the
command line. With no secret configured every delivery is refused (outcome `unset`).

sign prints the header a sender would attach (for tests and for bridges): t=...,v1=... for
stripe, sha256=<hex> for generic (the timestamp then goes in its own header). --timestamp
defaults to now.

exit status: 0 when verified (or signed), 3 when refused, 1 for a bad command line, 2 when
the payload, a secret or the replay database cannot be read.
)";

const char kUrlHelp[] =
    R"(usage: cordon url check [URL...] [--port N]... [--resolve] [--json]

Checks outbound URLs (PMS bridges and other tenant-configured endpoints) one per argument,
or one per line of standard input: https only, no user:password@, no loopback, private,
link-local, unspecified, multicast or reserved address in any IPv4 or IPv6 form (including
IPv4-mapped IPv6 and the decimal, octal and hex forms of IPv4), no local names (localhost,
*.local, *.internal, single labels). --port limits the ports (default: any). --resolve also
resolves each domain name (getaddrinfo) and refuses it if any address is not global; the
caller should then connect to the addresses checked.

Prints ALLOW or REFUSE <verdict> with the reason for each URL, or with --json one
{"type":"success","result":{"allowed",...}} per line.

exit status: 0 when every URL is allowed, 3 when one is refused, 1 for a bad command line.
)";

const char kCredentialHelp[] =
    R"(usage: cordon credential digest [--token-file FILE | --token-env VAR]
       cordon credential check (--digest sha256:HEX | --credentials FILE --name NAME)
                               [--bearer] [--presented-file FILE | --presented-env VAR] [--json]

Bearer tokens and operation secrets (scheduler, retention, destructive operations) are
stored as SHA-256 digests, never in clear. `digest` prints the digest to configure for a
token read from a file, an environment variable or standard input (at least 32 characters:
letters, digits, - . _ ~ + /). `check` compares a presented value with the digest in
constant time: --bearer reads an Authorization header value ("Bearer <token>"), otherwise
the secret itself. The credentials FILE is JSON {"<name>": "sha256:<hex>" | null}; an unset
credential refuses everything (fail closed).

Prints the state (valid, invalid, missing or unset: what a route request's "credentials"
reports) or, with --json, {"type":"success","result":{"state","message"}}.

exit status: 0 when valid (or a digest was printed), 3 when not, 1 for a bad command line,
2 when a file cannot be read or the token is unfit.
)";

namespace {

constexpr int kExitRefused = 3;

using Json = nlohmann::ordered_json;

int64_t clock_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Options of one subcommand: --name VALUE (repeatable) and flags.
struct Parsed {
  std::map<std::string, std::vector<std::string>> values;
  std::vector<std::string> flags;
  std::vector<std::string> positional;
  bool has_flag(const std::string& name) const {
    return std::find(flags.begin(), flags.end(), name) != flags.end();
  }
  std::string value(const std::string& name, const std::string& fallback = "") const {
    auto found = values.find(name);
    return found == values.end() ? fallback : found->second.back();
  }
};

std::optional<Parsed> parse(const std::vector<std::string>& args, size_t first,
                            const std::string& command, const std::vector<std::string>& with_value,
                            const std::vector<std::string>& flags, bool positional_allowed,
                            std::ostream& err) {
  Parsed parsed;
  for (size_t i = first; i < args.size(); ++i) {
    if (std::find(flags.begin(), flags.end(), args[i]) != flags.end()) {
      parsed.flags.push_back(args[i]);
      continue;
    }
    bool matched = false;
    for (const std::string& name : with_value) {
      std::string value;
      const OptionMatch match = match_option(args, i, name, value);
      if (match == OptionMatch::missing_value) {
        err << command << ": " << name << " needs a value\n";
        return std::nullopt;
      }
      if (match == OptionMatch::matched) {
        parsed.values[name].push_back(value);
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (args[i].rfind("--", 0) != 0 && positional_allowed) {
      parsed.positional.push_back(args[i]);
      continue;
    }
    // Never echo a stray argument: it may be a secret typed in the wrong place.
    if (args[i].rfind("--", 0) != 0)
      err << command << ": unexpected argument " << i + 1
          << " (secrets are read from files or environment variables)\n";
    else
      err << command << ": unknown option '" << args[i].substr(0, args[i].find('=')) << "'\n";
    return std::nullopt;
  }
  return parsed;
}

std::optional<int64_t> parse_integer(const std::string& text, int64_t low, int64_t high) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < low || value > high) return std::nullopt;
  return value;
}

std::optional<std::string> read_payload(const std::string& file, const std::string& command,
                                        std::istream& in, std::ostream& err) {
  if (file.empty())
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<std::string> text = native::read_text_file(file);
  if (!text) {
    err << command << ": " << text.error().to_string() << '\n';
    return std::nullopt;
  }
  return std::move(text).value();
}

// Every secret named by --secret-file and --secret-env, or $CORDON_WEBHOOK_SECRET. An empty
// list (nothing configured) is not an error here: verify refuses it as `unset`.
std::optional<std::vector<SecretBytes>> read_webhook_secrets(const Parsed& options,
                                                             const std::string& command,
                                                             std::ostream& err) {
  std::vector<SecretBytes> secrets;
  auto files = options.values.find("--secret-file");
  auto envs = options.values.find("--secret-env");
  if (files != options.values.end()) {
    for (const std::string& file : files->second) {
      std::optional<SecretBytes> secret = read_secret_file(file, command, err);
      if (!secret) return std::nullopt;
      secrets.push_back(std::move(*secret));
    }
  }
  if (envs != options.values.end()) {
    for (const std::string& name : envs->second) {
      std::optional<SecretBytes> secret = read_secret_env(name, command, err);
      if (!secret) return std::nullopt;
      secrets.push_back(std::move(*secret));
    }
  }
  if (files == options.values.end() && envs == options.values.end()) {
    const char* value = std::getenv("CORDON_WEBHOOK_SECRET");
    if (value != nullptr && *value != '\0') {
      std::string text(value);
      drop_trailing_newline(text);
      secrets.push_back(SecretBytes::from(text));
      SecretBytes::scrub(text);
    }
  }
  return secrets;
}

std::optional<webhook::Scheme> read_scheme(const Parsed& options, const std::string& command,
                                           std::ostream& err) {
  const std::string scheme = options.value("--scheme", "stripe");
  if (scheme == "stripe") return webhook::Scheme::stripe;
  if (scheme == "generic") return webhook::Scheme::generic;
  err << command << ": --scheme must be stripe or generic\n";
  return std::nullopt;
}

int run_webhook_verify(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                       std::ostream& err) {
  const std::string command = "cordon webhook verify";
  auto options = parse(args, 1, command,
                       {"--signature", "--scheme", "--timestamp", "--payload", "--secret-file",
                        "--secret-env", "--now", "--tolerance", "--replay-db", "--replay-scope"},
                       {"--json"}, false, err);
  if (!options) return kExitUsage;
  auto scheme = read_scheme(*options, command, err);
  if (!scheme) return kExitUsage;
  int64_t now = clock_now();
  if (options->values.count("--now")) {
    auto value = parse_integer(options->value("--now"), 0, 999999999999);
    if (!value) {
      err << command << ": --now must be Unix seconds\n";
      return kExitUsage;
    }
    now = *value;
  }
  auto tolerance = parse_integer(options->value("--tolerance", "300"), 0, 86400);
  if (!tolerance) {
    err << command << ": --tolerance must be 0 to 86400 seconds\n";
    return kExitUsage;
  }
  if (*scheme == webhook::Scheme::stripe && options->values.count("--timestamp")) {
    err << command << ": --timestamp is for --scheme generic (stripe's is in t=)\n";
    return kExitUsage;
  }
  std::optional<std::string> payload = read_payload(options->value("--payload"), command, in, err);
  if (!payload) return kExitBadInput;
  std::optional<std::vector<SecretBytes>> secrets = read_webhook_secrets(*options, command, err);
  if (!secrets) return kExitBadInput;

  std::shared_ptr<ReplayStore> store;
  if (options->values.count("--replay-db")) {
    server::SqliteOptions db;
    db.path = options->value("--replay-db");
    db.durable = false;
    auto opened = server::open_sqlite_replay_store(db);
    if (!opened) {
      err << command << ": " << opened.error().to_string() << '\n';
      return kExitBadInput;
    }
    store = std::move(opened).value();
  }

  const std::string signature = options->value("--signature");
  const std::string timestamp = options->value("--timestamp");
  webhook::Delivery delivery{*scheme, *payload, signature, timestamp};
  webhook::VerifyOptions verify_options;
  verify_options.now = now;
  verify_options.tolerance_seconds = *tolerance;
  verify_options.replay_store = store.get();
  verify_options.replay_scope = options->value("--replay-scope");
  const webhook::Verdict verdict = webhook::verify(delivery, *secrets, verify_options);
  if (options->has_flag("--json")) {
    out << verify_json::webhook_answer(verdict) << '\n';
  } else if (verdict.verified) {
    out << "VERIFIED  timestamp " << verdict.timestamp << ", secret #" << verdict.secret_index + 1
        << (store ? ", first delivery" : "") << '\n';
  } else {
    out << "REFUSED   " << webhook::to_string(verdict.outcome) << ": " << verdict.message << '\n';
  }
  return verdict.verified ? kExitOk : kExitRefused;
}

int run_webhook_sign(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                     std::ostream& err) {
  const std::string command = "cordon webhook sign";
  auto options = parse(args, 1, command,
                       {"--scheme", "--timestamp", "--payload", "--secret-file", "--secret-env"},
                       {}, false, err);
  if (!options) return kExitUsage;
  auto scheme = read_scheme(*options, command, err);
  if (!scheme) return kExitUsage;
  int64_t timestamp = clock_now();
  if (options->values.count("--timestamp")) {
    auto value = parse_integer(options->value("--timestamp"), 0, 999999999999);
    if (!value) {
      err << command << ": --timestamp must be Unix seconds\n";
      return kExitUsage;
    }
    timestamp = *value;
  }
  std::optional<std::vector<SecretBytes>> secrets = read_webhook_secrets(*options, command, err);
  if (!secrets) return kExitBadInput;
  if (secrets->size() != 1) {
    err << command << ": give exactly one secret (--secret-file, --secret-env or "
        << "$CORDON_WEBHOOK_SECRET)\n";
    return secrets->empty() ? kExitBadInput : kExitUsage;
  }
  std::optional<std::string> payload = read_payload(options->value("--payload"), command, in, err);
  if (!payload) return kExitBadInput;
  out << webhook::sign(*scheme, secrets->front().view(), timestamp, *payload) << '\n';
  return kExitOk;
}

// getaddrinfo, for --resolve: every IPv4 and IPv6 address of the name.
Result<std::vector<IpAddress>> resolve_host(std::string_view host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string name(host);
  const int status = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
  if (status != 0) {
    Error error;
    error.kind = ErrorKind::verification;
    error.message = ::gai_strerror(status);
    return error;
  }
  std::vector<IpAddress> addresses;
  for (const addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
    IpAddress address;
    if (entry->ai_family == AF_INET) {
      const auto* in4 = reinterpret_cast<const sockaddr_in*>(entry->ai_addr);
      address.family = IpAddress::Family::v4;
      std::memcpy(address.bytes.data(), &in4->sin_addr, 4);
    } else if (entry->ai_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(entry->ai_addr);
      address.family = IpAddress::Family::v6;
      std::memcpy(address.bytes.data(), &in6->sin6_addr, 16);
    } else {
      continue;
    }
    if (std::find(addresses.begin(), addresses.end(), address) == addresses.end())
      addresses.push_back(address);
  }
  ::freeaddrinfo(found);
  return addresses;
}

int run_url_check(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                  std::ostream& err) {
  const std::string command = "cordon url check";
  auto options = parse(args, 1, command, {"--port"}, {"--json", "--resolve"}, true, err);
  if (!options) return kExitUsage;
  OutboundUrlPolicy policy;
  if (options->values.count("--port")) {
    for (const std::string& text : options->values.at("--port")) {
      auto port = parse_integer(text, 1, 65535);
      if (!port) {
        err << command << ": --port must be 1 to 65535\n";
        return kExitUsage;
      }
      policy.allowed_ports.push_back(uint16_t(*port));
    }
  }
  if (options->has_flag("--resolve")) policy.resolver = resolve_host;
  std::vector<std::string> urls = options->positional;
  if (urls.empty()) {
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) urls.push_back(line);
    }
  }
  if (urls.empty()) {
    err << command << ": no URL given (arguments or lines of standard input)\n";
    return kExitUsage;
  }
  bool all_allowed = true;
  for (const std::string& url : urls) {
    const OutboundUrlCheck check = check_outbound_url(url, policy);
    all_allowed = all_allowed && check.allowed;
    if (options->has_flag("--json")) {
      out << verify_json::url_answer(check) << '\n';
    } else if (check.allowed) {
      out << "ALLOW   " << url << '\n';
    } else {
      // The URL is printed only when it carries no userinfo (which may hold a password).
      out << "REFUSE  " << to_string(check.verdict) << "  "
          << (check.verdict == UrlVerdict::userinfo ? std::string("(URL with credentials)") : url)
          << ": " << check.message << '\n';
    }
  }
  return all_allowed ? kExitOk : kExitRefused;
}

int run_credential_digest(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                          std::ostream& err) {
  const std::string command = "cordon credential digest";
  auto options = parse(args, 1, command, {"--token-file", "--token-env"}, {}, false, err);
  if (!options) return kExitUsage;
  std::optional<SecretBytes> token;
  if (options->values.count("--token-file"))
    token = read_secret_file(options->value("--token-file"), command, err);
  else if (options->values.count("--token-env"))
    token = read_secret_env(options->value("--token-env"), command, err);
  else
    token = read_secret_stdin(in);
  if (!token) return kExitBadInput;
  Result<std::string> digest = credential_digest(token->view());
  token->wipe();
  if (!digest) {
    err << command << ": " << digest.error().to_string() << '\n';
    return kExitBadInput;
  }
  out << *digest << '\n';
  return kExitOk;
}

int run_credential_check(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                         std::ostream& err) {
  const std::string command = "cordon credential check";
  auto options =
      parse(args, 1, command,
            {"--digest", "--credentials", "--name", "--presented-file", "--presented-env"},
            {"--bearer", "--json"}, false, err);
  if (!options) return kExitUsage;
  std::optional<CredentialSet> set;
  if (options->values.count("--credentials") && options->values.count("--name") &&
      !options->values.count("--digest")) {
    Result<std::string> text = native::read_text_file(options->value("--credentials"));
    if (!text) {
      err << command << ": " << text.error().to_string() << '\n';
      return kExitBadInput;
    }
    Result<CredentialSet> loaded = CredentialSet::from_json(*text);
    if (!loaded) {
      err << command << ": " << options->value("--credentials") << ": "
          << loaded.error().to_string() << '\n';
      return kExitBadInput;
    }
    set = std::move(loaded).value();
  } else if (!options->values.count("--digest") || options->values.count("--credentials")) {
    err << command << ": give --digest, or --credentials FILE and --name NAME\n";
    return kExitUsage;
  }
  std::optional<SecretBytes> presented;
  if (options->values.count("--presented-file"))
    presented = read_secret_file(options->value("--presented-file"), command, err);
  else if (options->values.count("--presented-env"))
    presented = read_secret_env(options->value("--presented-env"), command, err);
  else
    presented = read_secret_stdin(in);
  // An unreadable or empty source is a credential not presented: `missing`.
  if (!presented) presented = SecretBytes();
  const bool bearer = options->has_flag("--bearer");
  CredentialCheck check;
  if (set) {
    // Through the set, so that a name it does not configure reads as unset.
    const std::string name = options->value("--name");
    check = bearer ? set->check_bearer(name, presented->view())
                   : set->check_secret(name, presented->view());
  } else {
    const std::string digest = options->value("--digest");
    check =
        bearer ? check_bearer(presented->view(), digest) : check_secret(presented->view(), digest);
  }
  if (options->has_flag("--json"))
    out << verify_json::credential_answer(check) << '\n';
  else
    out << to_string(check.state) << ": " << check.message << '\n';
  return check.ok() ? kExitOk : kExitRefused;
}

// Dispatches `cordon <group> <action>` to one of `actions`.
template <class Action>
int dispatch(const char* group, const char* help,
             const std::vector<std::pair<const char*, Action>>& actions,
             const std::vector<std::string>& args, std::istream& in, std::ostream& out,
             std::ostream& err) {
  if (args.empty()) {
    err << help;
    return kExitUsage;
  }
  for (const std::string& arg : args) {
    if (is_help(arg)) {
      out << help;
      return kExitOk;
    }
  }
  for (const auto& [name, action] : actions) {
    if (args.front() == name) return action(args, in, out, err);
  }
  std::string names;
  for (const auto& entry : actions) names += (names.empty() ? "" : ", ") + std::string(entry.first);
  err << "cordon " << group << ": unknown action '" << args.front() << "' (" << names
      << "; see cordon " << group << " --help)\n";
  return kExitUsage;
}

using Action = int (*)(const std::vector<std::string>&, std::istream&, std::ostream&,
                       std::ostream&);

}  // namespace

int run_webhook(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err) {
  return dispatch<Action>("webhook", kWebhookHelp,
                          {{"verify", run_webhook_verify}, {"sign", run_webhook_sign}}, args, in,
                          out, err);
}

int run_url(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
            std::ostream& err) {
  return dispatch<Action>("url", kUrlHelp, {{"check", run_url_check}}, args, in, out, err);
}

int run_credential(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                   std::ostream& err) {
  return dispatch<Action>("credential", kCredentialHelp,
                          {{"digest", run_credential_digest}, {"check", run_credential_check}},
                          args, in, out, err);
}

}  // namespace cordon::cli
