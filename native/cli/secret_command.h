// `cordon secret seal|open|rotate|keygen`: tenant provider keys sealed at rest.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kSecretHelp[];

int run_secret(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
               std::ostream& err);

}  // namespace cordon::cli
