// An entity reference by type and id, e.g. {"Photo", "vacation.jpg"}.
#pragma once

#include <string>

namespace cordon {

struct EntityRef {
  std::string type;
  std::string id;
};

}  // namespace cordon
