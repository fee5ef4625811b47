// Which workstreams run again (ledger/workstream_inputs.h): the run layer
// reads what the branch and the database recorded of each one's last
// result, and predicts, for `plan` and `run --dry-run`, what a run would
// start and why. The scheduler makes the same comparison when a workstream
// becomes ready, with the commits its dependencies made in this run.
#pragma once

#include <string>
#include <vector>

#include "actors/run_context.h"
#include "base/expected.h"
#include "engine/environment.h"
#include "persistence/database.h"

namespace uet::run {

/// What `--force` asked: nothing, every selected workstream (no ids), or
/// the ones named.
struct force_request {
  bool given = false;
  std::vector<std::string> ids;
};

/// The inputs of each workstream of specs (node order) and the record of
/// its last result: the branch's UET-Input trailers and base (git), the
/// database's workstream_inputs events (db may be null: no database yet).
/// An id in force that is not among specs is bad input.
expected<actors::input_context>
read_inputs(engine::environment& env, const config::project_config& project,
            persistence::database* db, const std::vector<config::workstream_spec>& specs,
            const config::tool_registry& tools, const force_request& force);

using ledger::input_prediction;
using ledger::input_verdict;

/// Per node of specs (node order; dependencies among specs by id).
std::vector<input_prediction> predict_inputs(const actors::input_context& in,
                                             const std::vector<config::workstream_spec>& specs);

} // namespace uet::run
