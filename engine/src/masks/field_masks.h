// Field classes and field-mask profiles (fields.json): which JSONPath selectors
// belong to which field class, how a class is hidden (removed or masked), and
// which classes each profile applies.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "domain/bundle_data.h"
#include "masks/json_path.h"

namespace cordon::masks {

enum class MaskMethod { remove, mask };

struct FieldClass {
  std::string name;
  std::vector<JsonPath> selectors;
  MaskMethod method = MaskMethod::remove;
};

}  // namespace cordon::masks

namespace cordon::domain {

class FieldMasks {
 public:
  std::map<std::string, masks::FieldClass> classes;
  std::map<std::string, std::vector<std::string>> profiles;  // profile → class names
};

}  // namespace cordon::domain

namespace cordon::masks {

// The text that replaces a masked value.
inline constexpr const char* kMaskedValue = "[masked]";

// Deepest payload nesting walked; deeper payloads are an error.
inline constexpr int kMaxPayloadDepth = 256;

}  // namespace cordon::masks
