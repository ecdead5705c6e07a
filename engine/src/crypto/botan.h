// The one place the engine includes Botan 2. Natively the library comes from
// Debian's libbotan-2-dev (<botan/...>); under Emscripten it is the minimized
// amalgamation made by scripts/build-botan-wasm.sh (one header, botan_all.h), and
// CMake defines CORDON_BOTAN_AMALGAMATION. Only crypto/crypto.cpp includes this.
#pragma once

#ifdef CORDON_BOTAN_AMALGAMATION
#include <botan_all.h>
#else
#include <botan/aead.h>
#include <botan/ed25519.h>
#include <botan/hmac.h>
#include <botan/mem_ops.h>
#include <botan/pubkey.h>
#include <botan/rng.h>
#include <botan/sha2_32.h>
#include <botan/system_rng.h>
#endif
