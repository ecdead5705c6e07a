// The audit log's read side as JSON calls, for the bindings (Python's cordon.AuditLog): an
// auditor reads, exports and verifies a log without a bundle, the database opened read-only.
// Answers are {"type": "success", ...} or the domain calls' failure answer
// {"type": "failure", "errors": [{"message", "help", "code", "url", "severity"}]}.
//
//   std::string answer = cordon::server::audit_json::verify("audit.db", "{}");
//   // {"type":"success","report":{"ok":true,"entries":3,...,"problems":[]}}
//
// Calls (unknown keys are errors; a filter is audit_filter_from_json's form, audit_log.h):
//   query   {"filter"?}                           -> {"type","head","entries","count"}
//   export  {"filter"?, "format"?: "csv"|"json", "safeCsv"?: bool}  -> {"type","format","text"}
//   verify  {"maxProblems"?, "expectHead"?: {"seq","hash"}}         -> {"type","report"}
//   append  {"records": [record, ...]}, with the bundle whose audit_actions type them
//           -> {"type","entries"}: all or nothing, in one transaction (the database and its
//           folders are created on first use)
// An export's filter has no limit unless it gives one; a query's default limit is 100.
#pragma once

#include <string>
#include <string_view>

#include "cordon/bundle.h"

namespace cordon::server::audit_json {

std::string query(const std::string& db_path, std::string_view call_json);
std::string export_log(const std::string& db_path, std::string_view call_json);
std::string verify(const std::string& db_path, std::string_view call_json);
std::string append(const std::string& db_path, const Bundle& bundle, std::string_view call_json);

}  // namespace cordon::server::audit_json
