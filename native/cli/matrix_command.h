// `cordon matrix`: the access matrix of a bundle (every role × every route on one surface),
// as Markdown, CSV, a self-contained HTML page or JSON.
//
//   $ cordon matrix --surface mobile --format csv > matrix.csv
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kMatrixHelp[];

int run_matrix(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace cordon::cli
