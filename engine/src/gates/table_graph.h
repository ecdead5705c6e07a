// The table graph of a bundle (tables.json): which portal-owned tables reference
// which, and the order a tenant hard delete removes them in.
//
//   {"tables": {"tenants": {},
//               "users":   {"references": ["tenants"]},
//               "calls":   {"references": ["tenants", "users"]}}}
//   graph.deletion_order();   // ["calls", "users", "tenants"]
//
// A table is deleted before every table it references (children first), and among
// tables that are ready at the same time alphabetically, so a plan is deterministic.
// A reference to an unknown table and a cycle are bundle errors at file:line:col. A table
// that references itself (users.invited_by -> users) is allowed: deleting a tenant's
// rows of one table in one statement satisfies its own references.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "domain/bundle_data.h"
#include "json/located_json.h"

namespace cordon::domain {

class TableGraph {
 public:
  struct Table {
    std::vector<std::string> references;  // as written, without duplicates
    std::string description;
  };

  static Result<TableGraph> parse(const json::LocatedJson& doc);

  const std::map<std::string, Table>& tables() const { return tables_; }
  // Every table, each before every table it references.
  const std::vector<std::string>& deletion_order() const { return deletion_order_; }

 private:
  std::map<std::string, Table> tables_;
  std::vector<std::string> deletion_order_;
};

}  // namespace cordon::domain
