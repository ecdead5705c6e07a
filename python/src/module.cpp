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
//
// cordon.Engine's requests take a shorter road, without JSON text around the engine:
// `Authorizer` holds a parsed PolicySet, Entities (and Schema) and turns a request dict
// straight into a cordon::Request (entity references through cordon/entity_ref.h, the context
// through cordon::ContextBuilder); its answer is a `Response` holding the engine's
// cordon::Response, whose answer_json() is the JSON API's answer text.
//
//   >>> authorizer = _native.Authorizer('{"staticPolicies": "permit(...);"}', "[]")
//   >>> response = authorizer.decide({"principal": 'User::"alice"', ...})
//   >>> response.allowed, response.reasons, response.errors
//   (True, ['policy0'], [])
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <structmember.h>

#include <charconv>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bundle/bundle_reader.h"
#include "cordon/authorizer.h"
#include "cordon/bundle.h"
#include "cordon/context_builder.h"
#include "cordon/domain_json.h"
#include "cordon/json_api.h"
#include "cordon/schema.h"
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

// --- The native request path ---------------------------------------------------------------
//
// A request is converted here only when every part of it has the one meaning the JSON path
// gives it (exact dict, str, int, bool, list and tuple values). Anything else, and any request
// the engine refuses, is "not converted" (nullopt): cordon.Engine then sends that one request
// down the JSON path, which answers it, or raises exactly the error it always has. Converting
// runs no Python code (keys are checked to be exact str before any lookup), so nothing can
// change the objects while they are read.

// Keys looked up in every request, made once.
struct Keys {
  PyObject* principal;
  PyObject* action;
  PyObject* resource;
  PyObject* context;
  PyObject* correlation_id;
  PyObject* type;
  PyObject* id;
  PyObject* entity;  // "__entity"
};
Keys keys;

void make_keys() {
  keys = {PyUnicode_InternFromString("principal"),
          PyUnicode_InternFromString("action"),
          PyUnicode_InternFromString("resource"),
          PyUnicode_InternFromString("context"),
          PyUnicode_InternFromString("correlation_id"),
          PyUnicode_InternFromString("type"),
          PyUnicode_InternFromString("id"),
          PyUnicode_InternFromString("__entity")};
}

// The UTF-8 of an exact str (kept by the str itself); false for a str that has none (a lone
// surrogate).
bool utf8_of(PyObject* text, std::string_view& out) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(text, &size);
  if (data == nullptr) {
    PyErr_Clear();
    return false;
  }
  out = std::string_view(data, static_cast<size_t>(size));
  return true;
}

// The values of an exact dict's keys, in one pass over it: values[i] is the value under
// names[i], or nullptr. False when a key is not an exact str or not one of the names. The
// names differ in length, so each key is compared with one name at most, and no Python code
// runs (no __eq__ or __hash__ of the caller's).
template <size_t N>
bool fields_of(PyObject* dict, PyObject* const (&names)[N], PyObject* (&values)[N]) {
  for (auto& value : values) value = nullptr;
  Py_ssize_t pos = 0;
  PyObject* key;
  PyObject* value;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    if (!PyUnicode_CheckExact(key)) return false;
    const Py_ssize_t length = PyUnicode_GET_LENGTH(key);
    size_t i = 0;
    while (i < N && PyUnicode_GET_LENGTH(names[i]) != length) ++i;
    if (i == N || (key != names[i] && PyUnicode_Compare(key, names[i]) != 0)) return false;
    values[i] = value;
  }
  return true;
}

// cordon::is_entity_type_name, remembering the names it accepted (each thread its own, so
// nothing is shared): an application has few entity types, and checking one runs the parser.
bool valid_type_name(std::string_view type) {
  thread_local std::vector<std::string> known;  // at most kMaxKnown, never removed
  constexpr size_t kMaxKnown = 64;
  for (const auto& name : known)
    if (name == type) return true;
  if (!cordon::is_entity_type_name(type)) return false;
  if (known.size() < kMaxKnown) known.emplace_back(type);
  return true;
}

