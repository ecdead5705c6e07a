// Field masks and telemetry scrubbing.
//
// A field mask removes or masks the fields a viewer may not read on a surface
// (Cedar decides per field class, once per payload). A telemetry scrub profile
// redacts secrets and PII from an error-monitoring event by key name and by value.
//
//   auto out = cordon::apply_field_mask(bundle, payload_json, viewer, "mobile", "dashboard");
//   out->payload_json;   // the payload without what the viewer may not see
//   out->removed;        // RFC 6901 pointers into the original payload
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cordon/bundle.h"
#include "cordon/routes.h"

namespace cordon {

struct MaskedPayload {
  std::string payload_json;
  std::vector<std::string> removed;  // RFC 6901 pointers, document order
  std::vector<std::string> masked;
  std::vector<std::string> denied_classes;  // field classes the viewer may not read
  std::string to_json() const;
};

// `viewer` is the session of the reader (user, roles, tenant, status).
Result<MaskedPayload> apply_field_mask(const Bundle& bundle, std::string_view payload_json,
                                       const Session& viewer, std::string_view surface,
                                       std::string_view profile);

struct ScrubbedEvent {
  std::string event_json;
  std::vector<std::string> removed;   // pointers of removed keys
  std::vector<std::string> replaced;  // pointers of values replaced, masked or hashed
  std::string to_json() const;
};

Result<ScrubbedEvent> scrub_telemetry(const Bundle& bundle, std::string_view event_json,
                                      std::string_view profile);

}  // namespace cordon
