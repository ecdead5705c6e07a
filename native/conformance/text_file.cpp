// Whole-file reading for the CLI and the conformance runner.
#include "conformance/text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cordon::native {

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code status;
  if (std::filesystem::is_directory(path, status)) {
    return Error{ErrorKind::io, "is a directory, not a file", SourceLocation{path.string()}};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{ErrorKind::io, std::string("cannot open file: ") + std::strerror(errno),
                 SourceLocation{path.string()}};
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return Error{ErrorKind::io, "cannot read file", SourceLocation{path.string()}};
  }
  return content.str();
}

}  // namespace cordon::native