// {"type": str, "id": str} with a valid type name.
bool entity_ref_fields(PyObject* dict, cordon::EntityRef& out) {
  PyObject* fields[2];
  if (!PyDict_CheckExact(dict) || PyDict_GET_SIZE(dict) != 2 ||
      !fields_of(dict, {keys.type, keys.id}, fields))
    return false;
  PyObject* type = fields[0];
  PyObject* id = fields[1];
  if (type == nullptr || id == nullptr || !PyUnicode_CheckExact(type) || !PyUnicode_CheckExact(id))
    return false;
  std::string_view type_text, id_text;
  if (!utf8_of(type, type_text) || !utf8_of(id, id_text)) return false;
  if (!valid_type_name(type_text)) return false;
  out.type.assign(type_text);
  out.id.assign(id_text);
  return true;
}

// Cedar text 'User::"alice"', {"type", "id"} or {"__entity": {"type", "id"}}.
bool entity_ref_of(PyObject* value, cordon::EntityRef& out) {
  if (PyUnicode_CheckExact(value)) {
    std::string_view text;
    if (!utf8_of(value, text)) return false;
    auto parsed = cordon::parse_entity_ref(text);
    if (!parsed) return false;
    out = std::move(parsed).value();
    return true;
  }
  if (PyDict_CheckExact(value) && PyDict_GET_SIZE(value) == 1) {
    PyObject* escaped[1];
    if (!fields_of(value, {keys.entity}, escaped) || escaped[0] == nullptr) return false;
    value = escaped[0];
  }
  return entity_ref_fields(value, out);
}

// Deeper than this, a context goes the JSON path: the engine refuses values nested deeper
// than 200 levels anyway, and a context that holds itself stops here.
constexpr int kMaxContextDepth = 256;

// With a schema, the context is read as JSON text (the schema says what its values mean).
void write_json_string(std::string_view text, std::string& out) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

// JSON text of a context value, as cordon's JSON encoder writes it (every number exact);
// false for anything that has no such text (None, a float, an int beyond 64 bits, another
// type) or nests too deep.
bool write_json(PyObject* value, std::string& out, int depth) {
  if (depth > kMaxContextDepth) return false;
  if (PyUnicode_CheckExact(value)) {
    std::string_view text;
    if (!utf8_of(value, text)) return false;
    write_json_string(text, out);
    return true;
  }
  if (value == Py_True) {
    out += "true";
    return true;
  }
  if (value == Py_False) {
    out += "false";
    return true;
  }
  if (PyLong_CheckExact(value)) {
    int overflow = 0;
    long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow != 0 || (number == -1 && PyErr_Occurred())) {
      PyErr_Clear();
      return false;
    }
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    out.append(digits, end);
    return true;
  }
  if (PyDict_CheckExact(value)) {
    out += '{';
    Py_ssize_t pos = 0;
    PyObject* key;
    PyObject* item;
    bool first = true;
    while (PyDict_Next(value, &pos, &key, &item)) {
      std::string_view name;
      if (!PyUnicode_CheckExact(key) || !utf8_of(key, name)) return false;
      if (!first) out += ',';
      first = false;
      write_json_string(name, out);
      out += ':';
      if (!write_json(item, out, depth + 1)) return false;
    }
    out += '}';
    return true;
  }
  if (PyList_CheckExact(value) || PyTuple_CheckExact(value)) {
    const bool list = PyList_CheckExact(value);
    const Py_ssize_t size = list ? PyList_GET_SIZE(value) : PyTuple_GET_SIZE(value);
    out += '[';
    for (Py_ssize_t i = 0; i < size; ++i) {
      if (i > 0) out += ',';
      PyObject* item = list ? PyList_GET_ITEM(value, i) : PyTuple_GET_ITEM(value, i);
      if (!write_json(item, out, depth + 1)) return false;
    }
    out += ']';
    return true;
  }
  return false;
}

