// Where the CLI's secrets come from: files and environment variables, never the command
// line (which other users of the machine can read in the process list and which shells
// keep in their history).
//
//   std::optional<SecretBytes> key = read_secret_file("webhook.secret", "cordon webhook", err);
//   std::optional<SecretBytes> key = read_secret_env("CORDON_WEBHOOK_SECRET", "...", err);
//
// One trailing newline (\n or \r\n) is dropped, so `echo secret > file` works. Errors name
// the file or variable, never the value.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "cordon/secret_bytes.h"

namespace cordon::cli {

std::optional<SecretBytes> read_secret_file(const std::string& path, const std::string& command,
                                            std::ostream& err);
// nullopt (and a message) when the variable is unset or empty.
std::optional<SecretBytes> read_secret_env(const std::string& name, const std::string& command,
                                           std::ostream& err);
// Everything on standard input, as a secret (one trailing newline dropped unless keep_newline).
SecretBytes read_secret_stdin(std::istream& in, bool keep_newline = false);

// Drops one trailing "\n" or "\r\n" from text, in place.
void drop_trailing_newline(std::string& text);

}  // namespace cordon::cli
