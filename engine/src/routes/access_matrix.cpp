// The access matrix: every role of the bundle against every route, on one surface,
// each cell decided by the same code as decide_route. A cell is "allow" or "deny" when
// the answer is the same for the user's own tenant and another tenant, with and without
// valid credentials; otherwise it is "conditional", with a note saying on what.
#include <algorithm>

#include "cedar/entity_store.h"
#include "cordon/routes.h"
#include "routes/route_evaluation.h"
#include "routes/route_table.h"

namespace cordon {

using nlohmann::ordered_json;

namespace {

// The tenants of the matrix's made-up users and requests.
constexpr const char* kOwnTenant = "tenant-a";
constexpr const char* kOtherTenant = "tenant-b";

struct Scenario {
  bool other_tenant = false;      // the route acts on another tenant than the user's
  bool credentials_valid = true;  // every credential reported valid, or every one missing
  std::string except;             // with credentials_valid: this one missing
};

// A concrete request for a route pattern: parameters and wildcards get sample values,
// the tenant parameter gets the scenario's tenant.
RouteRequest sample_request(const domain::Route& route, const Scenario& scenario,
                            const std::string& surface, const domain::Manifest& manifest,
                            const std::string& role, domain::RouteMatch& match) {
  RouteRequest request;
  request.method = route.method == "*" ? "GET" : route.method;
  request.surface = surface;
  const std::string tenant = scenario.other_tenant ? kOtherTenant : kOwnTenant;
  match.params.clear();
  for (const auto& seg : route.segments) {
    request.path += '/';
    switch (seg.kind) {
      case domain::RouteSegment::Kind::literal:
        request.path += seg.text;
        break;
      case domain::RouteSegment::Kind::param: {
        bool is_tenant =
            route.tenant.kind == domain::TenantSource::Kind::path && route.tenant.name == seg.text;
        std::string value = is_tenant ? tenant : "sample-" + seg.text;
        match.params[seg.text] = value;
        request.path += value;
        break;
      }
      case domain::RouteSegment::Kind::any:
      case domain::RouteSegment::Kind::rest:
        request.path += "sample";
        break;
    }
  }
  if (request.path.empty()) request.path = "/";
  if (route.tenant.kind == domain::TenantSource::Kind::query)
    request.query[route.tenant.name] = tenant;
  for (const auto& [name, spec] : manifest.credentials)
    request.credentials[name] =
        scenario.credentials_valid && name != scenario.except ? "valid" : "missing";
  request.session = Session{"matrix-" + role, {role}, kOwnTenant, "active"};
  return request;
}

std::string ticked_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += "`" + names[i] + "`";
  }
  return out;
}

// One cell: the decision in each scenario, and what a conditional answer depends on.
struct Cell {
  std::string value;
  std::string note;
};