// A context value into the builder, with the meaning cordon's JSON encoder gives it (every
// number exact); false for anything that has no such meaning here (None, a float, an int
// beyond 64 bits, another type) or nests too deep.
bool build_context(PyObject* value, cordon::ContextBuilder& context, int depth) {
  if (depth > kMaxContextDepth) return false;
  if (PyUnicode_CheckExact(value)) {
    std::string_view text;
    if (!utf8_of(value, text)) return false;
    context.string(text);
    return true;
  }
  if (value == Py_True || value == Py_False) {
    context.boolean(value == Py_True);
    return true;
  }
  if (PyLong_CheckExact(value)) {
    int overflow = 0;
    long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (overflow != 0 || (number == -1 && PyErr_Occurred())) {
      PyErr_Clear();
      return false;
    }
    context.integer(number);
    return true;
  }
  if (PyDict_CheckExact(value)) {
    context.begin_record();
    Py_ssize_t pos = 0;
    PyObject* key;
    PyObject* item;
    while (PyDict_Next(value, &pos, &key, &item)) {
      std::string_view name;
      if (!PyUnicode_CheckExact(key) || !utf8_of(key, name)) return false;
      context.key(name);
      if (!build_context(item, context, depth + 1)) return false;
    }
    context.end_record();
    return true;
  }
  if (PyList_CheckExact(value) || PyTuple_CheckExact(value)) {
    const bool list = PyList_CheckExact(value);
    const Py_ssize_t size = list ? PyList_GET_SIZE(value) : PyTuple_GET_SIZE(value);
    context.begin_set();
    for (Py_ssize_t i = 0; i < size; ++i) {
      PyObject* item = list ? PyList_GET_ITEM(value, i) : PyTuple_GET_ITEM(value, i);
      if (!build_context(item, context, depth + 1)) return false;
    }
    context.end_set();
    return true;
  }
  return false;
}

// The request with its context: none, JSON text, or a dict built value by value; nullopt as
// request_of.
std::optional<cordon::Request> request_with_context(const cordon::EntityRef (&refs)[3],
                                                    PyObject* context,
                                                    const cordon::Schema* schema) {
  std::optional<cordon::Result<cordon::Request>> made;
  if (schema != nullptr) {
    // Read with the schema and validated, as the JSON path's calls are (validateRequest is
    // never given there); the context as JSON text, {} when there is none.
    std::string text = "{}";
    if (context != nullptr && context != Py_None) {
      if (PyUnicode_CheckExact(context)) {
        std::string_view given;
        if (!utf8_of(context, given) || given.empty() || given.substr(0, 3) == "\xEF\xBB\xBF")
          return std::nullopt;
        text.assign(given);
      } else if (PyDict_CheckExact(context)) {
        text.clear();
        if (!write_json(context, text, 0)) return std::nullopt;
      } else {
        return std::nullopt;
      }
    }
    made = cordon::Request::make(refs[0], refs[1], refs[2], text, *schema, true);
    if (!*made) return std::nullopt;
    return std::move(*made).value();
  }
  if (context == nullptr || context == Py_None ||
      (PyDict_CheckExact(context) && PyDict_GET_SIZE(context) == 0)) {
    made = cordon::Request::make(refs[0], refs[1], refs[2]);  // {}
  } else if (PyUnicode_CheckExact(context)) {
    // JSON text, used as it is. Empty text would read as {}, and the JSON reader skips a
    // byte order mark that Python's json.loads refuses: both are the JSON path's to refuse.
    std::string_view text;
    if (!utf8_of(context, text) || text.empty() || text.substr(0, 3) == "\xEF\xBB\xBF")
      return std::nullopt;
    made = cordon::Request::make(refs[0], refs[1], refs[2], text);
  } else if (PyDict_CheckExact(context)) {
    thread_local cordon::ContextBuilder built;  // its storage serves request after request
    built.clear();
    // A context the builder refuses is one the JSON path refuses: its error is that path's.
    if (!build_context(context, built, 0) || !built.complete()) return std::nullopt;
    made = cordon::Request::make(refs[0], refs[1], refs[2], std::move(built));
  } else {
    return std::nullopt;
  }
  if (!*made) return std::nullopt;
  return std::move(*made).value();
}

// One request dict as a cordon::Request, with its correlation id (borrowed), or nullopt.
// The correlation id is handed back as it is; only None or a str here (so a Response holds
// no reference that could make a cycle), anything else goes the JSON path.
std::optional<cordon::Request> request_of(PyObject* request, PyObject** correlation_id,
                                          const cordon::Schema* schema) {
  // Every key must be one of the five (a misspelt "context" is the JSON path's error).
  PyObject* fields[5];
  if (!PyDict_CheckExact(request) ||
      !fields_of(request,
                 {keys.principal, keys.action, keys.resource, keys.context, keys.correlation_id},
                 fields))
    return std::nullopt;
  PyObject* principal = fields[0];
  PyObject* action = fields[1];
  PyObject* resource = fields[2];
  PyObject* context = fields[3];
  PyObject* correlation = fields[4];
  if (principal == nullptr || action == nullptr || resource == nullptr) return std::nullopt;
  if (correlation == nullptr) correlation = Py_None;
  if (correlation != Py_None && !PyUnicode_CheckExact(correlation)) return std::nullopt;
  cordon::EntityRef refs[3];
  if (!entity_ref_of(principal, refs[0]) || !entity_ref_of(action, refs[1]) ||
      !entity_ref_of(resource, refs[2]))
    return std::nullopt;
  auto made = request_with_context(refs, context, schema);
  if (made) *correlation_id = correlation;
  return made;
}

