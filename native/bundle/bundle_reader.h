// Reads a bundle directory from disk into cordon::BundleFiles (the engine does no I/O),
// then loads it.
//
//   cordon::Result<cordon::Bundle> bundle =
//       cordon::native::load_bundle_directory("policies/elaygent", options);
//   if (!bundle) std::cerr << bundle.error().to_string() << "\n";
//   // policies/elaygent/routes.json:14:17: bundle error: ...
//
// Every regular file under the directory is read, at any depth, keyed by its path relative
// to the directory with '/' separators. Errors are cordon::Error values whose kind says what
// went wrong:
//   io     the directory or a file cannot be read, a symbolic link leads outside the
//          directory (or is broken, or loops), or an entry is neither a file nor a directory;
//   limit  a file is larger than kMaxBundleFileBytes.
#pragma once

#include <cstdint>
#include <filesystem>

#include "cordon/bundle.h"
#include "cordon/error.h"

namespace cordon::native {

// A bundle holds policy text and small tables; anything larger is a mistake or an attack.
inline constexpr std::uintmax_t kMaxBundleFileBytes = 16u * 1024u * 1024u;

// The files under `root`. Symbolic links are followed only while they stay inside `root`.
Result<BundleFiles> read_bundle_directory(const std::filesystem::path& root);

// read_bundle_directory, then Bundle::load. A load error's file is given relative to the
// current directory (`policies/elaygent/routes.json:14:17`), so it can be opened as printed.
Result<Bundle> load_bundle_directory(const std::filesystem::path& root,
                                     const BundleLoadOptions& options = {});

}  // namespace cordon::native