Cell decide_cell(const domain::BundleData& data, const domain::Route& route,
                 const std::string& role, const std::string& surface) {
  auto allowed = [&](const Scenario& scenario) {
    domain::RouteMatch match;
    match.route = &route;
    RouteRequest request = sample_request(route, scenario, surface, data.manifest, role, match);
    return routes::decide_matched(data, match, request).allow;
  };
  // Only a path or query tenant can differ from the user's: a session-scoped route acts on
  // the user's own tenant, a platform route on none.
  const bool tenant_varies = route.tenant.kind == domain::TenantSource::Kind::path ||
                             route.tenant.kind == domain::TenantSource::Kind::query;
  const bool own_valid = allowed({false, true, ""});
  const bool own_missing = allowed({false, false, ""});
  const bool other_valid = tenant_varies ? allowed({true, true, ""}) : own_valid;
  const bool other_missing = tenant_varies ? allowed({true, false, ""}) : own_missing;
  if (own_valid && own_missing && other_valid && other_missing) return {"allow", ""};
  if (!own_valid && !own_missing && !other_valid && !other_missing) return {"deny", ""};

  const bool tenant_matters = own_valid != other_valid || own_missing != other_missing;
  const bool credential_matters = own_valid != own_missing || other_valid != other_missing;
  if (tenant_matters && !credential_matters)
    return {"conditional", own_valid ? "own tenant only" : "other tenants only"};
  if (credential_matters && !tenant_matters && own_valid) {
    // Which credentials it needs: those whose absence alone turns the answer to deny.
    std::vector<std::string> required;
    for (const auto& [name, spec] : data.manifest.credentials)
      if (!allowed({false, true, name})) required.push_back(name);
    if (required.size() == 1)
      return {"conditional", "needs a valid " + ticked_list(required) + " credential"};
    if (!required.empty())
      return {"conditional", "needs valid " + ticked_list(required) + " credentials"};
    return {"conditional", "needs valid credentials"};
  }
  std::vector<std::string> cases;
  auto add = [&](bool allow, const char* text) {
    if (allow) cases.push_back(text);
  };
  add(own_valid, "own tenant with valid credentials");
  add(own_missing, "own tenant without credentials");
  add(other_valid, "other tenants with valid credentials");
  add(other_missing, "other tenants without credentials");
  std::string note = "allowed for ";
  for (size_t i = 0; i < cases.size(); ++i) note += (i ? "; " : "") + cases[i];
  return {"conditional", note};
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Inside a table a pipe ends the cell, even in a code span; a cell is one line.
std::string markdown_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

// A note for HTML: escaped, with `name` as <code>name</code>.
std::string html_note(const std::string& note) {
  std::string out;
  bool in_code = false;
  for (char c : note) {
    if (c == '`') {
      out += in_code ? "</code>" : "<code>";
      in_code = !in_code;
    } else {
      out += html_escape(std::string(1, c));
    }
  }
  if (in_code) out += "</code>";
  return out;
}

// A Markdown code span that survives backticks in the text.
std::string code_span(const std::string& s) {
  if (s.find('`') == std::string::npos) return "`" + s + "`";
  return "`` " + s + " ``";
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string cell_text(const AccessMatrix& m, size_t route, size_t role) {
  const std::string& note = m.notes[route][role];
  return note.empty() ? m.cells[route][role] : m.cells[route][role] + " (" + note + ")";
}

}  // namespace

AccessMatrix access_matrix(const Bundle& bundle, std::string_view surface) {
  const domain::BundleData& data = bundle.data();
  AccessMatrix m;
  m.bundle = data.manifest.name;
  m.revision = data.manifest.revision;
  m.surface = std::string(surface);
  for (const auto& entity : data.entities.store())
    if (entity.uid.type == "Role") m.roles.push_back(entity.uid.id);
  std::sort(m.roles.begin(), m.roles.end());
  if (!data.routes) return m;

  for (const auto& route : data.routes->routes()) {
    m.routes.push_back(route.pattern);
    m.actions.push_back(route.action);
    std::vector<std::string> row, notes;
    for (const auto& role : m.roles) {
      Cell cell = decide_cell(data, route, role, m.surface);
      row.push_back(std::move(cell.value));
      notes.push_back(std::move(cell.note));
    }
    m.cells.push_back(std::move(row));
    m.notes.push_back(std::move(notes));
  }
  return m;
}

std::string AccessMatrix::to_markdown() const {
  std::string out = "# Access matrix: bundle `" + markdown_escape(bundle) + "` revision `" +
                    markdown_escape(revision) + "`, surface `" + markdown_escape(surface) + "`\n\n";
  out += "| route | action |";
  for (const auto& role : roles) out += " " + markdown_escape(role) + " |";
  out += "\n| --- | --- |";
  for (size_t i = 0; i < roles.size(); ++i) out += " --- |";
  out += "\n";
  for (size_t r = 0; r < routes.size(); ++r) {
    out += "| " + markdown_escape(code_span(routes[r])) + " | " + code_span(actions[r]) + " |";
    for (size_t c = 0; c < roles.size(); ++c)
      out += " " + markdown_escape(cell_text(*this, r, c)) + " |";
    out += "\n";
  }
  out += "\nEach cell is the decision for an active user with that role alone, of tenant `" +
         std::string(kOwnTenant) +
         "`; \"conditional\" means the answer depends on the tenant the route acts on or on "
         "the credentials presented.\n";
  return out;
}

std::string AccessMatrix::to_csv() const {
  std::string out = "route,action";
  for (const auto& role : roles) out += "," + csv_field(role);
  out += "\r\n";
  for (size_t r = 0; r < routes.size(); ++r) {
    out += csv_field(routes[r]) + "," + csv_field(actions[r]);
    for (size_t c = 0; c < roles.size(); ++c) out += "," + csv_field(cells[r][c]);
    out += "\r\n";
  }
  return out;
}

std::string AccessMatrix::to_html() const {
  const std::string title =
      "Access matrix: " + bundle + " (revision " + revision + "), surface " + surface;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      html_escape(title) +
      "</title>\n<style>\n"
      "body{font-family:system-ui,sans-serif;margin:2rem;color:#1d1d1f}\n"
      "table{border-collapse:collapse}\n"
      "th,td{border:1px solid #ccc;padding:.35rem .6rem;text-align:left;vertical-align:top}\n"
      "th{background:#f3f3f3}\ncode{font-size:.9em}\n"
      "td.allow{background:#dff3e3}\ntd.deny{background:#f8dede}\n"
      "td.conditional{background:#fff2cc}\n.note{display:block;font-size:.8em;color:#555}\n"
      "</style>\n</head>\n<body>\n<h1>" +
      html_escape(title) + "</h1>\n<table>\n<thead><tr><th>route</th><th>action</th>";
  for (const auto& role : roles) out += "<th>" + html_escape(role) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (size_t r = 0; r < routes.size(); ++r) {
    out += "<tr><td><code>" + html_escape(routes[r]) + "</code></td><td><code>" +
           html_escape(actions[r]) + "</code></td>";
    for (size_t c = 0; c < roles.size(); ++c) {
      out += "<td class=\"" + html_escape(cells[r][c]) + "\">" + html_escape(cells[r][c]);
      if (!notes[r][c].empty()) out += "<span class=\"note\">" + html_note(notes[r][c]) + "</span>";
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out +=
      "</tbody>\n</table>\n<p>Each cell is the decision for an active user with that role "
      "alone; &ldquo;conditional&rdquo; means the answer depends on the tenant the route "
      "acts on or on the credentials presented.</p>\n</body>\n</html>\n";
  return out;
}

std::string AccessMatrix::to_json() const {
  ordered_json out;
  out["bundle"] = bundle;
  out["revision"] = revision;
  out["surface"] = surface;
  out["roles"] = roles;
  out["routes"] = routes;
  out["actions"] = actions;
  out["cells"] = cells;
  out["notes"] = notes;
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace cordon