// --- Authorizer and Response: two CPython types written by hand -----------------------------
//
// The request path's types use CPython's C API directly: pybind11's call dispatch and its
// registry of instances cost more than a decision on a small policy set. Like the rest of
// this module they only convert. No C++ exception leaves them (each is turned into a Python
// error), and the GIL is released around the engine's decisions only.

class Authorizer {
 public:
  Authorizer(cordon::PolicySet policies, cordon::Entities entities,
             std::optional<cordon::Schema> schema)
      : policies_(std::move(policies)),
        entities_(std::move(entities)),
        schema_(std::move(schema)) {}

  // The parsed policies, schema (Cedar schema text or JSON schema text, if any) and
  // entities (read with the schema), or the engine's message.
  static std::unique_ptr<Authorizer> make(const std::string& policies_json,
                                          const std::string& entities_json,
                                          const std::optional<std::string>& schema_text,
                                          std::string& error) {
    auto policies = cordon::PolicySet::from_json(policies_json);
    if (!policies) {
      error = policies.error().to_string();
      return nullptr;
    }
    std::optional<cordon::Schema> schema;
    if (schema_text) {
      auto parsed = cordon::Schema::parse(*schema_text);
      if (!parsed) {
        error = parsed.error().to_string();
        return nullptr;
      }
      schema = std::move(parsed).value();
    }
    auto entities = schema ? cordon::Entities::from_json(entities_json, {}, &*schema)
                           : cordon::Entities::from_json(entities_json, "the entities");
    if (!entities) {
      error = entities.error().to_string();
      return nullptr;
    }
    return std::make_unique<Authorizer>(std::move(policies).value(), std::move(entities).value(),
                                        std::move(schema));
  }

  const cordon::Schema* schema() const { return schema_ ? &*schema_ : nullptr; }

  cordon::Response decide(const cordon::Request& request) const {
    return cordon::is_authorized(request, policies_, entities_);
  }

 private:
  cordon::PolicySet policies_;
  cordon::Entities entities_;
  std::optional<cordon::Schema> schema_;
};

// Sets the Python error for a C++ exception caught at the edge.
void set_error(const std::exception* error) {
  if (error == nullptr || dynamic_cast<const std::bad_alloc*>(error) != nullptr)
    PyErr_NoMemory();
  else
    PyErr_SetString(PyExc_RuntimeError, error->what());
}

// The engine's answer to one request, and the request's correlation id (None or a str).
// Not tracked by the garbage collector: it refers to nothing that could refer back to it.
struct ResponseObject {
  PyObject ob_base;  // PyObject_HEAD
  cordon::Response response;
  PyObject* correlation_id;
};

PyTypeObject* response_type = nullptr;

PyObject* new_response(cordon::Response&& response, PyObject* correlation_id) {
  ResponseObject* self = PyObject_New(ResponseObject, response_type);
  if (self == nullptr) return nullptr;
  new (&self->response) cordon::Response(std::move(response));
  Py_INCREF(correlation_id);
  self->correlation_id = correlation_id;
  return reinterpret_cast<PyObject*>(self);
}

void response_dealloc(PyObject* object) {
  auto* self = reinterpret_cast<ResponseObject*>(object);
  PyTypeObject* type = Py_TYPE(object);
  self->response.~Response();
  Py_DECREF(self->correlation_id);
  type->tp_free(object);
  Py_DECREF(type);
}

const cordon::Response& response_of(PyObject* object) {
  return reinterpret_cast<ResponseObject*>(object)->response;
}

// Text the engine wrote, as str; UnicodeDecodeError if it is not UTF-8 (cordon.results then
// reads the answer, whose writer replaces such bytes as the JSON path does).
PyObject* str_of(const std::string& text) {
  return PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), nullptr);
}

PyObject* response_allowed(PyObject* self, void*) {
  return PyBool_FromLong(response_of(self).decision == cordon::Decision::allow);
}

