// The audit log's JSON calls for the bindings (audit_json.h).
#include "cordon/server/audit_json.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "cordon/domain_json.h"
#include "cordon/server/audit_log.h"
#include "json/located_json.h"

namespace cordon::server::audit_json {

namespace {

using Json = nlohmann::json;
using json::LocatedJson;

// A JSON integer from 0 (the located reader keeps integers signed).
bool is_count(const Json& value) {
  return value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0);
}

std::string failure(const Error& error) {
  return domain_json::failure_answer(error);
}

Error call_error(const LocatedJson& doc, const std::string& pointer, std::string message) {
  return doc.error(pointer, std::move(message), ErrorKind::domain);
}

// Parses the call: a JSON object with only the `known` keys.
Result<LocatedJson> read_call(std::string_view call_json,
                              std::initializer_list<const char*> known) {
  auto doc = LocatedJson::parse(call_json.empty() ? "{}" : call_json, "call");
  if (!doc) return doc.error();
  if (!doc->root().is_object()) return call_error(*doc, "", "the call must be a JSON object");
  for (auto it = doc->root().begin(); it != doc->root().end(); ++it) {
    bool ok = false;
    for (const char* name : known) ok = ok || it.key() == name;
    if (!ok)
      return doc->key_error(LocatedJson::child("", it.key()), "unknown key `" + it.key() + "`",
                            ErrorKind::domain);
  }
  return doc;
}

Result<AuditFilter> read_filter(const LocatedJson& doc, size_t default_limit) {
  auto it = doc.root().find("filter");
  if (it == doc.root().end()) {
    AuditFilter filter;
    filter.limit = default_limit;
    return filter;
  }
  if (!it->is_object()) return call_error(doc, "/filter", "`filter` must be an object");
  Json filter_json = *it;
  if (!filter_json.contains("limit")) filter_json["limit"] = default_limit;
  return audit_filter_from_json(filter_json.dump());
}

Result<AuditLog> open_log(const std::string& db_path) {
  SqliteOptions options;
  options.path = db_path;
  options.read_only = true;
  auto store = open_sqlite_audit_store(options);
  if (!store) return store.error();
  return AuditLog(*store);
}

std::string success(nlohmann::ordered_json answer) {
  return answer.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

std::string query(const std::string& db_path, std::string_view call_json) {
  auto call = read_call(call_json, {"filter"});
  if (!call) return failure(call.error());
  auto filter = read_filter(*call, 100);
  if (!filter) return failure(filter.error());
  auto log = open_log(db_path);
  if (!log) return failure(log.error());
  auto head = log->head();
  if (!head) return failure(head.error());
  auto entries = log->query(*filter);
  if (!entries) return failure(entries.error());
  nlohmann::ordered_json answer;
  answer["type"] = "success";
  answer["head"] = {{"seq", head->seq}, {"hash", head->hash}};
  answer["entries"] = nlohmann::ordered_json::array();
  for (const AuditEntry& entry : *entries)
    answer["entries"].push_back(nlohmann::ordered_json::parse(entry.to_json(), nullptr, false));
  answer["count"] = entries->size();
  return success(std::move(answer));
}

std::string export_log(const std::string& db_path, std::string_view call_json) {
  auto call = read_call(call_json, {"filter", "format", "safeCsv"});
  if (!call) return failure(call.error());
  auto filter = read_filter(*call, 0);
  if (!filter) return failure(filter.error());
  std::string format = "csv";
  if (auto it = call->root().find("format"); it != call->root().end()) {
    if (!it->is_string() || (*it != "csv" && *it != "json"))
      return failure(call_error(*call, "/format", "`format` is \"csv\" or \"json\""));
    format = it->get<std::string>();
  }
  bool safe = false;
  if (auto it = call->root().find("safeCsv"); it != call->root().end()) {
    if (!it->is_boolean()) return failure(call_error(*call, "/safeCsv", "`safeCsv` is a boolean"));
    safe = it->get<bool>();
  }
  auto log = open_log(db_path);
  if (!log) return failure(log.error());
  std::ostringstream text;
  auto failed =
      format == "csv"
          ? log->export_csv(*filter, text, safe ? CsvSafety::neutralize_formulas : CsvSafety::raw)
          : log->export_json(*filter, text);
  if (failed) return failure(*failed);
  nlohmann::ordered_json answer;
  answer["type"] = "success";
  answer["format"] = format;
  answer["text"] = text.str();
  return success(std::move(answer));
}

std::string verify(const std::string& db_path, std::string_view call_json) {
  auto call = read_call(call_json, {"maxProblems", "expectHead"});
  if (!call) return failure(call.error());
  VerifyOptions options;
  if (auto it = call->root().find("maxProblems"); it != call->root().end()) {
    if (!is_count(*it))
      return failure(call_error(*call, "/maxProblems", "`maxProblems` is a count"));
    options.max_problems = it->get<size_t>();
  }
  if (auto it = call->root().find("expectHead"); it != call->root().end()) {
    const bool ok = it->is_object() && it->size() == 2 && it->contains("seq") &&
                    it->contains("hash") && is_count((*it)["seq"]) && (*it)["hash"].is_string() &&
                    (*it)["hash"].get<std::string>().size() == 64;
    if (!ok)
      return failure(call_error(*call, "/expectHead",
                                "`expectHead` is {\"seq\": n, \"hash\": \"<64 hex digits>\"}"));
    options.anchor = ChainHead{(*it)["seq"].get<int64_t>(), (*it)["hash"].get<std::string>()};
  }
  auto log = open_log(db_path);
  if (!log) return failure(log.error());
  auto report = log->verify(options);
  if (!report) return failure(report.error());
  return "{\"type\":\"success\",\"report\":" + report->to_json() + "}";
}

std::string append(const std::string& db_path, const Bundle& bundle, std::string_view call_json) {
  auto call = read_call(call_json, {"records"});
  if (!call) return failure(call.error());
  auto it = call->root().find("records");
  if (it == call->root().end() || !it->is_array())
    return failure(call_error(*call, "/records", "`records` must be an array of audit records"));
  std::vector<AuditRecord> records;
  for (size_t i = 0; i < it->size(); ++i) {
    auto record = audit_record_from_json((*it)[i].dump());
    if (!record) {
      Error error = record.error();
      const SourceLocation where = call->location(LocatedJson::child("/records", i));
      error.message = "records[" + std::to_string(i) + "]: " + error.message;
      error.location = where;
      return failure(error);
    }
    records.push_back(std::move(record).value());
  }
  SqliteOptions options;
  options.path = db_path;
  auto store = open_sqlite_audit_store(options);
  if (!store) return failure(store.error());
  AuditLog log(*store, bundle);
  auto entries = log.append_all(records);
  if (!entries) return failure(entries.error());
  nlohmann::ordered_json answer;
  answer["type"] = "success";
  answer["entries"] = nlohmann::ordered_json::array();
  for (const AuditEntry& entry : *entries)
    answer["entries"].push_back(nlohmann::ordered_json::parse(entry.to_json(), nullptr, false));
  return success(std::move(answer));
}

}  // namespace cordon::server::audit_json
