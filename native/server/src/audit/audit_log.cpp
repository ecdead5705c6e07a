// The audit log (audit_log.h): appending sealed entries, filtered reads, and verification
// of the hash chain, naming every entry altered, missing, inserted or reordered.
#include "cordon/server/audit_log.h"

#include <chrono>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "audit/audit_chain.h"
#include "cordon/bundle_catalog.h"
#include "json/located_json.h"
#include "text/utf8.h"

namespace cordon::server {

namespace {

Error make_error(ErrorKind kind, std::string message) {
  Error error;
  error.kind = kind;
  error.message = std::move(message);
  return error;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Identifiers people read in audit views: UTF-8, no control characters, bounded.
std::optional<Error> check_text(const char* field, const std::string& value, bool required) {
  if (required && value.empty())
    return make_error(ErrorKind::domain, std::string("audit entry: `") + field + "` is required");
  if (value.size() > kMaxAuditFieldBytes)
    return make_error(ErrorKind::limit, std::string("audit entry: `") + field +
                                            "` is longer than " +
                                            std::to_string(kMaxAuditFieldBytes) + " bytes");
  if (!text::is_valid_utf8(value))
    return make_error(ErrorKind::domain,
                      std::string("audit entry: `") + field + "` is not valid UTF-8");
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f)
      return make_error(ErrorKind::domain,
                        std::string("audit entry: `") + field + "` holds a control character");
  return std::nullopt;
}

Result<std::string> canonical_details(const std::string& details) {
  if (details.size() > kMaxAuditDetailsBytes)
    return make_error(ErrorKind::limit, "audit entry: `details` is longer than " +
                                            std::to_string(kMaxAuditDetailsBytes) + " bytes");
  auto doc = json::LocatedJson::parse(details.empty() ? "{}" : details, "details");
  if (!doc) return doc.error();
  if (!doc->root().is_object())
    return make_error(ErrorKind::domain, "audit entry: `details` must be a JSON object");
  return doc->root().dump();
}

}  // namespace

AuditLog::AuditLog(std::shared_ptr<AuditStore> store) : store_(std::move(store)) {}

AuditLog::AuditLog(std::shared_ptr<AuditStore> store, Bundle bundle)
    : store_(std::move(store)), bundle_(std::move(bundle)) {}

std::optional<Error> AuditLog::check_record(const AuditRecord& record) const {
  if (!bundle_)
    return make_error(ErrorKind::domain,
                      "audit log opened without a bundle: appends need its audit_actions");
  if (!has_audit_action(*bundle_, record.action)) {
    std::string known;
    for (const auto& action : audit_actions(*bundle_))
      known += (known.empty() ? "`" : ", `") + action + "`";
    return make_error(ErrorKind::domain, "unknown audit action `" + record.action + "` (bundle `" +
                                             bundle_->name() + "` declares " +
                                             (known.empty() ? std::string("none") : known) + ")");
  }
  if (auto e = check_text("actor", record.actor, true)) return e;
  if (auto e = check_text("tenant", record.tenant, true)) return e;
  if (auto e = check_text("target", record.target, false)) return e;
  // Years 0000 to 9999, so every time has an RFC 3339 spelling.
  if (record.time_ms && (*record.time_ms < -62167219200000 || *record.time_ms > 253402300799999))
    return make_error(ErrorKind::domain, "audit entry: `time` is outside the years 0000 to 9999");
  return std::nullopt;
}

Result<std::vector<AuditEntry>> AuditLog::append_all(const std::vector<AuditRecord>& records) {
  std::vector<AuditEntry> prepared;
  prepared.reserve(records.size());
  const int64_t now = now_ms();
  for (const AuditRecord& record : records) {
    if (auto e = check_record(record)) return *e;
    auto details = canonical_details(record.details_json);
    if (!details) return details.error();
    AuditEntry entry;
    entry.kind = "entry";
    entry.time_ms = record.time_ms.value_or(now);
    entry.action = record.action;
    entry.actor = record.actor;
    entry.tenant = record.tenant;
    entry.target = record.target;
    entry.details = std::move(details).value();
    prepared.push_back(std::move(entry));
  }
  if (prepared.empty()) return prepared;
  return store_->append([&](const ChainHead& head) -> Result<std::vector<AuditEntry>> {
    std::vector<AuditEntry> sealed = prepared;
    std::string prev = head.hash;
    int64_t seq = head.seq;
    for (AuditEntry& entry : sealed) {
      entry.seq = ++seq;
      entry.prev_hash = prev;
      entry.hash = audit::entry_hash(entry);
      prev = entry.hash;
    }
    return sealed;
  });
}

Result<AuditEntry> AuditLog::append(const AuditRecord& record) {
  auto entries = append_all({record});
  if (!entries) return entries.error();
  return entries->front();
}

Result<std::vector<AuditEntry>> AuditLog::query(const AuditFilter& filter) const {
  std::vector<AuditEntry> entries;
  if (auto e = store_->query(filter, [&](const AuditEntry& entry) {
        entries.push_back(entry);
        return true;
      }))
    return *e;
  return entries;
}

Result<ChainHead> AuditLog::head() const {
  return store_->head();
}

// --- Verification ------------------------------------------------------------------------

namespace {

std::string range_text(int64_t first, int64_t last) {
  return first == last ? "entry " + std::to_string(first)
                       : "entries " + std::to_string(first) + ".." + std::to_string(last);
}

std::string short_hash(const std::string& hash) {
  return hash.size() > 16 ? hash.substr(0, 16) + "..." : hash;
}

class ChainVerifier {
 public:
  // Entries that fail their hash are kept for the second pass up to this many; beyond it
  // they are reported as altered without looking for where they belong.
  static constexpr size_t kMaxSuspects = 10000;

