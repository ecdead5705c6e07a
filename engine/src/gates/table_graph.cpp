// Reading tables.json and ordering the deletion of a tenant's tables (see table_graph.h).
#include "gates/table_graph.h"

#include <algorithm>
#include <set>

namespace cordon::domain {

namespace {

using Json = nlohmann::json;
using cordon::json::LocatedJson;

bool valid_table_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '.'))
      return false;
  return true;
}

}  // namespace

Result<TableGraph> TableGraph::parse(const LocatedJson& doc) {
  const Json& root = doc.root();
  if (!root.is_object()) return doc.error("", "expected {\"tables\": {<table>: {...}}}");
  for (auto it = root.begin(); it != root.end(); ++it)
    if (it.key() != "tables")
      return doc.key_error(LocatedJson::child("", it.key()),
                           "unknown key `" + it.key() + "` (expected `tables`)");
  auto tables = root.find("tables");
  if (tables == root.end()) return doc.error("", "missing `tables`");
  if (!tables->is_object() || tables->empty())
    return doc.error("/tables", "`tables` must be a non-empty object of tables by name");

  TableGraph graph;
  // Where each reference was written, to locate a cycle.
  std::map<std::pair<std::string, std::string>, std::string> reference_pointer;
  for (auto it = tables->begin(); it != tables->end(); ++it) {
    const std::string& name = it.key();
    std::string pointer = LocatedJson::child("/tables", name);
    if (!valid_table_name(name))
      return doc.key_error(
          pointer, "table name `" + name + "` must be letters, digits, `_` or `.` (schema.table)");
    if (!it->is_object()) return doc.error(pointer, "table `" + name + "` must be an object");
    Table table;
    for (auto field = it->begin(); field != it->end(); ++field) {
      std::string field_pointer = LocatedJson::child(pointer, field.key());
      if (field.key() == "description") {
        if (!field->is_string()) return doc.error(field_pointer, "`description` must be a string");
        table.description = field->get<std::string>();
      } else if (field.key() == "references") {
        if (!field->is_array())
          return doc.error(field_pointer, "`references` must be an array of table names");
        for (size_t i = 0; i < field->size(); ++i) {
          const Json& ref = (*field)[i];
          std::string ref_pointer = LocatedJson::child(field_pointer, i);
          if (!ref.is_string()) return doc.error(ref_pointer, "a reference must be a table name");
          const std::string& target = ref.get_ref<const std::string&>();
          if (!tables->contains(target))
            return doc.error(ref_pointer,
                             "table `" + name + "` references unknown table `" + target + "`");
          if (!reference_pointer.emplace(std::make_pair(name, target), ref_pointer).second)
            return doc.error(ref_pointer, "table `" + name + "` references `" + target + "` twice");
          table.references.push_back(target);
        }
      } else {
        return doc.key_error(field_pointer, "unknown key `" + field.key() + "` in table `" + name +
                                                "` (expected references, description)");
      }
    }
    graph.tables_.emplace(name, std::move(table));
  }

  // Kahn's algorithm on "is referenced by": a table is ready once every table that
  // references it is deleted. Self-references do not hold a table back.
  std::map<std::string, int> pending_referencers;
  std::map<std::string, std::set<std::string>> referencers;
  for (const auto& [name, table] : graph.tables_) {
    pending_referencers.emplace(name, 0);
    for (const auto& target : table.references)
      if (target != name) referencers[target].insert(name);
  }
  for (const auto& [target, from] : referencers)
    pending_referencers[target] = static_cast<int>(from.size());
  std::set<std::string> ready;
  for (const auto& [name, count] : pending_referencers)
    if (count == 0) ready.insert(name);
  while (!ready.empty()) {
    std::string next = *ready.begin();
    ready.erase(ready.begin());
    graph.deletion_order_.push_back(next);
    for (const auto& target : graph.tables_.at(next).references)
      if (target != next && --pending_referencers[target] == 0) ready.insert(target);
  }
  if (graph.deletion_order_.size() == graph.tables_.size()) return graph;

  // A cycle: every table left is referenced by another table left, so walking from a
  // table to a referencer that is left must come back to a table already seen.
  std::set<std::string> done(graph.deletion_order_.begin(), graph.deletion_order_.end());
  auto left_referencer = [&](const std::string& table) {
    for (const auto& from : referencers[table])
      if (!done.count(from)) return from;  // alphabetical: the set is ordered
    return std::string();
  };
  std::vector<std::string> walk;
  std::string current;
  for (const auto& [name, table] : graph.tables_)
    if (!done.count(name)) {
      current = name;
      break;
    }
  while (std::find(walk.begin(), walk.end(), current) == walk.end()) {
    walk.push_back(current);
    current = left_referencer(current);
  }
  // walk[k+1] references walk[k]; the cycle runs from `current` back to itself.
  auto start = std::find(walk.begin(), walk.end(), current);
  std::vector<std::string> cycle(start, walk.end());
  std::reverse(cycle.begin(), cycle.end());  // now cycle[i] references cycle[i+1]
  // Start at the alphabetically first table, so one cycle always reads the same way.
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  std::string path;
  for (const auto& name : cycle) path += name + " -> ";
  path += cycle.front();
  const std::string& from = cycle.front();
  const std::string& to = cycle.size() > 1 ? cycle[1] : cycle.front();
  return doc.error(
      reference_pointer.at({from, to}),
      "the tables reference each other in a cycle (" + path + "), so no deletion order exists");
}

Result<std::shared_ptr<const TableGraph>> parse_table_graph(const LocatedJson& doc,
                                                            const BundleContext& /*context*/) {
  auto graph = TableGraph::parse(doc);
  if (!graph) return graph.error();
  return std::make_shared<const TableGraph>(std::move(graph).value());
}

}  // namespace cordon::domain
