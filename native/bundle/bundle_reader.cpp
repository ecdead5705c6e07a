// Bundle directory reading: a recursive walk that follows symbolic links only while they
// stay inside the bundle, refuses oversized files, and keys files by '/'-separated paths.
#include "bundle/bundle_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cordon::native {

namespace {

namespace fs = std::filesystem;

Error io_error(const fs::path& where, std::string message) {
  return Error{ErrorKind::io, std::move(message), SourceLocation{where.generic_string()}};
}

// True when `path` is `root` or below it; both canonical, so ".." and links are resolved.
bool is_inside(const fs::path& root, const fs::path& path) {
  auto path_part = path.begin();
  for (const fs::path& root_part : root) {
    if (path_part == path.end() || *path_part != root_part) return false;
    ++path_part;
  }
  return true;
}

// Reads at most kMaxBundleFileBytes + 1 bytes, so a file that grows after its size was
// checked is still refused rather than read whole.
Result<std::string> read_limited(const fs::path& path, const fs::path& shown) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(shown, std::string("cannot open file: ") + std::strerror(errno));
  std::string content;
  char buffer[64 * 1024];
  while (in) {
    in.read(buffer, sizeof buffer);
    content.append(buffer, static_cast<size_t>(in.gcount()));
    if (content.size() > kMaxBundleFileBytes) {
      return Error{ErrorKind::limit, "file is larger than 16 MiB",
                   SourceLocation{shown.generic_string()}};
    }
  }
  if (in.bad()) return io_error(shown, "cannot read file");
  return content;
}

class DirectoryWalker {
 public:
  DirectoryWalker(fs::path root, fs::path canonical_root)
      : root_(std::move(root)), canonical_root_(std::move(canonical_root)) {}

  // Walks `directory` (canonical: `canonical_directory`), whose files get names `prefix/...`.
  std::optional<Error> walk(const fs::path& directory, const fs::path& canonical_directory,
                            const std::string& prefix) {
    // The directories being walked, to refuse a link back into one of them (a loop).
    open_directories_.push_back(canonical_directory);
    std::error_code status;
    fs::directory_iterator entries(directory, status);
    if (status) return io_error(shown(prefix), "cannot list directory: " + status.message());
    for (const fs::directory_entry& entry : entries) {
      const std::string name = entry.path().filename().string();
      const std::string relative = prefix.empty() ? name : prefix + "/" + name;
      if (std::optional<Error> error = visit(entry.path(), relative)) return error;
    }
    if (status) return io_error(shown(prefix), "cannot list directory: " + status.message());
    open_directories_.pop_back();
    return std::nullopt;
  }

  BundleFiles take_files() { return std::move(files_); }

 private:
  fs::path shown(const std::string& relative) const {
    return relative.empty() ? root_ : root_ / fs::path(relative);
  }

  std::optional<Error> visit(const fs::path& path, const std::string& relative) {
    std::error_code status;
    const fs::path target = fs::canonical(path, status);
    if (status) {
      return io_error(shown(relative), fs::is_symlink(fs::symlink_status(path, status))
                                           ? "broken symbolic link"
                                           : "cannot resolve path: " + status.message());
    }
    if (!is_inside(canonical_root_, target)) {
      return io_error(shown(relative), "symbolic link leads outside the bundle directory (to " +
                                           target.string() + ")");
    }
    const fs::file_status kind = fs::status(target, status);
    if (status) return io_error(shown(relative), "cannot read: " + status.message());
    if (fs::is_directory(kind)) {
      if (std::find(open_directories_.begin(), open_directories_.end(), target) !=
          open_directories_.end()) {
        return io_error(shown(relative), "symbolic link loop");
      }
      return walk(path, target, relative);
    }
    if (!fs::is_regular_file(kind)) {
      // A FIFO or a device would block or stream forever; a bundle holds only files.
      return io_error(shown(relative), "not a regular file or directory");
    }
    const std::uintmax_t size = fs::file_size(target, status);
    if (status) return io_error(shown(relative), "cannot read size: " + status.message());
    if (size > kMaxBundleFileBytes) {
      return Error{ErrorKind::limit, "file is larger than 16 MiB",
                   SourceLocation{shown(relative).generic_string()}};
    }
    Result<std::string> content = read_limited(target, shown(relative));
    if (!content) return content.error();
    files_.emplace(relative, std::move(content).value());
    return std::nullopt;
  }

  fs::path root_;
  fs::path canonical_root_;
  std::vector<fs::path> open_directories_;
  BundleFiles files_;
};

}  // namespace

Result<BundleFiles> read_bundle_directory(const std::filesystem::path& root) {
  std::error_code status;
  if (!fs::exists(root, status)) return io_error(root, "no such bundle directory");
  if (!fs::is_directory(root, status)) return io_error(root, "not a directory");
  const fs::path canonical_root = fs::canonical(root, status);
  if (status) return io_error(root, "cannot resolve directory: " + status.message());
  DirectoryWalker walker(root, canonical_root);
  if (std::optional<Error> error = walker.walk(root, canonical_root, "")) return *error;
  return walker.take_files();
}

Result<Bundle> load_bundle_directory(const std::filesystem::path& root,
                                     const BundleLoadOptions& options) {
  Result<BundleFiles> files = read_bundle_directory(root);
  if (!files) return files.error();
  Result<Bundle> bundle = Bundle::load(*files, options);
  if (bundle) return bundle;
  Error error = bundle.error();
  // The engine names files relative to the bundle; the reader of the message is not there.
  if (!error.location.file.empty() && fs::path(error.location.file).is_relative()) {
    error.location.file = (root / fs::path(error.location.file)).generic_string();
  }
  return error;
}

}  // namespace cordon::native