  explicit ChainVerifier(const VerifyOptions& options) : options_(options) {}

  void on_head(const ChainHead& head) { report_.head = head; }

  void on_run(const PrunedRun& run) { runs_.emplace(run.first_seq, run); }

  bool on_entry(const AuditEntry& entry) {
    ++report_.entries;
    if (const PrunedRun* run = covering_run(entry.seq)) {
      // An entry moved into a pruned gap fails its hash there: the second pass says where it
      // belongs. One that hashes correctly was put there as it is.
      if (audit::entry_hash(entry) != entry.hash && suspects_.size() < kMaxSuspects) {
        suspects_.push_back(entry);
        suspect_seqs_.insert(entry.seq);
        return true;
      }
      add(entry.seq, entry.seq, "inserted",
          "entry " + std::to_string(entry.seq) + " is present although checkpoint " +
              std::to_string(run->checkpoint_seq) + " recorded " +
              range_text(run->first_seq, run->last_seq) + " as pruned (inserted)");
      return true;
    }
    if (entry.seq > last_seq_ + 1) cover_gap(last_seq_ + 1, entry.seq - 1);
    if (entry.kind == "checkpoint") {
      ++report_.checkpoints;
      checkpoints_.emplace(entry.seq, entry.details);
    }
    if (options_.anchor && entry.seq == options_.anchor->seq) {
      anchor_seen_ = true;
      if (entry.hash != options_.anchor->hash)
        add(entry.seq, entry.seq, "anchor",
            "entry " + std::to_string(entry.seq) + " has hash " + short_hash(entry.hash) +
                ", not the anchored " + short_hash(options_.anchor->hash) +
                " (the chain was rewritten)");
    }
    const bool content_ok = audit::entry_hash(entry) == entry.hash;
    if (!content_ok && suspects_.size() >= kMaxSuspects) {
      add(entry.seq, entry.seq, "altered",
          "entry " + std::to_string(entry.seq) + " does not match its hash " +
              short_hash(entry.hash) + " (altered or moved)");
      suspect_seqs_.insert(entry.seq);
    } else if (!content_ok) {
      suspects_.push_back(entry);
      suspect_seqs_.insert(entry.seq);
    } else if (expected_prev_ && entry.prev_hash != *expected_prev_ && !previous_suspect_) {
      add(entry.seq, entry.seq, "broken_link",
          "entry " + std::to_string(entry.seq) + " is chained to " + short_hash(entry.prev_hash) +
              ", but the entry before it has hash " + short_hash(*expected_prev_) +
              " (an entry before it was altered, removed or inserted)");
    }
    previous_suspect_ = !content_ok;
    expected_prev_ = entry.hash;
    last_seq_ = entry.seq;
    return true;
  }

