// Measuring a telemetry scrub profile on a labelled set (see scrub_eval.h).
#include "scrub_eval/scrub_eval.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "cordon/masks.h"

namespace cordon::native {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// A run this long of a planted value still visible counts as a leak: shorter runs are
// common to unrelated text ("+1 (", ".com"), longer ones identify the value.
constexpr size_t kLeakRun = 8;

Error set_error(std::string_view source, size_t line, std::string message) {
  Error err;
  err.kind = ErrorKind::domain;
  err.message = std::move(message);
  err.location.file = std::string(source);
  err.location.line = static_cast<uint32_t>(line);
  return err;
}

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

struct Leaf {
  std::string pointer;
  const Json* value;
};

// Every leaf (string, number, boolean, null) and every object key, with its pointer.
void collect(const Json& node, const std::string& pointer, std::vector<Leaf>& leaves,
             std::vector<std::pair<std::string, std::string>>* keys) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string child = pointer + "/" + escape_pointer_token(it.key());
      if (keys) keys->emplace_back(child, it.key());
      collect(it.value(), child, leaves, keys);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i)
      collect(node[i], pointer + "/" + std::to_string(i), leaves, keys);
  } else {
    leaves.push_back({pointer, &node});
  }
}

std::string leaf_text(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

bool inside(const std::string& pointer, const std::vector<std::string>& containers) {
  for (const auto& c : containers) {
    if (pointer == c) return true;
    if (pointer.size() > c.size() && pointer.compare(0, c.size(), c) == 0 &&
        pointer[c.size()] == '/')
      return true;
  }
  return false;
}

size_t count_occurrences(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size()))
    ++n;
  return n;
}

// Where `value`, or a run of kLeakRun characters of it, is still visible.
struct Leak {
  bool found = false;
  bool whole = false;
  std::string pointer;
};

Leak find_leak(const std::string& value,
               const std::vector<std::pair<std::string, std::string>>& texts) {
  for (const auto& [pointer, text] : texts)
    if (text.find(value) != std::string::npos) return {true, true, pointer};
  if (value.size() <= kLeakRun) return {};
  for (const auto& [pointer, text] : texts)
    for (size_t i = 0; i + kLeakRun <= value.size(); ++i)
      if (text.find(std::string_view(value).substr(i, kLeakRun)) != std::string::npos)
        return {true, false, pointer};
  return {};
}

std::string shorten(std::string text, size_t max = 96) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

std::string percent(size_t part, size_t whole) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", whole ? 100.0 * part / whole : 100.0);
  return buffer;
}

std::string tally_line(const std::string& label, const ScrubTally& t, size_t width) {
  std::string out = "  " + label;
  if (out.size() < width) out.append(width - out.size(), ' ');
  out += " " + std::to_string(t.removed) + "/" + std::to_string(t.planted) + "  (" +
         percent(t.removed, t.planted) + ")\n";
  return out;
}

// Checks a labelled line's shape: only known keys, the right types.
std::optional<std::string> check_line(const Json& line) {
  if (!line.is_object()) return "a labelled event is a JSON object";
  for (auto it = line.begin(); it != line.end(); ++it) {
    const std::string& k = it.key();
    if (k != "id" && k != "event" && k != "planted" && k != "benign" && k != "redacted_whole")
      return "unknown key `" + k + "` (expected id, event, planted, benign, redacted_whole)";
  }
  if (!line.contains("id") || !line["id"].is_string()) return "`id` must be a string";
  if (!line.contains("event") || !line["event"].is_object()) return "`event` must be an object";
  if (!line.contains("planted") || !line["planted"].is_array()) return "`planted` must be an array";
  for (const auto& p : line["planted"]) {
    if (!p.is_object()) return "a planted value is {value, kind, type, where?}";
    for (auto it = p.begin(); it != p.end(); ++it)
      if (it.key() != "value" && it.key() != "kind" && it.key() != "type" && it.key() != "where")
        return "unknown key `" + it.key() +
               "` in a planted value (expected value, kind, type, where)";
    if (!p.contains("value") || !p["value"].is_string() || p["value"].get<std::string>().empty())
      return "a planted `value` must be a non-empty string";
    if (!p.contains("kind") || (p["kind"] != "secret" && p["kind"] != "pii"))
      return "a planted `kind` must be \"secret\" or \"pii\"";
    if (!p.contains("type") || !p["type"].is_string()) return "a planted `type` must be a string";
    if (p.contains("where") && !p["where"].is_string()) return "`where` must be a string";
  }
  for (const char* list : {"benign", "redacted_whole"}) {
    if (!line.contains(list)) continue;
    if (!line[list].is_array()) return std::string("`") + list + "` must be an array of strings";
    for (const auto& v : line[list])
      if (!v.is_string() || v.get<std::string>().empty())
        return std::string("`") + list + "` must be an array of non-empty strings";
  }
  return std::nullopt;
}

}  // namespace

