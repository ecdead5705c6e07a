// Crypto primitives of the engine, on Botan 2: SHA-256, HMAC-SHA-256, Ed25519,
// hex and base64url codecs, and a constant-time comparison. Bytes travel as
// std::string; nothing here throws, and no function puts a key in a message.
//
//   std::string digest = cordon::crypto::sha256_hex(contents);          // 64 hex digits
//   std::string tag = cordon::crypto::hmac_sha256(key, message);        // 32 raw bytes
//   if (!cordon::crypto::constant_time_equal(tag, expected)) ...
//   auto signature = cordon::crypto::ed25519_sign(seed, message);       // 64 raw bytes
//   bool ok = cordon::crypto::ed25519_verify(public_key, message, *signature);
//   auto sealed = cordon::crypto::aes256gcm_seal(key, nonce, associated_data, plaintext);
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "cordon/secret_bytes.h"

namespace cordon::crypto {

inline constexpr size_t kSha256Size = 32;
inline constexpr size_t kEd25519KeySize = 32;  // private seed and public key
inline constexpr size_t kEd25519SignatureSize = 64;
inline constexpr size_t kAeadKeySize = 32;    // AES-256
inline constexpr size_t kAeadNonceSize = 12;  // GCM's 96-bit nonce
inline constexpr size_t kAeadTagSize = 16;

// SHA-256 of `data`: 32 raw bytes, or 64 lowercase hex digits.
std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

// HMAC-SHA-256 (RFC 2104) of `message` under `key`, 32 raw bytes. Any key length works
// (a key longer than the hash's block is hashed first, as the RFC says).
std::string hmac_sha256(std::string_view key, std::string_view message);

// Whether a and b are equal, in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

// Lowercase hex; decoding accepts either case and fails on odd length or a non-hex digit.
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);

// base64url without padding (RFC 4648 section 5, as JWS uses it). Decoding is strict:
// padding, characters outside the alphabet and non-canonical trailing bits fail.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// Ed25519 (RFC 8032, pure). `seed` is the 32-byte private seed, `public_key` the 32-byte
// public key; nullopt/false when a key or signature has the wrong size.
std::optional<std::string> ed25519_public_key(std::string_view seed);
std::optional<std::string> ed25519_sign(std::string_view seed, std::string_view message);
bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature);

// `size` bytes from the operating system's random generator (getrandom or /dev/urandom;
// the host's crypto under Emscripten). Aborts rather than return predictable bytes.
std::string random_bytes(size_t size);
SecretBytes random_secret(size_t size);

// AES-256-GCM (NIST SP 800-38D) with a 32-byte key and a 12-byte nonce that must never be
// used twice with the same key. seal answers ciphertext || 16-byte tag; open answers the
// plaintext, or nullopt when the key, nonce, associated data or ciphertext is not the one
// sealed (or a size is wrong). The plaintext is wiped from every buffer but the result.
std::optional<std::string> aes256gcm_seal(std::string_view key, std::string_view nonce,
                                          std::string_view associated_data,
                                          std::string_view plaintext);
std::optional<SecretBytes> aes256gcm_open(std::string_view key, std::string_view nonce,
                                          std::string_view associated_data,
                                          std::string_view sealed);

}  // namespace cordon::crypto
