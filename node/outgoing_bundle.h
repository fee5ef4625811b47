// What a coordinator sends a worker node that may lack a commit: a `git
// bundle` of the commit and its history, less what the node is known to
// hold. git refuses to bundle a bare commit id, so the commit is named by a
// temporary ref under refs/uet/outgoing/ for the bundle's header, deleted
// at once; the node unbundles it (node_work.h, intake).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/expected.h"
#include "engine/environment.h"

namespace uet::node {

/// The bundle's bytes. `tag` names the temporary ref (unique among the
/// bundles being made at once, e.g. the attempt's key); `node_has`: commits
/// the node holds (their history is left out). A commit the node holds,
/// or one in their history, needs no bundle: "".
expected<std::string> outgoing_bundle(engine::environment& env, const std::filesystem::path& repo,
                                      const std::string& commit,
                                      const std::vector<std::string>& node_has,
                                      const std::string& tag);

} // namespace uet::node