// A new list of item(element) for each element; nullptr (the error set) when any item is.
template <class Element, class Item>
PyObject* list_of(const std::vector<Element>& elements, Item item) {
  PyObject* list = PyList_New(static_cast<Py_ssize_t>(elements.size()));
  for (size_t i = 0; list != nullptr && i < elements.size(); ++i) {
    PyObject* value = item(elements[i]);
    if (value == nullptr)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), value);
  }
  return list;
}

PyObject* response_reasons(PyObject* self, void*) {
  return list_of(response_of(self).reason, [](const std::string& id) { return str_of(id); });
}

PyObject* response_errors(PyObject* self, void*) {
  return list_of(response_of(self).errors, [](const cordon::PolicyError& error) -> PyObject* {
    PyObject* id = str_of(error.policy_id);
    PyObject* message = id == nullptr ? nullptr : str_of(error.message);
    PyObject* pair = message == nullptr ? nullptr : PyTuple_Pack(2, id, message);
    Py_XDECREF(id);
    Py_XDECREF(message);
    return pair;
  });
}

PyObject* response_correlation_id(PyObject* self, void*) {
  PyObject* id = reinterpret_cast<ResponseObject*>(self)->correlation_id;
  Py_INCREF(id);
  return id;
}

PyObject* response_answer_json(PyObject* self, PyObject*) {
  try {
    return str_of(response_of(self).answer_json());
  } catch (const std::exception& error) {
    set_error(&error);
    return nullptr;
  }
}

PyGetSetDef response_getset[] = {
    {"allowed", response_allowed, nullptr, "True when the decision is allow.", nullptr},
    {"reasons", response_reasons, nullptr,
     "Ids of the policies that determined the decision (sorted).", nullptr},
    {"errors", response_errors, nullptr,
     "(policy id, message) for each policy that errored (sorted by id).", nullptr},
    {"correlation_id", response_correlation_id, nullptr,
     "The request's correlation_id (None or a str).", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr}};

PyMethodDef response_methods[] = {{"answer_json", response_answer_json, METH_NOARGS,
                                   "The answer as the JSON API gives it for the same request: "
                                   "{\"type\":\"success\",\"response\":...,\"warnings\":[]}."},
                                  {nullptr, nullptr, 0, nullptr}};

PyType_Slot response_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(response_dealloc)},
    {Py_tp_getset, response_getset},
    {Py_tp_methods, response_methods},
    {Py_tp_doc, const_cast<char*>("The engine's answer to one request of Authorizer.decide "
                                  "(immutable; made by the Authorizer only).")},
    {0, nullptr}};

PyType_Spec response_spec = {"cordon._native.Response", sizeof(ResponseObject), 0,
                             Py_TPFLAGS_DEFAULT, response_slots};

struct AuthorizerObject {
  PyObject ob_base;  // PyObject_HEAD
  Authorizer* authorizer;
  // The class each Response is handed back in (its `_native` attribute set to the Response),
  // or nullptr to hand back the Response itself. A class, so no cycle goes through it.
  PyTypeObject* result_type;
  // Where `_native` lives in a result_type object when it is a __slots__ slot (else 0): the
  // Response is put there as the slot's descriptor would put it, without looking it up.
  Py_ssize_t native_slot;
};

// The offset of a writable object slot named `name` declared by `type` (__slots__), or 0.
Py_ssize_t slot_offset(PyTypeObject* type, PyObject* name) {
  PyObject* descriptor = PyDict_GetItemWithError(type->tp_dict, name);
  if (descriptor == nullptr || Py_TYPE(descriptor) != &PyMemberDescr_Type) {
    PyErr_Clear();
    return 0;
  }
  const PyMemberDef* member = reinterpret_cast<PyMemberDescrObject*>(descriptor)->d_member;
  if (member->type != T_OBJECT_EX || (member->flags & READONLY) != 0) return 0;
  return member->offset;
}

PyObject* native_name = nullptr;  // "_native"

