#include "cedar/answer_json.h"

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

std::string success_answer(const Response& response) {
  ordered_json out;
  out["type"] = "success";
  out["response"] = response_to_json(response);
  out["warnings"] = ordered_json::array();
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string check_parse_success() { return R"({"type":"success"})"; }

std::string failure_answer(const std::vector<Error>& errors, bool with_warnings) {
  ordered_json out;
  out["type"] = "failure";
  out["errors"] = ordered_json::array();
  for (const auto& e : errors) out["errors"].push_back(detailed_error(e));
  if (with_warnings) out["warnings"] = ordered_json::array();
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace cordon::cedar
