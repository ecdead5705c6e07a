// SecretBytes (cordon/secret_bytes.h): Botan's secure_scrub_memory does the zeroing, so the
// compiler cannot drop it as a dead store.
#include "cordon/secret_bytes.h"

#include <cstring>
#include <utility>

#include "crypto/botan.h"

namespace cordon {

SecretBytes::SecretBytes(size_t size) : data_(size ? new char[size]() : nullptr), size_(size) {}

SecretBytes SecretBytes::from(std::string_view bytes) {
  SecretBytes out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data_.get(), bytes.data(), bytes.size());
  return out;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() {
  wipe();
}

void SecretBytes::wipe() {
  if (data_) scrub(data_.get(), size_);
  data_.reset();
  size_ = 0;
}

void SecretBytes::scrub(void* data, size_t size) {
  if (data != nullptr && size > 0) Botan::secure_scrub_memory(data, size);
}

void SecretBytes::scrub(std::string& text) {
  // capacity(), not size(): bytes beyond the end may still hold an earlier, longer value.
  if (text.capacity() > 0) {
    text.resize(text.capacity());
    scrub(text.data(), text.size());
  }
  text.clear();
}

}  // namespace cordon