// The Response as the Authorizer hands it back (steals the reference to it).
PyObject* handed_back(PyObject* self, PyObject* response) {
  PyTypeObject* type = reinterpret_cast<AuthorizerObject*>(self)->result_type;
  if (type == nullptr || response == nullptr) return response;
  // As object.__new__(type) would make it, without __init__.
  PyObject* result = type->tp_alloc(type, 0);
  const Py_ssize_t slot = reinterpret_cast<AuthorizerObject*>(self)->native_slot;
  if (result != nullptr && slot != 0) {
    // The slot of a new object is empty (NULL): it takes the reference.
    *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(result) + slot) = response;
    return result;
  }
  if (result != nullptr && PyObject_SetAttr(result, native_name, response) < 0) Py_CLEAR(result);
  Py_DECREF(response);
  return result;
}

const Authorizer& authorizer_of(PyObject* object) {
  return *reinterpret_cast<AuthorizerObject*>(object)->authorizer;
}

PyObject* authorizer_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  static const char* names[] = {"policies_json", "entities_json", "result_type", "schema", nullptr};
  PyObject* policies_text = nullptr;
  PyObject* entities_text = nullptr;
  PyObject* result_type = Py_None;
  PyObject* schema_object = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UU|OO:Authorizer", const_cast<char**>(names),
                                   &policies_text, &entities_text, &result_type, &schema_object))
    return nullptr;
  std::optional<std::string> schema_text;
  if (schema_object != Py_None) {
    std::string_view text;
    if (!PyUnicode_Check(schema_object)) {
      PyErr_SetString(PyExc_TypeError, "schema must be text or None");
      return nullptr;
    }
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(schema_object, &size);
    if (data == nullptr) return nullptr;
    schema_text.emplace(data, static_cast<size_t>(size));
  }
  if (result_type != Py_None && !PyType_Check(result_type)) {
    PyErr_SetString(PyExc_TypeError, "result_type must be a class or None");
    return nullptr;
  }
  Py_ssize_t policies_size = 0, entities_size = 0;
  const char* policies = PyUnicode_AsUTF8AndSize(policies_text, &policies_size);
  if (policies == nullptr) return nullptr;
  const char* entities = PyUnicode_AsUTF8AndSize(entities_text, &entities_size);
  if (entities == nullptr) return nullptr;
  std::unique_ptr<Authorizer> made;
  std::string message;
  bool failed = false;
  try {
    // Copies, so that nothing owned by a Python object is read without the GIL.
    std::string policies_json(policies, static_cast<size_t>(policies_size));
    std::string entities_json(entities, static_cast<size_t>(entities_size));
    Py_BEGIN_ALLOW_THREADS try {
      made = Authorizer::make(policies_json, entities_json, schema_text, message);
    } catch (...) {
      failed = true;
    }
    Py_END_ALLOW_THREADS
  } catch (...) {
    failed = true;
  }
  if (failed) return PyErr_NoMemory();
  if (!made) {
    PyErr_SetString(PyExc_ValueError, message.c_str());
    return nullptr;
  }
  auto* self = reinterpret_cast<AuthorizerObject*>(type->tp_alloc(type, 0));
  if (self == nullptr) return nullptr;
  self->authorizer = made.release();
  self->result_type = nullptr;
  self->native_slot = 0;
  if (result_type != Py_None) {
    Py_INCREF(result_type);
    self->result_type = reinterpret_cast<PyTypeObject*>(result_type);
    self->native_slot = slot_offset(self->result_type, native_name);
  }
  return reinterpret_cast<PyObject*>(self);
}

void authorizer_dealloc(PyObject* object) {
  PyTypeObject* type = Py_TYPE(object);
  delete reinterpret_cast<AuthorizerObject*>(object)->authorizer;
  Py_XDECREF(reinterpret_cast<AuthorizerObject*>(object)->result_type);
  type->tp_free(object);
  Py_DECREF(type);
}

PyObject* authorizer_decide(PyObject* self, PyObject* request) {
  try {
    PyObject* correlation_id = Py_None;
    const Authorizer& authorizer = authorizer_of(self);
    auto converted = request_of(request, &correlation_id, authorizer.schema());
    if (!converted) Py_RETURN_NONE;
    cordon::Response response;
    bool failed = false;
    Py_BEGIN_ALLOW_THREADS try { response = authorizer.decide(*converted); } catch (...) {
      failed = true;
    }
    Py_END_ALLOW_THREADS if (failed) return PyErr_NoMemory();
    return handed_back(self, new_response(std::move(response), correlation_id));
  } catch (const std::exception& error) {
    set_error(&error);
    return nullptr;
  }
}

