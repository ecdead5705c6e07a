// SecretBytes holds key material or a secret's plaintext and wipes it when it goes away.
//
// It owns one buffer, allocated once and never grown (so no stale copy is left behind by a
// reallocation), zeroed on destruction, on move-from and by wipe(). It cannot be copied by
// accident, printed or compared with ==; use clone() and constant_time_equal() on purpose.
//
//   cordon::SecretBytes key = cordon::SecretBytes::from(text_read_from_a_file);
//   std::string tag = cordon::crypto::hmac_sha256(key.view(), message);
//   key.wipe();   // or let it go out of scope
//
// The caller still owns whatever it copied the secret from (a file buffer, an environment
// variable) and should wipe it too (SecretBytes::scrub).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace cordon {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size);  // `size` zero bytes, to be filled through data()
  static SecretBytes from(std::string_view bytes);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  SecretBytes clone() const { return from(view()); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  std::string_view view() const { return {data_.get(), size_}; }

  // Zeroes the bytes and releases them; the object is then empty.
  void wipe();

  // Zeroes memory the compiler may not optimize away: for buffers a secret passed through.
  static void scrub(void* data, size_t size);
  static void scrub(std::string& text);  // zeroes text's characters, then clears it

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
};

}  // namespace cordon
