// The `cordon` command-line tool: dispatches to its subcommands.
//
//   cordon authorize --policies app.cedar --entities entities.json < requests.jsonl
//   cordon conformance --root /tmp/corpus /tmp/corpus/corpus-tests
//   cordon route --pretty < policies/elaygent/examples/routes.jsonl
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/arguments.h"
#include "cli/audit_command.h"
#include "cli/authorize_command.h"
#include "cli/bundle_options.h"
#include "cli/conformance_command.h"
#include "cli/gate_command.h"
#include "cli/matrix_command.h"
#include "cli/ratelimit_command.h"
#include "cli/route_command.h"
#include "cli/scrub_command.h"
#include "cli/secret_command.h"
#include "cli/sign_command.h"
#include "cli/verify_command.h"
#include "cordon/version.h"

namespace {

constexpr char kMainHelp[] = R"(usage: cordon <command> [options]
       cordon --help | --version

cordon evaluates Cedar policies with its own C++ engine, and answers a policy bundle's
domain questions (routes, field masks, telemetry scrubbing, gated workflows).

commands:
  route         decide route requests given as JSON lines (--json, default, or --pretty)
  explain       the explanation sentences of each route decision
  matrix        the access matrix, roles x routes, as markdown, csv, html or json
  scrub         mask a JSON payload for a viewer, scrub telemetry events (--telemetry), or
                measure a scrub profile on a labelled set (--evaluate)
  gate          check a destructive workflow's preconditions; lists every unmet gate
  sign          sign a bundle directory (.signatures.json), verify it, or print a public key
  authorize     answer Cedar authorization requests given as JSON lines (stdin or --input),
                against --policies/--entities or a --bundle
  conformance   run Cedar integration-test JSON files; ends with `N passed, M failed`
  audit         the audit log on SQLite: append, query, export (CSV, JSON), verify the hash
                chain, prune by the retention gate
  ratelimit     sliding-window rate limits shared through SQLite (check), and the routes
                without a limiter (coverage)
  secret        seal, open and rotate tenant provider keys (AES-256-GCM, bound to tenant and
                provider; keys from files or the environment), keygen for the keyring
  webhook       verify an HMAC-SHA-256 webhook signature (Stripe or generic headers, timestamp
                tolerance, replay store), or sign a payload
  url           check outbound URLs: https only, no userinfo, no private or local addresses
  credential    digest a bearer token or operation secret, check one against its digest

The bundle commands read the bundle directory given by --bundle (default:
policies/elaygent, relative to the current directory).

Run `cordon <command> --help` for a command's options.

exit status: 0 on success, 1 for a bad command line, 2 when an input file or the bundle
cannot be read or does not load (file:line:col: ... on stderr), 3 when `cordon gate`
refuses the workflow, or a webhook, URL or credential check refuses.
)";

void print_version(std::ostream& out) {
  out << "cordon " << cordon::version() << " (Cedar language " << cordon::cedar_language_version()
      << ")\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kMainHelp;
    return cordon::cli::kExitUsage;
  }
  const std::string command = args.front();
  const std::vector<std::string> command_args(args.begin() + 1, args.end());

  if (cordon::cli::is_help(command) || command == "help") {
    // `cordon help authorize` is the same as `cordon authorize --help`.
    const std::string topic = command_args.empty() ? "" : command_args.front();
    if (topic == "authorize") {
      std::cout << cordon::cli::kAuthorizeHelp;
    } else if (topic == "conformance") {
      std::cout << cordon::cli::kConformanceHelp;
    } else if (topic == "route") {
      std::cout << cordon::cli::kRouteHelp << '\n' << cordon::cli::kBundleOptionsHelp;
    } else if (topic == "explain") {
      std::cout << cordon::cli::kExplainHelp << '\n' << cordon::cli::kBundleOptionsHelp;
    } else if (topic == "matrix") {
      std::cout << cordon::cli::kMatrixHelp << '\n' << cordon::cli::kBundleOptionsHelp;
    } else if (topic == "scrub") {
      std::cout << cordon::cli::kScrubHelp << '\n' << cordon::cli::kBundleOptionsHelp;
    } else if (topic == "sign") {
      std::cout << cordon::cli::kSignHelp;
    } else if (topic == "audit") {
      std::cout << cordon::cli::kAuditHelp << '\n' << cordon::cli::kBundleOptionsHelp;
    } else if (topic == "ratelimit") {
      std::cout << cordon::cli::kRateLimitHelp << '\n' << cordon::cli::kBundleOptionsHelp;
    } else if (topic == "secret") {
      std::cout << cordon::cli::kSecretHelp;
    } else if (topic == "webhook") {
      std::cout << cordon::cli::kWebhookHelp;
    } else if (topic == "url") {
      std::cout << cordon::cli::kUrlHelp;
    } else if (topic == "credential") {
      std::cout << cordon::cli::kCredentialHelp;
    } else if (topic == "gate") {
      std::cout << cordon::cli::kGateHelp << '\n' << cordon::cli::kBundleOptionsHelp;
    } else {
      std::cout << kMainHelp;
    }
    return cordon::cli::kExitOk;
  }
  if (command == "--version" || command == "version") {
    print_version(std::cout);
    return cordon::cli::kExitOk;
  }
  if (command == "authorize") {
    return cordon::cli::run_authorize(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "route") {
    return cordon::cli::run_route(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "explain") {
    return cordon::cli::run_explain(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "matrix") {
    return cordon::cli::run_matrix(command_args, std::cout, std::cerr);
  }
  if (command == "scrub") {
    return cordon::cli::run_scrub(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "gate") {
    return cordon::cli::run_gate(command_args, std::cout, std::cerr);
  }
  if (command == "sign") {
    return cordon::cli::run_sign(command_args, std::cout, std::cerr);
  }
  if (command == "audit") {
    return cordon::cli::run_audit(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "ratelimit") {
    return cordon::cli::run_ratelimit(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "secret") {
    return cordon::cli::run_secret(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "webhook") {
    return cordon::cli::run_webhook(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "url") {
    return cordon::cli::run_url(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "credential") {
    return cordon::cli::run_credential(command_args, std::cin, std::cout, std::cerr);
  }
  if (command == "conformance") {
    return cordon::cli::run_conformance(command_args, std::cout, std::cerr);
  }
  std::cerr << "cordon: unknown command '" << command << "'\n\n" << kMainHelp;
  return cordon::cli::kExitUsage;
}
