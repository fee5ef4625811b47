#include "node/node_work.h"

#include "base/files.h"
#include "engine/tool_command.h"
#include "ledger/git.h"
#include "node/node_policy.h"

namespace uet::node {

namespace fs = std::filesystem;

expected<std::shared_ptr<node_work>> open_node_work(engine::environment& env,
                                                    const fs::path& work_dir,
                                                    config::tool_registry tools,
                                                    const std::string& node_id) {
  auto w = std::make_shared<node_work>();
  w->env = &env;
  w->work_dir = fs::absolute(work_dir);
  w->tools = std::move(tools);
  w->node_id = node_id;
  std::error_code ec;
  fs::create_directories(w->repo(), ec);
  if (ec)
    return fail(error_kind::io, "--work-dir " + w->work_dir.string() + ": " + ec.message());
  if (!fs::exists(w->repo() / ".git", ec))
    if (auto made = ledger::git(env, w->repo(), {"init", "-q"}); !made)
      return made.error();
  std::string prefix;
  for (char c : node_id)
    prefix += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  w->pool =
      std::make_shared<ledger::worktree_pool>(env, w->repo(), w->work_dir / "worktrees", prefix);
  return w;
}

expected<msg::edit_request> intake(node_work& w, const msg::node_edit_request& r,
                                   const fs::path& workspace) {
  {
    std::lock_guard<std::mutex> one(w.intake);
    if (!r.bundle.empty()) {
      auto file = w.work_dir / ("incoming-" + r.workstream_id + ".bundle");
      if (auto wrote = write_file_atomic(file, r.bundle); !wrote)
        return wrote.error();
      auto unpacked = ledger::git(*w.env, w.repo(), {"bundle", "unbundle", file.string()});
      std::error_code ec;
      fs::remove(file, ec);
      if (!unpacked)
        return unpacked.error().context("node " + w.node_id + ": the bundle sent: ");
    }
    auto has = ledger::git_run(*w.env, w.repo(), {"cat-file", "-e", r.base_commit + "^{commit}"});
    if (!has || has->exit_code != 0)
      return fail(error_kind::git, lacks_commit(w.node_id, r.base_commit));
  }
  config::workstream_spec ws;
  ws.id = r.workstream_id;
  ws.tool_id = r.tool_id;
  ws.prompt = r.prompt;
  ws.allowed_paths = r.scope;
  if (r.timeout_ms > 0)
    ws.timeout_s = int((r.timeout_ms + 999) / 1000);
  auto log = w.logs() / r.run_id / r.workstream_id / ("edit-" + std::to_string(r.attempt) + ".log");
  engine::tool_run_context trc{r.run_id, workspace, w.logs(), log, ""};
  auto cmd = engine::build_tool_command(*w.tools.find(r.tool_id), ws, trc);
  if (!cmd)
    return cmd.error().context("node " + w.node_id + ": tool " + r.tool_id + ": ");
  msg::edit_request e;
  e.run_id = r.run_id;
  e.workstream_id = r.workstream_id;
  e.attempt = r.attempt;
  e.base_commit = r.base_commit;
  e.argv = cmd->argv;
  e.env = cmd->env;
  e.timeout_ms = cmd->timeout.count();
  e.log_path = log.string();
  e.max_output_bytes = static_cast<std::int64_t>(cmd->max_output_bytes);
  e.limits = cmd->limits;
  e.sandbox = config::sandbox_of(*w.tools.find(r.tool_id), {});
  auto spill = w.work_dir / "diffs" /
               (r.run_id + "." + r.workstream_id + "." + std::to_string(r.attempt) + ".diff");
  e.admit_limits = r.admit_limits;
  e.allow_submodules = r.allow_submodules;
  e.diff_spill = spill.string();
  e.diff_keep = spill.string();
  return e;
}

void inline_diff_file(msg::edit_result& e) {
  if (e.diff_file.empty())
    return;
  auto text = read_file(e.diff_file, 1u << 30);
  if (text)
    e.diff = std::move(*text);
  else
    e.error = "node: reading the change back: " + text.message();
  std::error_code ec;
  fs::remove(e.diff_file, ec);
  e.diff_file.clear();
}

} // namespace uet::node
