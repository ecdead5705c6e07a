#include "cordon/error.h"

#include "cordon/version.h"

namespace cordon {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::parse: return "parse";
    case ErrorKind::json: return "json";
    case ErrorKind::entity: return "entity";
    case ErrorKind::request: return "request";
    case ErrorKind::schema: return "schema";
    case ErrorKind::evaluation: return "evaluation";
    case ErrorKind::limit: return "limit";
    case ErrorKind::io: return "io";
    case ErrorKind::bundle: return "bundle";
    case ErrorKind::signature: return "signature";
    case ErrorKind::domain: return "domain";
    case ErrorKind::secret: return "secret";
    case ErrorKind::verification: return "verification";
  }
  return "unknown";
}

std::string Error::to_string() const {
  std::string out;
  if (!location.file.empty()) out += location.file + ":";
  if (location.line > 0) {
    out += std::to_string(location.line) + ":" + std::to_string(location.column) + ":";
  }
  if (!out.empty()) out += " ";
  out += cordon::to_string(kind);
  out += " error: ";
  out += message;
  return out;
}

#ifndef CORDON_VERSION
#define CORDON_VERSION "0.0.0"
#endif

const char* version() { return CORDON_VERSION; }
const char* cedar_language_version() { return "4.5"; }

}  // namespace cordon
