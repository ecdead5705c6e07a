// cordon._native: the pybind11 module behind the `cordon` Python package.
//
// It only converts types: Python str in, std::string to the engine's JSON API,
// std::string back out as str. Every decision, default and error is the engine's
// (engine/include/cordon/json_api.h and domain_json.h); the Pythonic API lives in
// cordon/__init__.py and cordon/bundle.py.
//
//   >>> from cordon import _native
//   >>> _native.is_authorized_json('{"principal": ..., "policies": ..., ...}')
//   '{"type":"success","response":{"decision":"allow",...},"warnings":[]}'
//   >>> bundle, answer = _native.load_bundle_directory(b"policies/elaygent", "{}")
//   >>> bundle.route('{"method": "GET", "path": "/api/tenants/acme/dashboard", ...}')
//   '{"type":"success","decision":{"allow":true,"status":200,...}}'
//
// Bundle directories are read by the native reader (native/bundle/bundle_reader.h), the
// same code as the CLI's, so which files belong to a bundle is decided in one place.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>

#include "bundle/bundle_reader.h"
#include "cordon/bundle.h"
#include "cordon/domain_json.h"
#include "cordon/json_api.h"
#include "cordon/server/audit_json.h"
#include "cordon/verify_json.h"
#include "cordon/version.h"

namespace py = pybind11;

namespace {

// Arguments are copied into std::string before the GIL is dropped, so the engine
// never reads memory owned by a Python object while other threads run.
using ReleaseGil = py::call_guard<py::gil_scoped_release>;

std::string is_authorized_json(const std::string& call_json) {
  return cordon::json_api::is_authorized(call_json);
}

std::string preparse_policy_set(cordon::json_api::PolicyStore& store, const std::string& id,
                                const std::string& policies_json) {
  return store.preparse_policy_set(id, policies_json);
}

std::string preparse_schema(cordon::json_api::PolicyStore& store, const std::string& name,
                            const std::string& schema_json) {
  return store.preparse_schema(name, schema_json);
}

std::string preparse_entities(cordon::json_api::PolicyStore& store, const std::string& id,
                              const std::string& entities_json) {
  return store.preparse_entities(id, entities_json);
}

std::string stateful_is_authorized(const cordon::json_api::PolicyStore& store,
                                   const std::string& call_json) {
  return store.stateful_is_authorized(call_json);
}

// (the bundle, or None when it did not load; domain_json's load answer as JSON text).
using LoadResult = std::pair<std::optional<cordon::Bundle>, std::string>;

LoadResult load_result(cordon::Result<cordon::Bundle> loaded) {
  std::string answer = cordon::domain_json::load_answer(loaded);
  if (!loaded) return {std::nullopt, std::move(answer)};
  return {std::move(loaded).value(), std::move(answer)};
}

LoadResult load_bundle(const std::string& call_json) {
  return load_result(cordon::domain_json::load_bundle(call_json));
}

// `path` is bytes (os.fsencode), so any file name the system allows can be given.
LoadResult load_bundle_directory(const std::string& path, const std::string& options_json) {
  auto options = cordon::domain_json::load_options(options_json);
  if (!options) return {std::nullopt, cordon::domain_json::failure_answer(options.error())};
  return load_result(cordon::native::load_bundle_directory(path, *options));
}

std::string bundle_route(const cordon::Bundle& bundle, const std::string& request_json) {
  return cordon::domain_json::decide_route(bundle, request_json);
}

std::string bundle_mask(const cordon::Bundle& bundle, const std::string& call_json) {
  return cordon::domain_json::apply_field_mask(bundle, call_json);
}

std::string bundle_scrub(const cordon::Bundle& bundle, const std::string& call_json) {
  return cordon::domain_json::scrub_telemetry(bundle, call_json);
}

std::string bundle_gate(const cordon::Bundle& bundle, const std::string& call_json) {
  return cordon::domain_json::check_gate(bundle, call_json);
}

std::string bundle_matrix(const cordon::Bundle& bundle, const std::string& call_json) {
  return cordon::domain_json::access_matrix(bundle, call_json);
}

// The verification calls (cordon/verify_json.h). Secrets arrive inside the call's text; the
// copies the engine makes are wiped, the Python str itself is the caller's.
std::string verify_webhook_json(const std::string& call_json) {
  return cordon::verify_json::verify_webhook(call_json);
}
std::string sign_webhook_json(const std::string& call_json) {
  return cordon::verify_json::sign_webhook(call_json);
}
std::string check_outbound_url_json(const std::string& call_json) {
  return cordon::verify_json::check_outbound_url(call_json);
}
std::string check_credential_json(const std::string& call_json) {
  return cordon::verify_json::check_credential(call_json);
}
std::string credential_digest_json(const std::string& call_json) {
  return cordon::verify_json::credential_digest(call_json);
}
std::string memory_replay_verify(cordon::MemoryReplayStore& store, const std::string& call_json) {
  return cordon::verify_json::verify_webhook(call_json, store);
}

}  // namespace

