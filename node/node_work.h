// What a node does with an edit request, blocking (a detached actor calls
// it): its own repository (work_dir/repo, made on first use), the commits a
// request brings as a git bundle, and the local edit_request built from the
// node's own tool registry, never from a command line it was sent.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "base/expected.h"
#include "config/tools.h"
#include "engine/environment.h"
#include "ledger/worktree_pool.h"
#include "messages/node_messages.h"
#include "messages/tool_messages.h"

namespace uet::node {

struct node_work {
  engine::environment* env = nullptr;
  std::filesystem::path work_dir;
  config::tool_registry tools;
  std::string node_id;
  std::shared_ptr<ledger::worktree_pool> pool;
  std::mutex intake; ///< one bundle unpacked at a time

  std::filesystem::path repo() const { return work_dir / "repo"; }
  std::filesystem::path logs() const { return work_dir / "logs"; }
};

/// Makes work_dir/repo a git repository if it is not one, and the pool of
/// worktrees the node's attempts run in.
expected<std::shared_ptr<node_work>> open_node_work(engine::environment& env,
                                                    const std::filesystem::path& work_dir,
                                                    config::tool_registry tools,
                                                    const std::string& node_id);

/// Unpacks r.bundle (if any) and checks that r.base_commit is there; then
/// the edit_request the local adapter runs in `workspace`. Fails naming
/// what is missing ("send a bundle").
expected<msg::edit_request> intake(node_work& w, const msg::node_edit_request& r,
                                   const std::filesystem::path& workspace);

/// A big change the adapter left in a file comes back inline: the file is
/// on the node, the coordinator cannot read it.
void inline_diff_file(msg::edit_result& e);

} // namespace uet::node
