// The version of the cordon engine, the same in every build.
#pragma once

namespace cordon {

// Semantic version of the engine, e.g. "0.1.0".
const char* version();

// The Cedar language version whose semantics the engine follows.
const char* cedar_language_version();

}  // namespace cordon