PYBIND11_MODULE(_native, m) {
  m.doc() = "cordon's C++ engine: cedar-wasm-shaped JSON text in, JSON text out.";

  m.def("is_authorized_json", &is_authorized_json, py::arg("call_json"), ReleaseGil(),
        "cedar-wasm's isAuthorized: an AuthorizationCall as JSON text in, an "
        "AuthorizationAnswer as JSON text out. Never raises for malformed input: the "
        "answer is {\"type\":\"failure\",...}.");

  py::class_<cordon::json_api::PolicyStore>(m, "PolicyStore",
                                            "Pre-parsed policy sets and schemas by name; safe "
                                            "to share between threads.")
      .def(py::init<>())
      .def("preparse_policy_set", &preparse_policy_set, py::arg("id"), py::arg("policies_json"),
           ReleaseGil(),
           "cedar-wasm's preparsePolicySet: parses a PolicySet (JSON text) and keeps it "
           "under id. Answers {\"type\":\"success\"} or a failure, as JSON text.")
      .def("preparse_schema", &preparse_schema, py::arg("name"), py::arg("schema_json"),
           ReleaseGil(),
           "cedar-wasm's preparseSchema: parses a schema (JSON text: a string of Cedar "
           "schema text, or a JSON schema object) and keeps it under name.")
      .def("preparse_entities", &preparse_entities, py::arg("id"), py::arg("entities_json"),
           ReleaseGil(),
           "Parses entities (a Cedar JSON entity array) once and keeps them under id, for "
           "calls that name them by \"preparsedEntitiesId\" instead of giving \"entities\".")
      .def("stateful_is_authorized", &stateful_is_authorized, py::arg("call_json"), ReleaseGil(),
           "cedar-wasm's statefulIsAuthorized: like is_authorized_json, with the policies "
           "named by \"preparsedPolicySetId\" and the schema by \"preparsedSchemaName\".");

  py::class_<cordon::Bundle>(m, "Bundle",
                             "A loaded policy bundle (immutable; safe to share between "
                             "threads). Each call takes and answers domain_json's JSON text "
                             "and never raises for malformed input.")
      .def_property_readonly("name", &cordon::Bundle::name)
      .def_property_readonly("revision", &cordon::Bundle::revision)
      .def_property_readonly("digest", &cordon::Bundle::digest)
      .def("route", &bundle_route, py::arg("request_json"), ReleaseGil(),
           "domain_json::decide_route: a route request in, {\"type\":\"success\","
           "\"decision\":{...}} or a failure out.")
      .def("mask", &bundle_mask, py::arg("call_json"), ReleaseGil(),
           "domain_json::apply_field_mask: {payload, viewer, surface, profile} in.")
      .def("scrub", &bundle_scrub, py::arg("call_json"), ReleaseGil(),
           "domain_json::scrub_telemetry: {event, profile} in.")
      .def("gate", &bundle_gate, py::arg("call_json"), ReleaseGil(),
           "domain_json::check_gate: {workflow, actor, facts?} in.")
      .def("matrix", &bundle_matrix, py::arg("call_json"), ReleaseGil(),
           "domain_json::access_matrix: {surface?, format?} in.");

  m.def("load_bundle", &load_bundle, py::arg("call_json"), ReleaseGil(),
        "domain_json::load_bundle: {\"files\": {path: text}, \"options\"?: {...}} in; "
        "returns (Bundle or None, the load answer as JSON text).");
  m.def("load_bundle_directory", &load_bundle_directory, py::arg("path"), py::arg("options_json"),
        ReleaseGil(),
        "Reads the bundle directory `path` (bytes) with the native reader and loads it with "
        "the options of a load_bundle call (JSON text); returns (Bundle or None, the load "
        "answer as JSON text). Error locations name files as path/file:line:col.");

  // The audit log's read side (native/server, cordon/server/audit_json.h), for auditors: the
  // database `path` (bytes) is opened read-only for each call.
  m.def("audit_query", &cordon::server::audit_json::query, py::arg("path"), py::arg("call_json"),
        ReleaseGil(), "audit_json::query: {\"filter\"?} in; {type, head, entries, count} out.");
  m.def("audit_export", &cordon::server::audit_json::export_log, py::arg("path"),
        py::arg("call_json"), ReleaseGil(),
        "audit_json::export_log: {\"filter\"?, \"format\"?, \"safeCsv\"?} in; {type, format, "
        "text} out.");
  m.def("audit_verify", &cordon::server::audit_json::verify, py::arg("path"), py::arg("call_json"),
        ReleaseGil(),
        "audit_json::verify: {\"maxProblems\"?, \"expectHead\"?} in; {type, report} out.");
  m.def("audit_append", &cordon::server::audit_json::append, py::arg("path"), py::arg("bundle"),
        py::arg("call_json"), ReleaseGil(),
        "audit_json::append: {\"records\": [...]} in, typed by the bundle's audit_actions; "
        "{type, entries} out.");

  // Verification: webhook signatures, outbound URLs, credentials (cordon/verify_json.h).
  m.def("verify_webhook_json", &verify_webhook_json, py::arg("call_json"), ReleaseGil(),
        "verify_json::verify_webhook: {scheme?, payload, signature?, timestamp?, secrets, now?, "
        "toleranceSeconds?, replayScope?} in; {type, result: {verified, outcome, ...}} out.");
  m.def("sign_webhook_json", &sign_webhook_json, py::arg("call_json"), ReleaseGil(),
        "verify_json::sign_webhook: {scheme?, secret, timestamp, payload} in.");
  m.def("check_outbound_url_json", &check_outbound_url_json, py::arg("call_json"), ReleaseGil(),
        "verify_json::check_outbound_url: {url, allowedPorts?} in; {type, result} out.");
  m.def("check_credential_json", &check_credential_json, py::arg("call_json"), ReleaseGil(),
        "verify_json::check_credential: {digest, authorization | presented} in; "
        "{type, result: {state, message}} out.");
  m.def("credential_digest_json", &credential_digest_json, py::arg("call_json"), ReleaseGil(),
        "verify_json::credential_digest: {token} in; {type, digest} out.");
  py::class_<cordon::MemoryReplayStore>(m, "MemoryReplayStore",
                                        "Accepted webhook deliveries in this process's memory "
                                        "(thread-safe); full, it fails closed.")
      .def(py::init<size_t>(), py::arg("capacity") = 100000)
      .def("verify_webhook", &memory_replay_verify, py::arg("call_json"), ReleaseGil(),
           "verify_webhook_json, refusing a delivery this store accepted before.")
      .def("__len__", &cordon::MemoryReplayStore::size);

  m.def("version", &cordon::version, "Semantic version of the cordon engine.");
  m.def("cedar_language_version", &cordon::cedar_language_version,
        "The Cedar language version whose semantics the engine follows.");
}