  // After the scan: the tail against the recorded head, runs never reached, checkpoints'
  // digests. Returns the hashes whose owners classify the suspects (see classify()).
  void finish_scan() {
    const ChainHead& head = report_.head;
    if (last_seq_ < head.seq) cover_gap(last_seq_ + 1, head.seq);
    if (last_seq_ > head.seq) {
      add(head.seq + 1, last_seq_, "inserted",
          range_text(head.seq + 1, last_seq_) + " follow the recorded head (entry " +
              std::to_string(head.seq) + "): written outside the log (inserted)");
    } else if (expected_prev_ && last_seq_ == head.seq && *expected_prev_ != head.hash &&
               !suspect_seqs_.count(head.seq)) {
      add(head.seq, head.seq, "head",
          "entry " + std::to_string(head.seq) + " has hash " + short_hash(*expected_prev_) +
              ", not the recorded head's " + short_hash(head.hash) + " (altered)");
    }
    for (const auto& [first, run] : runs_) {
      if (!used_runs_.count(first))
        add(run.first_seq, run.last_seq, "checkpoint",
            "checkpoint " + std::to_string(run.checkpoint_seq) + " records " +
                range_text(run.first_seq, run.last_seq) +
                " as pruned, beyond the end of the chain");
    }
    check_checkpoint_digests();
    if (options_.anchor && !anchor_seen_ && options_.anchor->seq > 0) {
      // A pruned anchor can be checked only when it ended its run (the run keeps that hash).
      const PrunedRun* run = covering_run(options_.anchor->seq);
      const bool checkable = !run || run->last_seq == options_.anchor->seq;
      if (checkable && !(run && run->last_hash == options_.anchor->hash))
        add(options_.anchor->seq, options_.anchor->seq, "anchor",
            "the anchored entry " + std::to_string(options_.anchor->seq) +
                " is not in the chain with hash " + short_hash(options_.anchor->hash) +
                " (the chain was rewritten or truncated)");
    }
  }

  // The hashes the suspects are chained to; their owners tell where each suspect belongs.
  std::set<std::string> wanted_hashes() const {
    std::set<std::string> wanted;
    for (const auto& suspect : suspects_) wanted.insert(suspect.prev_hash);
    return wanted;
  }
  bool has_suspects() const { return !suspects_.empty(); }

  // An entry whose content does not match its own hash is either altered in place or moved:
  // an intact entry moved to another position hashes correctly with the seq it was sealed
  // at, the one after the owner of its prev_hash.
  void classify(const std::unordered_map<std::string, int64_t>& owners) {
    // Suspects in seq order; an owner that was itself moved counts at its own place, so a
    // run of entries shifted by an insertion is recognised entry after entry.
    std::map<int64_t, int64_t> moved_from;  // position -> the seq it was sealed at
    for (const AuditEntry& suspect : suspects_) {
      auto owner = owners.find(suspect.prev_hash);
      std::optional<int64_t> home;
      if (suspect.prev_hash == audit::kGenesisHash) home = 1;
      if (owner != owners.end()) {
        auto moved = moved_from.find(owner->second);
        home = (moved != moved_from.end() ? moved->second : owner->second) + 1;
      }
      if (home && *home != suspect.seq) {
        AuditEntry moved = suspect;
        moved.seq = *home;
        if (audit::entry_hash(moved) == suspect.hash) {
          moved_from[suspect.seq] = *home;
          add(suspect.seq, suspect.seq, "reordered",
              "the entry at position " + std::to_string(suspect.seq) + " is entry " +
                  std::to_string(*home) + ", moved from its place (reordered)");
          // Shifted up by one with an intact entry in front of it: that entry was inserted.
          if (*home == suspect.seq - 1 && !suspect_seqs_.count(suspect.seq - 1) &&
              !inserted_reported_.count(suspect.seq - 1)) {
            inserted_reported_.insert(suspect.seq - 1);
            add(suspect.seq - 1, suspect.seq - 1, "inserted",
                "the entry at position " + std::to_string(suspect.seq - 1) +
                    " takes the place of entry " + std::to_string(*home) +
                    ", which now follows it (inserted)");
          }
          continue;
        }
      }
      if (const PrunedRun* run = covering_run(suspect.seq)) {
        add(suspect.seq, suspect.seq, "inserted",
            "entry " + std::to_string(suspect.seq) + " is present although checkpoint " +
                std::to_string(run->checkpoint_seq) + " recorded " +
                range_text(run->first_seq, run->last_seq) + " as pruned (inserted)");
        continue;
      }
      add(suspect.seq, suspect.seq, "altered",
          "entry " + std::to_string(suspect.seq) + " does not match its hash " +
              short_hash(suspect.hash) + " (altered)");
    }
  }

  const std::map<int64_t, PrunedRun>& runs() const { return runs_; }

  VerifyReport take_report() {
    std::stable_sort(report_.problems.begin(), report_.problems.end(),
                     [](const VerifyProblem& a, const VerifyProblem& b) { return a.seq < b.seq; });
    report_.ok = report_.problem_count == 0;
    return std::move(report_);
  }

 private:
  void add(int64_t seq, int64_t last, std::string kind, std::string message) {
    ++report_.problem_count;
    if (report_.problems.size() < options_.max_problems)
      report_.problems.push_back({seq, last, std::move(kind), std::move(message)});
  }

  const PrunedRun* covering_run(int64_t seq) const {
    auto it = runs_.upper_bound(seq);
    if (it == runs_.begin()) return nullptr;
    --it;
    return seq <= it->second.last_seq ? &it->second : nullptr;
  }