double ScrubEvaluation::secrets_percent() const {
  return secrets.planted ? 100.0 * secrets.removed / secrets.planted : 100.0;
}
double ScrubEvaluation::pii_percent() const {
  return pii.planted ? 100.0 * pii.removed / pii.planted : 100.0;
}
double ScrubEvaluation::false_positive_percent() const {
  return untouchable_values ? 100.0 * false_positives.size() / untouchable_values : 0.0;
}

Result<ScrubEvaluation> evaluate_scrubbing(const Bundle& bundle, std::string_view labelled_jsonl,
                                           std::string_view profile, std::string_view source_name) {
  ScrubEvaluation out;
  out.source = std::string(source_name);
  out.profile = std::string(profile);
  out.bundle = bundle.name() + "@" + bundle.revision();
  std::set<std::string> ids;
  size_t line_number = 0;
  size_t begin = 0;
  while (begin < labelled_jsonl.size()) {
    size_t end = labelled_jsonl.find('\n', begin);
    if (end == std::string_view::npos) end = labelled_jsonl.size();
    std::string_view text = labelled_jsonl.substr(begin, end - begin);
    begin = end + 1;
    ++line_number;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;

    Json line = Json::parse(text, nullptr, false);
    if (line.is_discarded()) return set_error(source_name, line_number, "not valid JSON");
    if (auto problem = check_line(line)) return set_error(source_name, line_number, *problem);
    const std::string id = line["id"].get<std::string>();
    if (!ids.insert(id).second)
      return set_error(source_name, line_number, "duplicate event id `" + id + "`");
    const Json& event = line["event"];
    std::vector<std::string> whole;
    if (line.contains("redacted_whole"))
      for (const auto& p : line["redacted_whole"]) {
        whole.push_back(p.get<std::string>());
        if (!event.contains(Json::json_pointer(whole.back())))
          return set_error(source_name, line_number,
                           "`redacted_whole` names `" + whole.back() + "`, not in the event");
      }

    std::vector<Leaf> leaves;
    collect(event, "", leaves, nullptr);
    std::vector<std::string> planted;
    for (const auto& p : line["planted"]) planted.push_back(p["value"].get<std::string>());
    for (const auto& value : planted) {
      bool present = false;
      for (const auto& leaf : leaves)
        present = present || leaf_text(*leaf.value).find(value) != std::string::npos;
      if (!present)
        return set_error(source_name, line_number,
                         "event `" + id + "`: a planted value is not in the event");
    }

    Result<ScrubbedEvent> scrubbed = scrub_telemetry(bundle, event.dump(), profile);
    if (!scrubbed)
      return set_error(source_name, line_number,
                       "event `" + id + "`: " + scrubbed.error().to_string());
    const Json after = Json::parse(scrubbed->event_json);
    ++out.events;

    // Everything still visible: keys, string values, numbers and booleans as text.
    std::vector<Leaf> after_leaves;
    std::vector<std::pair<std::string, std::string>> visible;
    collect(after, "", after_leaves, &visible);
    for (const auto& leaf : after_leaves)
      visible.emplace_back(leaf.pointer, leaf_text(*leaf.value));

    for (const auto& p : line["planted"]) {
      const std::string value = p["value"].get<std::string>();
      const std::string kind = p["kind"].get<std::string>();
      const std::string type = p["type"].get<std::string>();
      const std::string where = p.value("where", "unspecified");
      Leak leak = find_leak(value, visible);
      for (ScrubTally* t : {kind == "secret" ? &out.secrets : &out.pii,
                            &out.by_type[kind + " " + type], &out.by_where[kind + " " + where]}) {
        ++t->planted;
        if (!leak.found) ++t->removed;
      }
      if (leak.found)
        out.misses.push_back({id, kind, type, where, value, leak.pointer, leak.whole});
    }

    // The values scrubbing must leave alone.
    for (const auto& leaf : leaves) {
      const std::string text = leaf_text(*leaf.value);
      bool is_planted = false;
      for (const auto& value : planted)
        is_planted = is_planted || text.find(value) != std::string::npos;
      if (is_planted) continue;
      if (inside(leaf.pointer, whole)) {
        ++out.redacted_by_design;
        continue;
      }
      ++out.untouchable_values;
      const Json::json_pointer pointer(leaf.pointer);
      if (!after.contains(pointer)) {
        out.false_positives.push_back({id, leaf.pointer, leaf.value->dump(), "(removed)"});
      } else if (after.at(pointer) != *leaf.value) {
        out.false_positives.push_back(
            {id, leaf.pointer, leaf.value->dump(), after.at(pointer).dump()});
      }
    }

    if (line.contains("benign")) {
      for (const auto& b : line["benign"]) {
        const std::string value = b.get<std::string>();
        size_t before = 0;
        for (const auto& leaf : leaves)
          if (!inside(leaf.pointer, whole))
            before += count_occurrences(leaf_text(*leaf.value), value);
        if (before == 0)
          return set_error(source_name, line_number,
                           "event `" + id + "`: benign value `" + value +
                               "` does not occur outside the `redacted_whole` containers");
        size_t kept = 0;
        for (const auto& leaf : after_leaves)
          kept += count_occurrences(leaf_text(*leaf.value), value);
        ++out.benign;
        if (kept >= before)
          ++out.benign_kept;
        else
          out.lost_benign.push_back({id, value});
      }
    }
  }
  if (out.events == 0) return set_error(source_name, 0, "no labelled events");
  return out;
}

