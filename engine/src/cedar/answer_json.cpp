#include "cedar/answer_json.h"

#include "json/json_reader.h"
#include "text/utf8.h"

namespace cordon::cedar {

ordered_json detailed_error(const std::string& message) {
  ordered_json e;
  e["message"] = message;
  e["help"] = nullptr;
  e["code"] = nullptr;
  e["url"] = nullptr;
  e["severity"] = "error";
  return e;
}

ordered_json detailed_error(const Error& error) {
  ordered_json e = detailed_error(error.to_string());
  if (error.location.length > 0) {
    ordered_json where;
    where["start"] = error.location.offset;
    where["end"] = error.location.offset + error.location.length;
    where["label"] = nullptr;
    e["sourceLocations"] = ordered_json::array({where});
  }
  return e;
}

ordered_json response_to_json(const Response& response) {
  ordered_json reason = ordered_json::array();
  for (const auto& id : response.reason) reason.push_back(id);
  ordered_json errors = ordered_json::array();
  for (const auto& e : response.errors) {
    ordered_json item;
    item["policyId"] = e.policy_id;
    item["error"] = detailed_error(e.message);
    errors.push_back(std::move(item));
  }
  ordered_json out;
  out["decision"] = response.decision == Decision::allow ? "allow" : "deny";
  out["diagnostics"]["reason"] = std::move(reason);
  out["diagnostics"]["errors"] = std::move(errors);
  return out;
}

namespace {

bool all_utf8(const Response& response) {
  for (const auto& id : response.reason)
    if (!text::is_valid_utf8(id)) return false;
  for (const auto& e : response.errors)
    if (!text::is_valid_utf8(e.policy_id) || !text::is_valid_utf8(e.message)) return false;
  return true;
}

}  // namespace

std::string success_answer(const Response& response) {
  // Written directly, byte for byte what the ordered_json below dumps: building and dumping
  // a DOM cost more than most decisions. A string that is not UTF-8 (a message cut inside a
  // character) takes the DOM, which replaces its bad bytes.
  if (all_utf8(response)) {
    std::string out;
    out.reserve(128 + 16 * response.reason.size());  // most answers in one allocation
    out = R"({"type":"success","response":{"decision":")";
    out += response.decision == Decision::allow ? "allow" : "deny";
    out += R"(","diagnostics":{"reason":[)";
    for (size_t i = 0; i < response.reason.size(); ++i) {
      if (i) out += ',';
      json::append_quoted(out, response.reason[i]);
    }
    out += R"(],"errors":[)";
    for (size_t i = 0; i < response.errors.size(); ++i) {
      if (i) out += ',';
      out += R"({"policyId":)";
      json::append_quoted(out, response.errors[i].policy_id);
      out += R"(,"error":{"message":)";
      json::append_quoted(out, response.errors[i].message);
      out += R"(,"help":null,"code":null,"url":null,"severity":"error"}})";
    }
    out += R"(]}},"warnings":[]})";
    return out;
  }
  ordered_json out;
  out["type"] = "success";
  out["response"] = response_to_json(response);
  out["warnings"] = ordered_json::array();
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string compact_success_answer(const Response& response) {
  if (!response.errors.empty()) return success_answer(response);
  std::string out(1, response.decision == Decision::allow ? 'A' : 'D');
  for (const auto& id : response.reason) {
    if (json::plain_run_end(id, 0) != id.size() || !text::is_valid_utf8(id))
      return success_answer(response);
    out += '"';
    out += id;
  }
  return out;
}

std::string check_parse_success() {
  return R"({"type":"success"})";
}

std::string failure_answer(const std::vector<Error>& errors, bool with_warnings) {
  ordered_json out;
  out["type"] = "failure";
  out["errors"] = ordered_json::array();
  for (const auto& e : errors) out["errors"].push_back(detailed_error(e));
  if (with_warnings) out["warnings"] = ordered_json::array();
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace cordon::cedar
