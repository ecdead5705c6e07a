// Secrets for the CLI from files, environment variables and standard input (secret_input.h).
#include "cli/secret_input.h"

#include <cstdlib>
#include <iostream>

#include "conformance/text_file.h"

namespace cordon::cli {

void drop_trailing_newline(std::string& text) {
  if (!text.empty() && text.back() == '\n') {
    text.back() = '\0';
    text.pop_back();
    if (!text.empty() && text.back() == '\r') {
      text.back() = '\0';
      text.pop_back();
    }
  }
}

std::optional<SecretBytes> read_secret_file(const std::string& path, const std::string& command,
                                            std::ostream& err) {
  Result<std::string> text = native::read_text_file(path);
  if (!text) {
    err << command << ": " << text.error().to_string() << "\n";
    return std::nullopt;
  }
  drop_trailing_newline(*text);
  SecretBytes secret = SecretBytes::from(*text);
  SecretBytes::scrub(*text);
  if (secret.empty()) {
    err << command << ": " << path << " is empty\n";
    return std::nullopt;
  }
  return secret;
}

std::optional<SecretBytes> read_secret_env(const std::string& name, const std::string& command,
                                           std::ostream& err) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    err << command << ": environment variable " << name << " is not set\n";
    return std::nullopt;
  }
  std::string text(value);
  drop_trailing_newline(text);
  SecretBytes secret = SecretBytes::from(text);
  SecretBytes::scrub(text);
  return secret;
}

SecretBytes read_secret_stdin(std::istream& in, bool keep_newline) {
  // Reserved up front so that growing the string leaves no unwiped copy behind (secrets
  // are small; a larger input still works, with that caveat).
  std::string text;
  text.reserve(64 * 1024 + 2);
  char chunk[4096];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (in.eof()) break;
  }
  SecretBytes::scrub(chunk, sizeof chunk);
  if (!keep_newline) drop_trailing_newline(text);
  SecretBytes secret = SecretBytes::from(text);
  SecretBytes::scrub(text);
  return secret;
}

}  // namespace cordon::cli
