// Loading a bundle (docs/bundle-format.md): the signature first, then the manifest,
// the file list, entities, policies, each module's table, and the checks across them.
// Any error stops the load, so a Bundle either holds everything or does not exist.
#include "cordon/bundle.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "cedar/ast.h"
#include "cedar/entities_json.h"
#include "cedar/entity_store.h"
#include "cedar/parser.h"
#include "cedar/policy_set_data.h"
#include "crypto/crypto.h"
#include "domain/bundle_data.h"
#include "domain/signatures.h"
#include "json/located_json.h"

namespace cordon {

namespace domain {

bool BundleContext::has_entity(const std::string& type, const std::string& id) const {
  return entities.store().find(cedar::EntityUid{type, id}) != nullptr;
}

}  // namespace domain

namespace {

using Json = nlohmann::json;
using cordon::json::LocatedJson;
using domain::Manifest;

constexpr std::string_view kManifestFile = "bundle.json";

Error bundle_error(std::string message, SourceLocation location = {}) {
  Error err;
  err.kind = ErrorKind::bundle;
  err.message = std::move(message);
  err.location = std::move(location);
  return err;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Names of surfaces, rate-limit classes, credentials and workflows.
bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

// Audit actions are dotted lowercase names: "tenant.export", "audit.retention_delete".
bool valid_audit_action(const std::string& s) {
  if (s.empty() || s.size() > 128 || s.front() == '.' || s.back() == '.') return false;
  char previous = 0;
  for (char c : s) {
    if (c == '.' && previous == '.') return false;
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
    previous = c;
  }
  return true;
}

// A path inside the bundle: relative, '/'-separated, no empty, "." or ".." segment, no
// control characters (the digest's listing is one file per line).
bool valid_bundle_path(std::string_view path) {
  if (path.empty() || path.size() > 512) return false;
  size_t start = 0;
  while (true) {
    size_t end = path.find('/', start);
    std::string_view segment =
        path.substr(start, end == std::string_view::npos ? end : end - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\') return false;
  return true;
}

// Reads the members of one JSON object, refusing keys it was not told about.
class ObjectReader {
 public:
  ObjectReader(const LocatedJson& doc, std::string pointer, std::string what)
      : doc_(doc), pointer_(std::move(pointer)), what_(std::move(what)) {}

  std::optional<Error> check(const std::vector<std::string_view>& known) const {
    const Json& object = value();
    if (!object.is_object()) return doc_.error(pointer_, what_ + " must be a JSON object");
    for (auto it = object.begin(); it != object.end(); ++it) {
      if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
      std::string expected;
      for (auto k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
      return doc_.key_error(
          LocatedJson::child(pointer_, it.key()),
          "unknown key `" + it.key() + "` in " + what_ + " (expected " + expected + ")");
    }
    return std::nullopt;
  }

  const Json& value() const { return at(pointer_); }
  bool has(std::string_view key) const { return value().contains(key); }
  std::string pointer(std::string_view key) const { return LocatedJson::child(pointer_, key); }

  std::optional<Error> string(std::string_view key, bool required, std::string& out) const {
    if (!has(key)) {
      if (required) return doc_.error(pointer_, what_ + " is missing `" + std::string(key) + "`");
      return std::nullopt;
    }
    const Json& v = value().at(std::string(key));
    if (!v.is_string() || v.get_ref<const std::string&>().empty())
      return doc_.error(pointer(key), "`" + std::string(key) + "` must be a non-empty string");
    out = v.get<std::string>();
    return std::nullopt;
  }

  std::optional<Error> boolean(std::string_view key, bool& out) const {
    if (!has(key)) return std::nullopt;
    const Json& v = value().at(std::string(key));
    if (!v.is_boolean())
      return doc_.error(pointer(key), "`" + std::string(key) + "` must be true or false");
    out = v.get<bool>();
    return std::nullopt;
  }

  std::optional<Error> integer(std::string_view key, int64_t min, int64_t max, int64_t& out) const {
    if (!has(key)) return doc_.error(pointer_, what_ + " is missing `" + std::string(key) + "`");
    const Json& v = value().at(std::string(key));
    bool in_range = v.is_number_integer() &&
                    !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX));
    if (in_range) {
      int64_t n = v.get<int64_t>();
      in_range = n >= min && n <= max;
      if (in_range) out = n;
    }
    if (!in_range)
      return doc_.error(pointer(key), "`" + std::string(key) + "` must be an integer from " +
                                          std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }

  // An array of distinct strings, each accepted by `valid`.
  std::optional<Error> names(std::string_view key, bool (*valid)(const std::string&),
                             const char* rule, std::vector<std::string>& out) const {
    if (!has(key)) return std::nullopt;
    const Json& v = value().at(std::string(key));
    std::string p = pointer(key);
    if (!v.is_array())
      return doc_.error(p, "`" + std::string(key) + "` must be an array of strings");
    std::set<std::string> seen;
    for (size_t i = 0; i < v.size(); ++i) {
      std::string element = LocatedJson::child(p, i);
      if (!v[i].is_string()) return doc_.error(element, "expected a string");
      const std::string& s = v[i].get_ref<const std::string&>();
      if (!valid(s)) return doc_.error(element, "`" + s + "` is not valid: " + rule);
      if (!seen.insert(s).second) return doc_.error(element, "`" + s + "` is listed twice");
      out.push_back(s);
    }
    return std::nullopt;
  }

 private:
  const Json& at(const std::string& pointer) const {
    return pointer.empty() ? doc_.root() : doc_.root().at(Json::json_pointer(pointer));
  }
  const LocatedJson& doc_;
  std::string pointer_;
  std::string what_;
};

bool valid_path_name(const std::string& s) {
  return valid_bundle_path(s);
}

// The manifest, plus what the loader needs beyond domain::Manifest: every file it
// lists, with the pointer that lists it.
struct ManifestListing {
  Manifest manifest;
  std::vector<std::pair<std::string, std::string>> files;  // (file, pointer in bundle.json)
};

Result<ManifestListing> parse_manifest(const LocatedJson& doc) {
  ManifestListing out;
  Manifest& m = out.manifest;
  ObjectReader top(doc, "", "bundle.json");
  if (auto e = top.check({"name", "revision", "description", "policies", "entities", "routes",
                          "fields", "scrub", "tables", "examples", "surfaces", "browser_surfaces",
                          "audit_actions", "rate_limits", "credentials", "workflows"}))
    return *e;
  if (auto e = top.string("name", true, m.name)) return *e;
  if (!valid_name(m.name))
    return doc.error("/name", "the bundle name must be letters, digits, `_` or `-`");
  if (auto e = top.string("revision", true, m.revision)) return *e;
  if (top.has("description") && !top.value().at("description").is_string())
    return doc.error("/description", "`description` must be a string");

  auto list_file = [&](const std::string& file,
                       const std::string& pointer) -> std::optional<Error> {
    if (!valid_bundle_path(file))
      return doc.error(pointer, "`" + file + "` is not a relative path inside the bundle");
    if (file == kManifestFile || file == domain::kSignaturesFile)
      return doc.error(pointer, "`" + file + "` cannot be listed as a content file");
    for (const auto& [listed, where] : out.files)
      if (listed == file) return doc.error(pointer, "`" + file + "` is listed twice");
    out.files.emplace_back(file, pointer);
    return std::nullopt;
  };

  if (!top.has("policies")) return doc.error("", "bundle.json is missing `policies`");
  if (auto e = top.names("policies", valid_path_name, "a relative path", m.policy_files)) return *e;
  if (m.policy_files.empty()) return doc.error("/policies", "`policies` lists no file");
  for (size_t i = 0; i < m.policy_files.size(); ++i)
    if (auto e = list_file(m.policy_files[i], LocatedJson::child("/policies", i))) return *e;

  struct TableFile {
    const char* key;
    std::string* file;
    bool required;
  };
  for (const TableFile& t :
       {TableFile{"entities", &m.entities_file, true}, TableFile{"routes", &m.routes_file, false},
        TableFile{"fields", &m.fields_file, false}, TableFile{"scrub", &m.scrub_file, false},
        TableFile{"tables", &m.tables_file, false}}) {
    if (auto e = top.string(t.key, t.required, *t.file)) return *e;
    if (!t.file->empty())
      if (auto e = list_file(*t.file, top.pointer(t.key))) return *e;
  }
  std::vector<std::string> examples;
  if (auto e = top.names("examples", valid_path_name, "a relative path", examples)) return *e;
  for (size_t i = 0; i < examples.size(); ++i)
    if (auto e = list_file(examples[i], LocatedJson::child("/examples", i))) return *e;

  if (auto e = top.names("surfaces", valid_name, "letters, digits, `_` or `-`", m.surfaces))
    return *e;
  std::vector<std::string> browser;
  if (auto e = top.names("browser_surfaces", valid_name, "letters, digits, `_` or `-`", browser))
    return *e;
  for (size_t i = 0; i < browser.size(); ++i) {
    if (std::find(m.surfaces.begin(), m.surfaces.end(), browser[i]) == m.surfaces.end())
      return doc.error(LocatedJson::child("/browser_surfaces", i),
                       "browser surface `" + browser[i] + "` is not one of `surfaces`");
    m.browser_surfaces.insert(browser[i]);
  }
  std::vector<std::string> audit_actions;
  if (auto e = top.names("audit_actions", valid_audit_action,
                         "dotted lowercase names such as `tenant.export`", audit_actions))
    return *e;
  m.audit_actions.insert(audit_actions.begin(), audit_actions.end());

  // Named objects: rate_limits, credentials, workflows.
  auto each_member = [&](const char* key, auto&& read) -> std::optional<Error> {
    if (!top.has(key)) return std::nullopt;
    const Json& object = top.value().at(key);
    std::string pointer = top.pointer(key);
    if (!object.is_object())
      return doc.error(pointer, "`" + std::string(key) + "` must be an object of entries by name");
    for (auto it = object.begin(); it != object.end(); ++it) {
      std::string member = LocatedJson::child(pointer, it.key());
      if (!valid_name(it.key()))
        return doc.key_error(member,
                             "`" + it.key() + "` is not valid: letters, digits, `_` or `-`");
      if (auto e = read(it.key(), member)) return e;
    }
    return std::nullopt;
  };

  if (auto e = each_member(
          "rate_limits",
          [&](const std::string& name, const std::string& pointer) -> std::optional<Error> {
            ObjectReader r(doc, pointer, "rate limit `" + name + "`");
            if (auto e = r.check({"window_seconds", "max"})) return e;
            domain::RateLimitClass limit;
            if (auto e = r.integer("window_seconds", 1, 31'622'400, limit.window_seconds)) return e;
            if (auto e = r.integer("max", 1, 1'000'000'000, limit.max)) return e;
            m.rate_limits.emplace(name, limit);
            return std::nullopt;
          }))
    return *e;

  if (auto e = each_member(
          "credentials",
          [&](const std::string& name, const std::string& pointer) -> std::optional<Error> {
            ObjectReader r(doc, pointer, "credential `" + name + "`");
            if (auto e = r.check({"kind", "description"})) return e;
            domain::CredentialSpec spec;
            if (auto e = r.string("kind", true, spec.kind)) return e;
            if (spec.kind != "bearer" && spec.kind != "webhook" && spec.kind != "secret")
              return doc.error(r.pointer("kind"), "credential kind `" + spec.kind +
                                                      "` is not one of bearer, webhook, secret");
            if (r.has("description") && !r.value().at("description").is_string())
              return doc.error(r.pointer("description"), "`description` must be a string");
            m.credentials.emplace(name, spec);
            return std::nullopt;
          }))
    return *e;

  if (auto e = each_member(
          "workflows",
          [&](const std::string& name, const std::string& pointer) -> std::optional<Error> {
            ObjectReader r(doc, pointer, "workflow `" + name + "`");
            if (auto e = r.check({"action", "deletion_plan", "entry_action", "description"}))
              return e;
            domain::WorkflowSpec spec;
            if (auto e = r.string("action", true, spec.action)) return e;
            if (auto e = r.boolean("deletion_plan", spec.deletion_plan)) return e;
            if (auto e = r.string("entry_action", false, spec.entry_action)) return e;
            if (r.has("description") && !r.value().at("description").is_string())
              return doc.error(r.pointer("description"), "`description` must be a string");
            if (spec.deletion_plan && m.tables_file.empty())
              return doc.error(r.pointer("deletion_plan"),
                               "workflow `" + name +
                                   "` returns a deletion plan, so bundle.json "
                                   "must name a `tables` file");
            m.workflows.emplace(name, spec);
            return std::nullopt;
          }))
    return *e;
  return out;
}

// Entity types the bundle must declare before a policy may name one of their entities:
// a typo'd action, role or field class would otherwise match nothing, silently.
bool declared_type(const std::string& type) {
  return type == "Action" || type == "Role" || type == "FieldClass";
}

struct PolicyChecker {
  const detail::EntityStore& entities;
  const Manifest& manifest;
  std::string_view text;
  std::string_view file;

  std::optional<Error> entity(const cedar::EntityUid& uid, const std::string& policy_id,
                              const SourceLocation& where) const {
    if (!declared_type(uid.type) || entities.find(uid)) return std::nullopt;
    return bundle_error("policy `" + policy_id + "` refers to " + uid.to_cedar() +
                            ", which entities.json does not declare",
                        where);
  }

  std::optional<Error> value(const cedar::Value& v, const std::string& policy_id,
                             const SourceLocation& where) const {
    if (v.is_entity()) return entity(v.as_entity(), policy_id, where);
    if (v.is_set())
      for (const auto& element : v.as_set())
        if (auto e = value(element, policy_id, where)) return e;
    if (v.is_record())
      for (const auto& [key, field] : v.as_record())
        if (auto e = value(field, policy_id, where)) return e;
    return std::nullopt;
  }

  std::optional<Error> expression(const cedar::Expr& expr, const std::string& policy_id) const {
    if (expr.kind == cedar::ExprKind::literal)
      if (auto e =
              value(expr.literal, policy_id, cedar::locate(text, file, expr.offset, expr.length)))
        return e;
    for (const auto& arg : expr.args)
      if (arg)
        if (auto e = expression(*arg, policy_id)) return e;
    return std::nullopt;
  }

  std::optional<Error> scope(const cedar::ScopeConstraint& s, const std::string& policy_id,
                             const SourceLocation& where) const {
    using Op = cedar::ScopeConstraint::Op;
    if (!s.slot && (s.op == Op::equal || s.op == Op::in || s.op == Op::is_in))
      if (auto e = entity(s.entity, policy_id, where)) return e;
    if (s.op == Op::in_set)
      for (const auto& uid : s.entities)
        if (auto e = entity(uid, policy_id, where)) return e;
    return std::nullopt;
  }

  std::optional<Error> policy(const cedar::Policy& p) const {
    const cedar::PolicyBody& body = *p.body;
    if (auto e = scope(body.principal, p.id, body.location)) return e;
    if (auto e = scope(body.action, p.id, body.location)) return e;
    if (auto e = scope(body.resource, p.id, body.location)) return e;
    for (const auto& condition : body.conditions)
      if (condition.expr)
        if (auto e = expression(*condition.expr, p.id)) return e;
    if (const std::string* gate = body.annotation("gate")) {
      if (body.effect != cedar::Effect::forbid)
        return bundle_error("policy `" + p.id +
                                "` has @gate but is not a forbid (a gate is a "
                                "forbid that holds while the precondition is unmet)",
                            body.location);
      if (gate->empty())
        return bundle_error("policy `" + p.id + "` has an empty @gate", body.location);
      if (!body.annotation("message"))
        return bundle_error("gate policy `" + p.id + "` needs a @message for the operator",
                            body.location);
    }
    if (const std::string* audit = body.annotation("audit"))
      if (!manifest.audit_actions.count(*audit))
        return bundle_error("policy `" + p.id + "` has @audit(\"" + *audit +
                                "\"), which is not one of bundle.json's audit_actions",
                            body.location);
    return std::nullopt;
  }
};

// Whether an action scope constraint covers `action` (with the action hierarchy).
bool scope_covers(const cedar::ScopeConstraint& s, const cedar::EntityUid& action,
                  const detail::EntityStore& entities) {
  using Op = cedar::ScopeConstraint::Op;
  switch (s.op) {
    case Op::any:
      return true;
    case Op::equal:
      return s.entity == action;
    case Op::in:
      return entities.is_in(action, s.entity);
    case Op::is:
      return s.entity_type == action.type;
    case Op::is_in:
      return s.entity_type == action.type && entities.is_in(action, s.entity);
    case Op::in_set:
      for (const auto& uid : s.entities)
        if (entities.is_in(action, uid)) return true;
      return false;
  }
  return false;
}

Result<PolicySet> load_policies(const BundleFiles& files, const Manifest& manifest,
                                const detail::EntityStore& entities) {
  auto data = std::make_shared<detail::PolicySetData>();
  std::map<std::string, SourceLocation> seen;
  for (const auto& file : manifest.policy_files) {
    const std::string& text = files.find(file)->second;
    auto parsed = cedar::parse_policies(text, file);
    if (!parsed) return parsed.error();
    PolicyChecker checker{entities, manifest, text, file};
    for (auto& p : parsed.value()) {
      const SourceLocation& where = p.body->location;
      const std::string* id = p.body->annotation("id");
      if (!id || id->empty())
        return bundle_error("every policy of a bundle needs an @id(\"...\") annotation", where);
      if (p.body->is_template())
        return bundle_error("policy `" + *id +
                                "` is a template (it has a slot); a bundle holds "
                                "only static policies",
                            where);
      auto [it, inserted] = seen.emplace(*id, where);
      if (!inserted)
        return bundle_error("duplicate policy id `" + *id + "` (first at " + it->second.file + ":" +
                                std::to_string(it->second.line) + ":" +
                                std::to_string(it->second.column) + ")",
                            where);
      cedar::Policy policy;
      policy.id = *id;
      policy.body = std::move(p.body);
      if (auto e = checker.policy(policy)) return *e;
      data->policies.push_back(std::move(policy));
    }
  }
  return PolicySet(std::move(data));
}

Result<Entities> load_entities(const BundleFiles& files, const std::string& file) {
  auto doc = LocatedJson::parse(files.find(file)->second, file);
  if (!doc) return doc.error();
  auto entities = entities_from_json_value(doc->root(), file);
  if (entities) return entities;
  // The reader names the entity by position ("entity #3: ..."); point at it.
  Error err = entities.error();
  unsigned index = 0;
  if (err.location.line == 0 && std::sscanf(err.message.c_str(), "entity #%u", &index) == 1 &&
      doc->root().is_array() && index < doc->root().size()) {
    SourceLocation at = doc->location(LocatedJson::child("", index));
    err.location.line = at.line;
    err.location.column = at.column;
  }
  return err;
}

// Parses one module's file with its parser, when the manifest names the file.
template <class Table, class Parser>
std::optional<Error> load_module(const BundleFiles& files, const std::string& file,
                                 const domain::BundleContext& context, Parser parse,
                                 std::shared_ptr<const Table>& out) {
  if (file.empty()) return std::nullopt;
  auto doc = LocatedJson::parse(files.find(file)->second, file);
  if (!doc) return doc.error();
  auto table = parse(*doc, context);
  if (!table) return table.error();
  out = std::move(table).value();
  return std::nullopt;
}

// Hex SHA-256 of the `sha256sum`-style listing "<hex>  <name>\n" of every file but
// .signatures.json, in byte order of the names: reproducible with standard tools.
std::string bundle_digest(const BundleFiles& files) {
  std::string listing;
  for (const auto& [name, hash] : domain::file_hashes(files)) listing += hash + "  " + name + "\n";
  return crypto::sha256_hex(listing);
}

}  // namespace

Result<Bundle> Bundle::load(const BundleFiles& files, const BundleLoadOptions& options) {
  for (const auto& [name, contents] : files)
    if (!valid_bundle_path(name))
      return bundle_error("`" + name + "` is not a relative path inside the bundle");

  // Authenticity before anything else reads the files.
  if (auto e = domain::verify_bundle_signature(files, options)) return *e;

  auto manifest_text = files.find(kManifestFile);
  if (manifest_text == files.end())
    return bundle_error("the bundle has no bundle.json manifest", {std::string(kManifestFile)});
  auto manifest_doc = LocatedJson::parse(manifest_text->second, kManifestFile);
  if (!manifest_doc) return manifest_doc.error();
  auto listing = parse_manifest(*manifest_doc);
  if (!listing) return listing.error();

  auto data = std::make_shared<domain::BundleData>();
  data->manifest = std::move(listing->manifest);
  const Manifest& manifest = data->manifest;

  std::set<std::string> listed;
  for (const auto& [file, pointer] : listing->files) {
    if (!files.count(file))
      return manifest_doc->error(pointer,
                                 "bundle.json lists `" + file + "`, which is not in the bundle");
    listed.insert(file);
  }
  for (const auto& [name, contents] : files) {
    if (name == kManifestFile || name == domain::kSignaturesFile || ends_with(name, ".md") ||
        listed.count(name))
      continue;
    return bundle_error("`" + name + "` is in the bundle but bundle.json does not list it", {name});
  }

  auto entities = load_entities(files, manifest.entities_file);
  if (!entities) return entities.error();
  data->entities = std::move(entities).value();
  const detail::EntityStore& store = data->entities.store();

  auto policies = load_policies(files, manifest, store);
  if (!policies) return policies.error();
  data->policies = std::move(policies).value();

  for (const auto& [name, workflow] : manifest.workflows) {
    std::string pointer = LocatedJson::child("/workflows", name);
    cedar::EntityUid action{"Action", workflow.action};
    if (!store.find(action))
      return manifest_doc->error(LocatedJson::child(pointer, "action"),
                                 "workflow `" + name + "`: action `" + workflow.action +
                                     "` is not declared as an Action entity");
    if (!workflow.entry_action.empty() && !store.find({"Action", workflow.entry_action}))
      return manifest_doc->error(LocatedJson::child(pointer, "entry_action"),
                                 "workflow `" + name + "`: entry action `" + workflow.entry_action +
                                     "` is not declared as an Action entity");
    bool gated = false;
    for (const auto& p : data->policies.data().policies)
      gated = gated || (p.body->annotation("gate") && scope_covers(p.body->action, action, store));
    if (!gated)
      return manifest_doc->error(LocatedJson::child(pointer, "action"),
                                 "workflow `" + name + "`: no @gate policy applies to " +
                                     action.to_cedar() + ", so it would check nothing");
  }

  data->scrub_hash_key = options.scrub_hash_key;
  domain::BundleContext context{manifest, data->entities, data->policies, options};
  // fields.json first: routes.json's scrub_profile values name its profiles.
  if (auto e = load_module(files, manifest.fields_file, context, domain::parse_field_masks,
                           data->fields))
    return *e;
  context.fields = data->fields.get();
  if (auto e = load_module(files, manifest.scrub_file, context, domain::parse_scrub_profiles,
                           data->scrub))
    return *e;
  if (auto e = load_module(files, manifest.routes_file, context, domain::parse_route_table,
                           data->routes))
    return *e;
  if (auto e = load_module(files, manifest.tables_file, context, domain::parse_table_graph,
                           data->tables))
    return *e;

  data->digest = bundle_digest(files);
  return Bundle(std::move(data));
}

const std::string& Bundle::name() const {
  return data_->manifest.name;
}
const std::string& Bundle::revision() const {
  return data_->manifest.revision;
}
const std::string& Bundle::digest() const {
  return data_->digest;
}
const PolicySet& Bundle::policies() const {
  return data_->policies;
}
const Entities& Bundle::entities() const {
  return data_->entities;
}

Result<std::shared_ptr<const Bundle>> BundleHolder::reload(const BundleFiles& files,
                                                           const BundleLoadOptions& options) {
  // Load outside the lock: readers keep the current bundle while the new one is checked.
  auto loaded = Bundle::load(files, options);
  if (!loaded) return loaded.error();
  auto next = std::make_shared<const Bundle>(std::move(loaded).value());
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = next;
  return next;
}

std::shared_ptr<const Bundle> BundleHolder::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

}  // namespace cordon
