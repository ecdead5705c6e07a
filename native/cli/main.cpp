// The `cordon` command-line tool: dispatches to its subcommands.
//
//   cordon authorize --policies app.cedar --entities entities.json < requests.jsonl
//   cordon conformance --root /tmp/corpus /tmp/corpus/corpus-tests
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/arguments.h"
#include "cli/authorize_command.h"
#include "cli/conformance_command.h"
#include "cordon/version.h"

namespace {

constexpr char kMainHelp[] = R"(usage: cordon <command> [options]
       cordon --help | --version

cordon evaluates Cedar policies with its own C++ engine.

commands:
  authorize     answer authorization requests given as JSON lines (stdin or --input)
  conformance   run Cedar integration-test JSON files; ends with `N passed, M failed`

Run `cordon <command> --help` for a command's options.

exit status: 0 on success, 1 for a bad command line, 2 when an input file cannot be
read or does not parse.
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
  if (command == "conformance") {
    return cordon::cli::run_conformance(command_args, std::cout, std::cerr);
  }
  std::cerr << "cordon: unknown command '" << command << "'\n\n" << kMainHelp;
  return cordon::cli::kExitUsage;
}
