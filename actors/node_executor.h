// The executor for `run --nodes`: an attempt runs on this machine while one
// of its `--parallel` slots is free, else on a worker node with a free slot
// (the run's scheduler starts at most local + nodes' slots attempts, so one
// is always free while every node is up). A remote attempt's tool runs on
// the node: it is sent the tool id, prompt and scope (the node builds the
// command from its own registry) and, as a git bundle, what of its base
// commit the node does not hold yet. Its acceptance checks run here, in a
// pooled worktree, on the patch's future tree: the ledger verifies on the
// machine that commits, and a node never runs a command line it is sent.
// A node that goes away (killed, disconnected, silent past the connection
// timeout) ends its attempts "lost": the supervisor runs them again,
// elsewhere, without spending a retry; no new attempt goes to it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/executor.h"
#include "messages/interfaces.h"

namespace uet::actors {

/// A node the run reached, as it answered hello.
struct remote_node {
  std::string address; ///< HOST:PORT, as given
  msg::node_actor actor;
  msg::node_hello hello;
};

struct node_executor_args {
  std::shared_ptr<executor> local; ///< this machine's attempts
  int local_slots = 1;
  std::vector<remote_node> nodes;
  engine::environment* env = nullptr;
  std::filesystem::path repo;                  ///< what bundles are made from
  std::shared_ptr<ledger::worktree_pool> pool; ///< where remote attempts' checks run
  std::string session; ///< this run's session: a node drops an older session's work
};

std::shared_ptr<executor> make_node_executor(node_executor_args args);

} // namespace uet::actors
