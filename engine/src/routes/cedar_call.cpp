// The Cedar call behind a route decision, written out so that any Cedar can replay it:
// the request and the entities (RouteDecision::cedar_call) and the policies
// (route_policies_text). Auditors replay decisions with it; bench/ gives the same calls to
// Cedar's own implementation.
#include <algorithm>
#include <map>
#include <set>

#include "cedar/est.h"
#include "cedar/parser.h"
#include "routes/route_evaluation.h"
#include "routes/route_table.h"

namespace cordon {

namespace {

using nlohmann::ordered_json;

ordered_json entity_json(const detail::Entity& entity) {
  ordered_json out;
  out["uid"] = cedar::uid_to_json(entity.uid);
  out["attrs"] = cedar::value_to_json(entity.attrs);
  out["parents"] = ordered_json::array();
  for (const auto& parent : entity.parents) out["parents"].push_back(cedar::uid_to_json(parent));
  if (entity.tags.is_record() && !entity.tags.as_record().empty())
    out["tags"] = cedar::value_to_json(entity.tags);
  return out;
}

// The entities of a store and the stores below it, a nearer store's entity hiding a farther
// one's with the same uid; each store's entities sorted by uid, the farthest store first.
ordered_json entities_json(const detail::EntityStore& top) {
  std::vector<const detail::EntityStore*> stores;
  for (const detail::EntityStore* s = &top; s; s = s->base) stores.push_back(s);
  ordered_json out = ordered_json::array();
  for (auto store = stores.rbegin(); store != stores.rend(); ++store) {
    std::vector<const detail::Entity*> sorted;
    for (const auto& entity : **store)
      if (top.find(entity.uid) == &entity) sorted.push_back(&entity);
    std::sort(sorted.begin(), sorted.end(),
              [](const detail::Entity* a, const detail::Entity* b) { return a->uid < b->uid; });
    for (const detail::Entity* entity : sorted) out.push_back(entity_json(*entity));
  }
  return out;
}

Error text_error(std::string message) {
  Error err;
  err.kind = ErrorKind::domain;
  err.message = std::move(message);
  return err;
}

}  // namespace

namespace routes {

std::string cedar_call_json(const detail::RequestData& request,
                            const detail::EntityStore& entities) {
  ordered_json call;
  call["principal"] = cedar::uid_to_json(request.principal.as_entity());
  call["action"] = cedar::uid_to_json(request.action.as_entity());
  call["resource"] = cedar::uid_to_json(request.resource.as_entity());
  call["context"] = cedar::value_to_json(request.context);
  call["entities"] = entities_json(entities);
  return call.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace routes

Result<std::string> route_policies_text(const Bundle& bundle, const BundleFiles& files) {
  const domain::BundleData& data = bundle.data();
  if (!data.routes) return text_error("bundle `" + data.manifest.name + "` has no route table");
  // Where each policy of each file starts: a policy's text runs to the next one's start.
  std::map<std::string, std::set<uint32_t>> starts;
  for (const auto& policy : data.policies.data().policies)
    starts[policy.body->location.file].insert(policy.body->location.offset);
  const std::vector<cedar::Policy>& route_policies = data.routes->route_policies().policies;
  std::string text;
  for (const auto& policy : route_policies) {
    const SourceLocation& at = policy.body->location;
    auto file = files.find(at.file);
    if (file == files.end())
      return text_error("the bundle's policy file `" + at.file + "` is not among the files given");
    const std::string& source = file->second;
    auto next = starts[at.file].upper_bound(at.offset);
    size_t end = next == starts[at.file].end() ? source.size() : *next;
    if (at.offset > source.size() || end > source.size())
      return text_error("the policy file `" + at.file +
                        "` is not the one the bundle was loaded from");
    std::string piece = source.substr(at.offset, end - at.offset);
    while (!piece.empty() && (piece.back() == ' ' || piece.back() == '\n' || piece.back() == '\r' ||
                              piece.back() == '\t'))
      piece.pop_back();
    text += piece + "\n\n";
  }
  // The cut text must hold exactly the route policies, in order.
  auto parsed = cedar::parse_policies(text, "route policies");
  bool same = parsed && parsed->size() == route_policies.size();
  for (size_t i = 0; same && i < route_policies.size(); ++i) {
    const cedar::PolicyBody& body = *(*parsed)[i].body;
    const std::string* id = body.annotation("id");
    same = body.effect == route_policies[i].body->effect && id && *id == route_policies[i].id;
  }
  if (!same)
    return text_error("the policy files given are not the ones bundle `" + data.manifest.name +
                      "` was loaded from");
  return text;
}

}  // namespace cordon
