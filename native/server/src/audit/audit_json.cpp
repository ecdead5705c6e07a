// JSON forms of audit records and filters, and times (audit_log.h).
#include <charconv>

#include <nlohmann/json.hpp>

#include "cordon/server/audit_log.h"
#include "json/located_json.h"
#include "text/rfc3339.h"

namespace cordon::server {

namespace {

using Json = nlohmann::json;
using json::LocatedJson;

std::optional<int64_t> time_value(const Json& value) {
  if (value.is_string()) return parse_time(value.get_ref<const std::string&>());
  if (value.is_number_integer() && !value.is_number_unsigned()) return value.get<int64_t>();
  if (value.is_number_unsigned() && value.get<uint64_t>() <= uint64_t(INT64_MAX))
    return static_cast<int64_t>(value.get<uint64_t>());
  return std::nullopt;
}

// Reads the object's members by name; any other member is an error at its key.
class Members {
 public:
  Members(const LocatedJson& doc, std::initializer_list<const char*> known) : doc_(doc) {
    for (auto it = doc.root().begin(); it != doc.root().end(); ++it) {
      bool ok = false;
      for (const char* name : known) ok = ok || it.key() == name;
      if (!ok && !error_)
        error_ = doc.key_error(LocatedJson::child("", it.key()), "unknown key `" + it.key() + "`",
                               ErrorKind::domain);
    }
  }
  const std::optional<Error>& error() const { return error_; }

  // A string member; absent: leaves `out` alone.
  std::optional<Error> text(const char* name, std::string& out, bool required = false) const {
    auto it = doc_.root().find(name);
    if (it == doc_.root().end()) {
      if (required) return make(std::string("`") + name + "` is required", "");
      return std::nullopt;
    }
    if (!it->is_string()) return located(name, std::string("`") + name + "` must be a string");
    out = it->get<std::string>();
    return std::nullopt;
  }
  std::optional<Error> optional_text(const char* name, std::optional<std::string>& out) const {
    std::string value;
    if (!doc_.root().contains(name)) return std::nullopt;
    if (auto e = text(name, value)) return e;
    out = value;
    return std::nullopt;
  }
  std::optional<Error> time(const char* name, std::optional<int64_t>& out) const {
    auto it = doc_.root().find(name);
    if (it == doc_.root().end()) return std::nullopt;
    out = time_value(*it);
    if (!out)
      return located(name, std::string("`") + name +
                               "` must be an RFC 3339 time with an offset or epoch milliseconds");
    return std::nullopt;
  }
  const Json* find(const char* name) const {
    auto it = doc_.root().find(name);
    return it == doc_.root().end() ? nullptr : &*it;
  }
  Error located(const char* name, std::string message) const {
    return doc_.error(LocatedJson::child("", name), std::move(message), ErrorKind::domain);
  }

 private:
  Error make(std::string message, const std::string& pointer) const {
    return doc_.error(pointer, std::move(message), ErrorKind::domain);
  }
  const LocatedJson& doc_;
  std::optional<Error> error_;
};

Result<LocatedJson> parse_object(std::string_view text, const char* what) {
  auto doc = LocatedJson::parse(text, what);
  if (!doc) return doc.error();
  if (!doc->root().is_object())
    return doc->error("", std::string("a ") + what + " must be a JSON object", ErrorKind::domain);
  return doc;
}

}  // namespace

std::optional<int64_t> parse_time(std::string_view text) {
  if (auto ms = text::parse_rfc3339(text)) return ms;
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc() && ptr == end && !text.empty()) return value;
  return std::nullopt;
}

std::string format_time(int64_t epoch_ms) {
  return text::format_rfc3339_ms(epoch_ms);
}

Result<AuditRecord> audit_record_from_json(std::string_view text) {
  auto doc = parse_object(text, "record");
  if (!doc) return doc.error();
  Members members(*doc, {"action", "actor", "tenant", "target", "details", "time"});
  if (members.error()) return *members.error();
  AuditRecord record;
  if (auto e = members.text("action", record.action, true)) return *e;
  if (auto e = members.text("actor", record.actor, true)) return *e;
  if (auto e = members.text("tenant", record.tenant, true)) return *e;
  if (auto e = members.text("target", record.target)) return *e;
  if (auto e = members.time("time", record.time_ms)) return *e;
  if (const Json* details = members.find("details")) {
    if (!details->is_object()) return members.located("details", "`details` must be an object");
    record.details_json = details->dump();
  }
  return record;
}

Result<AuditFilter> audit_filter_from_json(std::string_view text) {
  auto doc = parse_object(text, "filter");
  if (!doc) return doc.error();
  Members members(*doc, {"tenant", "action", "actor", "kind", "since", "until", "limit", "order"});
  if (members.error()) return *members.error();
  AuditFilter filter;
  if (auto e = members.optional_text("tenant", filter.tenant)) return *e;
  if (auto e = members.optional_text("action", filter.action)) return *e;
  if (auto e = members.optional_text("actor", filter.actor)) return *e;
  if (auto e = members.optional_text("kind", filter.kind)) return *e;
  if (auto e = members.time("since", filter.since_ms)) return *e;
  if (auto e = members.time("until", filter.until_ms)) return *e;
  if (const Json* limit = members.find("limit")) {
    if (!limit->is_number_unsigned() && !(limit->is_number_integer() && limit->get<int64_t>() >= 0))
      return members.located("limit", "`limit` must be an integer from 0 (no limit)");
    filter.limit = limit->get<size_t>();
  }
  std::string order;
  if (auto e = members.text("order", order)) return *e;
  if (order == "oldest_first") {
    filter.order = AuditOrder::oldest_first;
  } else if (order == "chain") {
    filter.order = AuditOrder::chain;
  } else if (!order.empty() && order != "newest_first") {
    return members.located("order", "`order` is newest_first, oldest_first or chain");
  }
  return filter;
}

}  // namespace cordon::server