PyObject* authorizer_decide_batch(PyObject* self, PyObject* requests) {
  if (!PyList_Check(requests)) {
    PyErr_Format(PyExc_TypeError, "requests must be a list, not %s", Py_TYPE(requests)->tp_name);
    return nullptr;
  }
  try {
    // Converting runs no Python code, so the list cannot change meanwhile.
    const Py_ssize_t count = PyList_GET_SIZE(requests);
    const Authorizer& authorizer = authorizer_of(self);
    std::vector<std::optional<cordon::Request>> converted(static_cast<size_t>(count));
    std::vector<PyObject*> correlation_ids(static_cast<size_t>(count), Py_None);
    for (Py_ssize_t i = 0; i < count; ++i)
      converted[i] =
          request_of(PyList_GET_ITEM(requests, i), &correlation_ids[i], authorizer.schema());
    std::vector<cordon::Response> responses(static_cast<size_t>(count));
    bool failed = false;
    Py_BEGIN_ALLOW_THREADS try {
      for (size_t i = 0; i < converted.size(); ++i)
        if (converted[i]) responses[i] = authorizer.decide(*converted[i]);
    } catch (...) {
      failed = true;
    }
    Py_END_ALLOW_THREADS if (failed) return PyErr_NoMemory();
    PyObject* out = PyList_New(count);
    for (Py_ssize_t i = 0; out != nullptr && i < count; ++i) {
      PyObject* item = Py_None;
      if (converted[i]) {
        item = handed_back(self, new_response(std::move(responses[i]), correlation_ids[i]));
        if (item == nullptr) {
          Py_CLEAR(out);
          break;
        }
      } else {
        Py_INCREF(item);
      }
      PyList_SET_ITEM(out, i, item);
    }
    return out;
  } catch (const std::exception& error) {
    set_error(&error);
    return nullptr;
  }
}

PyMethodDef authorizer_methods[] = {
    {"decide", authorizer_decide, METH_O,
     "decide(request) -> Response | None: decides one request dict (principal, action, "
     "resource as Cedar text or {\"type\", \"id\"} dicts; context as a dict or JSON text; "
     "correlation_id). None when the request is not one it converts exactly: the JSON "
     "path then answers it. With a result_type, the Response comes in one of those."},
    {"decide_batch", authorizer_decide_batch, METH_O,
     "decide_batch(requests: list) -> list[Response | None]: decide() for each request, "
     "the decisions made in one go without the GIL."},
    {nullptr, nullptr, 0, nullptr}};

PyType_Slot authorizer_slots[] = {
    {Py_tp_new, reinterpret_cast<void*>(authorizer_new)},
    {Py_tp_dealloc, reinterpret_cast<void*>(authorizer_dealloc)},
    {Py_tp_methods, authorizer_methods},
    {Py_tp_doc,
     const_cast<char*>("Authorizer(policies_json, entities_json, result_type=None, "
                       "schema=None): a parsed PolicySet (JSON text, as preparse_policy_set "
                       "takes it), schema (Cedar schema text or JSON schema text) and entities "
                       "(as preparse_entities; with the schema, read with it) deciding request "
                       "dicts without JSON text (with a schema, the context as JSON text, "
                       "read with it, and every request validated); "
                       "ValueError (the engine's message) when either does not parse. Each "
                       "Response is handed back as it is, or (result_type given) in a new "
                       "result_type object, made without __init__, whose attribute _native "
                       "holds it. Immutable, safe to share between threads.")},
    {0, nullptr}};

PyType_Spec authorizer_spec = {"cordon._native.Authorizer", sizeof(AuthorizerObject), 0,
                               Py_TPFLAGS_DEFAULT, authorizer_slots};

// Adds Authorizer and Response to the module.
void add_request_types(py::module_& m) {
  make_keys();
  native_name = PyUnicode_InternFromString("_native");
  PyObject* response = PyType_FromSpec(&response_spec);
  if (response == nullptr) throw py::error_already_set();
  // Only the Authorizer makes Responses.
  reinterpret_cast<PyTypeObject*>(response)->tp_new = nullptr;
  response_type = reinterpret_cast<PyTypeObject*>(response);
  m.add_object("Response", py::reinterpret_steal<py::object>(response));
  PyObject* authorizer = PyType_FromSpec(&authorizer_spec);
  if (authorizer == nullptr) throw py::error_already_set();
  m.add_object("Authorizer", py::reinterpret_steal<py::object>(authorizer));
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

  add_request_types(m);

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