std::string ScrubEvaluation::to_text() const {
  std::ostringstream s;
  s << "telemetry scrub evaluation: " << source << ", profile " << profile << ", bundle " << bundle
    << "\n";
  s << "events:                " << events << "\n";
  s << "secrets removed:       " << secrets.removed << "/" << secrets.planted << "  ("
    << percent(secrets.removed, secrets.planted) << ")\n";
  s << "PII removed:           " << pii.removed << "/" << pii.planted << "  ("
    << percent(pii.removed, pii.planted) << ")\n";
  s << "false positives:       " << false_positives.size() << "/" << untouchable_values
    << " values that were neither planted nor redacted by design were changed  ("
    << percent(false_positives.size(), untouchable_values) << ")\n";
  s << "benign values kept:    " << benign_kept << "/" << benign << "\n";
  s << "redacted by design:    " << redacted_by_design
    << " other values inside whole-redacted containers (bodies, cookies; not counted)\n";
  size_t width = 0;
  for (const auto& [label, t] : by_type) width = std::max(width, label.size() + 2);
  for (const auto& [label, t] : by_where) width = std::max(width, label.size() + 2);
  s << "by type:\n";
  for (const auto& [label, t] : by_type) s << tally_line(label, t, width);
  s << "by place:\n";
  for (const auto& [label, t] : by_where) s << tally_line(label, t, width);
  s << "misses: " << misses.size() << "\n";
  for (const auto& m : misses)
    s << "  " << m.event_id << "  " << m.kind << " " << m.type << " (" << m.where << ") "
      << (m.whole ? "left whole" : "partly left") << " at " << m.found_at << ": "
      << shorten(m.value) << "\n";
  s << "false positives: " << false_positives.size() << "\n";
  for (const auto& f : false_positives)
    s << "  " << f.event_id << "  " << f.pointer << ": " << shorten(f.before, 60) << " -> "
      << shorten(f.after, 60) << "\n";
  if (!lost_benign.empty()) {
    s << "benign values lost: " << lost_benign.size() << "\n";
    for (const auto& l : lost_benign) s << "  " << l.event_id << "  " << shorten(l.value) << "\n";
  }
  return s.str();
}

std::string ScrubEvaluation::to_json() const {
  auto tally = [](const ScrubTally& t) {
    return OrderedJson{{"removed", t.removed}, {"planted", t.planted}};
  };
  OrderedJson out;
  out["source"] = source;
  out["profile"] = profile;
  out["bundle"] = bundle;
  out["events"] = events;
  out["secrets"] = tally(secrets);
  out["pii"] = tally(pii);
  out["falsePositives"] = {{"changed", false_positives.size()},
                           {"untouchable", untouchable_values},
                           {"redactedByDesign", redacted_by_design}};
  out["benign"] = {{"kept", benign_kept}, {"total", benign}};
  out["byType"] = OrderedJson::object();
  for (const auto& [label, t] : by_type) out["byType"][label] = tally(t);
  out["byPlace"] = OrderedJson::object();
  for (const auto& [label, t] : by_where) out["byPlace"][label] = tally(t);
  out["misses"] = OrderedJson::array();
  for (const auto& m : misses)
    out["misses"].push_back({{"event", m.event_id},
                             {"kind", m.kind},
                             {"type", m.type},
                             {"where", m.where},
                             {"value", m.value},
                             {"foundAt", m.found_at},
                             {"whole", m.whole}});
  out["falsePositiveValues"] = OrderedJson::array();
  for (const auto& f : false_positives)
    out["falsePositiveValues"].push_back(
        {{"event", f.event_id}, {"pointer", f.pointer}, {"before", f.before}, {"after", f.after}});
  out["lostBenign"] = OrderedJson::array();
  for (const auto& l : lost_benign)
    out["lostBenign"].push_back({{"event", l.event_id}, {"value", l.value}});
  return out.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace cordon::native
