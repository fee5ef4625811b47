// An executor that starts no process (actors/executor.h): each attempt's
// adapter answers from a script, so the scheduler and the supervisor can be
// driven through retries, breakers and blocked dependents deterministically.
// Plus a patch ledger that commits every patch it gets, and an environment
// that counts the processes anything asked it to start.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/executor.h"
#include "tests/support/test_env.h" // counting_environment

namespace uet::test {

/// What one attempt's tool does.
struct fake_attempt {
  int exit_code = 0;
  std::string diff;   ///< the change it makes; "" changes nothing
  bool hangs = false; ///< answers only when cancelled (cancel_atom), as cancelled
};

class fake_executor final : public actors::executor {
public:
  /// Per workstream, its attempts in order (the last one repeats).
  explicit fake_executor(std::map<std::string, std::vector<fake_attempt>> script)
      : script_(std::move(script)) {}

  expected<actors::attempt_handle> start(caf::local_actor& parent,
                                         const actors::attempt_ticket& t) override;

  /// Attempts started, per workstream, in order, with their numbers.
  std::map<std::string, std::vector<int>> started() const;

private:
  std::map<std::string, std::vector<fake_attempt>> script_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<int>> started_;
};

/// A patch ledger that lands every patch whose test passes: commit "c<n>",
/// head_seq n.
msg::ledger_actor spawn_committing_ledger(caf::actor_system& sys);

} // namespace uet::test