  // Entries from..to are absent: each must be covered by a pruned run, in chain order.
  void cover_gap(int64_t from, int64_t to) {
    int64_t pos = from;
    while (pos <= to) {
      auto it = runs_.find(pos);
      if (it == runs_.end()) {
        auto next = runs_.lower_bound(pos);
        const int64_t end = (next != runs_.end() && next->first <= to) ? next->first - 1 : to;
        add(pos, end, "missing",
            range_text(pos, end) + (pos == end ? " is" : " are") +
                " missing and no checkpoint records pruning " + (pos == end ? "it" : "them") +
                " (deleted)");
        expected_prev_.reset();
        previous_suspect_ = false;
        pos = end + 1;
        continue;
      }
      const PrunedRun& run = it->second;
      used_runs_.insert(run.first_seq);
      report_.pruned += run.last_seq - run.first_seq + 1;
      if (expected_prev_ && run.prev_hash != *expected_prev_ && !previous_suspect_)
        add(run.first_seq, run.last_seq, "checkpoint",
            range_text(run.first_seq, run.last_seq) + ", pruned by checkpoint " +
                std::to_string(run.checkpoint_seq) + ", do not follow the entry before them");
      previous_suspect_ = false;
      expected_prev_ = run.last_hash;
      pos = run.last_seq + 1;
    }
  }

  void check_checkpoint_digests() {
    std::map<int64_t, std::vector<PrunedRun>> by_checkpoint;
    for (const auto& [first, run] : runs_) by_checkpoint[run.checkpoint_seq].push_back(run);
    for (const auto& [seq, runs] : by_checkpoint) {
      if (!checkpoints_.count(seq)) {
        add(runs.front().first_seq, runs.back().last_seq, "checkpoint",
            "pruned " + range_text(runs.front().first_seq, runs.back().last_seq) +
                " name checkpoint " + std::to_string(seq) + ", which is not a checkpoint entry");
      }
    }
    for (const auto& [seq, details] : checkpoints_) {
      if (suspect_seqs_.count(seq)) continue;  // already reported: its content was altered
      const nlohmann::json doc = nlohmann::json::parse(details, nullptr, false);
      const std::string recorded =
          doc.is_object() && doc.contains("runsDigest") && doc["runsDigest"].is_string()
              ? doc["runsDigest"].get<std::string>()
              : "";
      auto it = by_checkpoint.find(seq);
      const std::string actual =
          audit::runs_digest(it == by_checkpoint.end() ? std::vector<PrunedRun>{} : it->second);
      if (recorded != actual)
        add(seq, seq, "checkpoint",
            "the pruned runs recorded for checkpoint " + std::to_string(seq) +
                " do not match its digest (the record of pruned entries was altered)");
    }
  }

  const VerifyOptions& options_;
  VerifyReport report_;
  std::map<int64_t, PrunedRun> runs_;
  std::set<int64_t> used_runs_;
  std::map<int64_t, std::string> checkpoints_;  // seq -> details
  std::optional<std::string> expected_prev_ = audit::kGenesisHash;
  int64_t last_seq_ = 0;
  bool previous_suspect_ = false;
  bool anchor_seen_ = false;
  std::vector<AuditEntry> suspects_;
  std::set<int64_t> suspect_seqs_;
  std::set<int64_t> inserted_reported_;
};

}  // namespace

Result<VerifyReport> AuditLog::verify(const VerifyOptions& options) const {
  ChainVerifier verifier(options);
  AuditStore::ChainVisitor visitor;
  visitor.head = [&](const ChainHead& head) { verifier.on_head(head); };
  visitor.run = [&](const PrunedRun& run) { verifier.on_run(run); };
  visitor.entry = [&](const AuditEntry& entry) { return verifier.on_entry(entry); };
  if (auto e = store_->scan_chain(visitor)) return *e;
  verifier.finish_scan();
  if (verifier.has_suspects()) {
    // A second pass finds which entry each suspect is chained to.
    const std::set<std::string> wanted = verifier.wanted_hashes();
    std::unordered_map<std::string, int64_t> owners;
    for (const auto& [first, run] : verifier.runs())
      if (wanted.count(run.last_hash)) owners.emplace(run.last_hash, run.last_seq);
    AuditStore::ChainVisitor second;
    second.entry = [&](const AuditEntry& entry) {
      if (wanted.count(entry.hash)) owners.emplace(entry.hash, entry.seq);
      return true;
    };
    if (auto e = store_->scan_chain(second)) return *e;
    verifier.classify(owners);
  }
  return verifier.take_report();
}

}  // namespace cordon::server
