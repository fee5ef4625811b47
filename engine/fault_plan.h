// Faults injected into a real run (`--inject SPEC --seed N`): the spec's
// grammar, and the decision whether one call fails.
//
// SPEC is `;`-separated rules `site:kind[:p=P][:after=N][:times=N][:tool=ID][:ws=ID]`.
// Whether a call fails is a function of (seed, site, kind, workstream,
// attempt, ordinal), never of a shared random stream, so which attempt of
// which workstream fails does not depend on how the workers interleave.
// `ordinal` is 0 for calls that belong to one attempt (a tool run, a patch);
// calls that belong to no workstream (a database commit, a ledger git
// command) count their site's calls instead, and `after`/`times` count the
// calls a rule matched. Those counts follow the order calls arrive in, so
// they are as repeatable as that order is (docs/reliability.md).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace uet::engine {

/// `uet-actors __fault KIND SEED -- ARGV...`: the binary itself runs a tool
/// under an adapter fault (cli/fault_shim.cpp), so the fault is a real
/// process that crashes, hangs, exits or litters, not a faked result.
inline constexpr const char* fault_shim_command = "__fault";

/// check: the adapter actor dies as an acceptance check ends, before its
/// verdict reaches the ledger (the patch in the gate). Last: the others
/// keep their numbers.
enum class fault_site : std::uint8_t { adapter, persistence, patch, actor, git, check };
enum class fault_kind : std::uint8_t {
  crash,    ///< adapter: the tool is killed by a signal; actor: the actor dies
  hang,     ///< adapter: the tool never exits
  exit,     ///< adapter: the tool exits non-zero
  garbage,  ///< adapter: junk output and junk files in and outside the scope
  slow,     ///< adapter: the tool takes ten times as long
  busy,     ///< persistence: SQLITE_BUSY on a batch commit
  ioerr,    ///< persistence: SQLITE_IOERR on a batch commit
  full,     ///< persistence: SQLITE_FULL on a batch commit
  corrupt,  ///< patch: the diff is damaged before validation
  conflict, ///< patch: the patch no longer applies where the ledger puts it
  fail,     ///< git: a git command of the ledger fails
};

const char* to_string(fault_site s);
const char* to_string(fault_kind k);
std::optional<fault_site> parse_fault_site(std::string_view s);
std::optional<fault_kind> parse_fault_kind(std::string_view s);

struct fault_rule {
  fault_site site = fault_site::adapter;
  fault_kind kind = fault_kind::exit;
  double p = 1.0;
  std::uint64_t after = 0;            ///< the first `after` matching calls pass
  std::optional<std::uint64_t> times; ///< at most this many faults from this rule
  std::optional<std::string> tool;    ///< only calls for this tool
  std::optional<std::string> ws;      ///< only calls for this workstream
  std::string text;                   ///< as written, for messages
};

struct fault_plan {
  std::vector<fault_rule> rules;
  std::uint64_t seed = 0;
  std::string spec; ///< as given (normalized: no empty rules)
  bool empty() const { return rules.empty(); }
};

/// Parses SPEC; a failure (kind bad_input) names the rule and the part.
/// "" and "none" are the empty plan.
expected<fault_plan> parse_fault_spec(std::string_view spec, std::uint64_t seed);

/// One call that may fail.
struct fault_call {
  fault_site site = fault_site::adapter;
  std::string workstream; ///< "" when the call belongs to none
  std::string tool;
  int attempt = 0;
  std::uint64_t ordinal = 0;
  /// The kinds this call can take (the ledger's `git apply` can conflict,
  /// not be corrupted); empty: any of its site's.
  std::vector<fault_kind> kinds = {};
};

/// A number in [0, 1) fixed by the seed and the call (splitmix64 over FNV-1a).
double fault_draw(std::uint64_t seed, const fault_rule& rule, const fault_call& call);

/// patch:corrupt's damage: a line no unified diff may hold, put inside the
/// first hunk (or before the first header when there is none), so the
/// ledger's parser refuses the patch instead of applying part of it.
std::string damage_diff(std::string diff);

/// An injected fault, as the run records it (event fault_injected).
struct fault_notice {
  fault_site site = fault_site::adapter;
  fault_kind kind = fault_kind::exit;
  std::string workstream;
  int attempt = 0;
  std::string detail;
};

/// The run's injector: decides calls against the plan, counts what rules
/// matched, and tells `sink` of each fault. Thread-safe.
class fault_injector {
public:
  explicit fault_injector(fault_plan plan);

  /// Where notices go (set once the run's actors exist; before, none go).
  void set_sink(std::function<void(const fault_notice&)> sink);

  /// The kind to inject into this call, if any. Calls of sites that count
  /// (ordinal) get their ordinal here when call.ordinal is 0 and there is
  /// no workstream.
  std::optional<fault_kind> decide(fault_call call, const std::string& detail = {});

  /// Decides without telling the sink: the caller reports with notify()
  /// once it knows what the fault did.
  std::optional<fault_kind> peek(fault_call call);
  void notify(const fault_notice& n);

  /// "adapter:crash, patch:corrupt": the faults injected into one attempt
  /// so far ("" for none), so a failure's reason can name them.
  std::string injected_into(const std::string& workstream, int attempt);

  const fault_plan& plan() const { return plan_; }
  bool targets(fault_site s) const;

private:
  fault_plan plan_;
  std::mutex mu_;
  std::vector<std::uint64_t> matched_; ///< per rule
  std::vector<std::uint64_t> fired_;   ///< per rule
  std::map<fault_site, std::uint64_t> calls_;
  std::map<std::pair<std::string, int>, std::string> by_attempt_;
  std::function<void(const fault_notice&)> sink_;
};

} // namespace uet::engine
