// cordon._native: the pybind11 module behind the `cordon` Python package.
//
// It only converts types: Python str in, std::string to the engine's JSON API,
// std::string back out as str. Every decision, default and error is the engine's
// (engine/include/cordon/json_api.h); the Pythonic API lives in cordon/__init__.py.
//
//   >>> from cordon import _native
//   >>> _native.is_authorized_json('{"principal": ..., "policies": ..., ...}')
//   '{"type":"success","response":{"decision":"allow",...},"warnings":[]}'
#include <pybind11/pybind11.h>

#include <string>

#include "cordon/json_api.h"
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

std::string stateful_is_authorized(const cordon::json_api::PolicyStore& store,
                                   const std::string& call_json) {
  return store.stateful_is_authorized(call_json);
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
      .def("stateful_is_authorized", &stateful_is_authorized, py::arg("call_json"), ReleaseGil(),
           "cedar-wasm's statefulIsAuthorized: like is_authorized_json, with the policies "
           "named by \"preparsedPolicySetId\" and the schema by \"preparsedSchemaName\".");

  m.def("version", &cordon::version, "Semantic version of the cordon engine.");
  m.def("cedar_language_version", &cordon::cedar_language_version,
        "The Cedar language version whose semantics the engine follows.");
}
