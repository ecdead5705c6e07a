// Reads a whole file as text for the native tools (the engine itself does no I/O).
//
//   cordon::Result<std::string> text = cordon::native::read_text_file("app.cedar");
//   if (!text) std::cerr << text.error().to_string() << "\n";  // app.cedar: io error: ...
#pragma once

#include <filesystem>
#include <string>

#include "cordon/error.h"

namespace cordon::native {

// The file's bytes, or an io Error naming the file and the reason.
Result<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace cordon::native
