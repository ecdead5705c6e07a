// `cordon sign`: signs a bundle directory (writes its .signatures.json), checks a signature,
// or prints the Ed25519 public key of a signing key.
//
//   $ cordon sign --bundle policies/elaygent --key-file policies/keys/elaygent.dev-only.key
//   $ cordon sign --verify --bundle policies/elaygent --key-file policies/keys/elaygent.pub
//   $ cordon sign --public-key --key-file policies/keys/elaygent.dev-only.key
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kSignHelp[];

int run_sign(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace cordon::cli
