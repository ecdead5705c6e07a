// The data of a loaded bundle (cordon::Bundle), and the interfaces between the
// loader and the modules that own each table. Each module parses its own file from
// LocatedJson, checking unknown keys and references against the BundleContext,
// and reports errors located at file:line:col.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cordon/bundle.h"
#include "cordon/entities.h"
#include "cordon/policy_set.h"
#include "json/located_json.h"

namespace cordon::domain {

struct RateLimitClass {
  int64_t window_seconds = 0;
  int64_t max = 0;
};

struct CredentialSpec {
  std::string kind;  // "bearer" or "webhook"
};

struct WorkflowSpec {
  std::string action;     // the Cedar action whose @gate forbids are the preconditions
  bool deletion_plan = false;  // hard delete: return the table graph's deletion order
  std::string entry_action;    // audit retention: the per-entry Cedar action
};

struct Manifest {
  std::string name;
  std::string revision;
  std::vector<std::string> policy_files;
  std::string entities_file, routes_file, fields_file, scrub_file, tables_file;
  std::vector<std::string> surfaces;
  std::set<std::string> browser_surfaces;
  std::set<std::string> audit_actions;
  std::map<std::string, RateLimitClass> rate_limits;
  std::map<std::string, CredentialSpec> credentials;
  std::map<std::string, WorkflowSpec> workflows;
};

class FieldMasks;  // masks/field_masks.h

// What a module may check its references against while it parses.
struct BundleContext {
  const Manifest& manifest;
  const Entities& entities;
  const PolicySet& policies;
  const BundleLoadOptions& options;
  // fields.json, once parsed (the loader parses it before routes.json, whose scrub_profile
  // values must name its profiles); null when the bundle has no fields file.
  const FieldMasks* fields = nullptr;
  // Whether an entity of this type and id is declared in entities.json.
  bool has_entity(const std::string& type, const std::string& id) const;
};

class RouteTable;     // routes/route_table.h
class FieldMasks;     // masks/field_masks.h
class ScrubProfiles;  // telemetry/scrub_profiles.h
class TableGraph;     // gates/table_graph.h

// Each module's parser (defined in its own .cpp):
Result<std::shared_ptr<const RouteTable>> parse_route_table(const json::LocatedJson& doc,
                                                            const BundleContext& context);
Result<std::shared_ptr<const FieldMasks>> parse_field_masks(const json::LocatedJson& doc,
                                                            const BundleContext& context);
Result<std::shared_ptr<const ScrubProfiles>> parse_scrub_profiles(const json::LocatedJson& doc,
                                                                  const BundleContext& context);
Result<std::shared_ptr<const TableGraph>> parse_table_graph(const json::LocatedJson& doc,
                                                            const BundleContext& context);

struct BundleData {
  Manifest manifest;
  std::string digest;
  PolicySet policies;
  Entities entities;
  std::shared_ptr<const RouteTable> routes;
  std::shared_ptr<const FieldMasks> fields;
  std::shared_ptr<const ScrubProfiles> scrub;
  std::shared_ptr<const TableGraph> tables;
  std::string scrub_hash_key;
};

}  // namespace cordon::domain
