#include "ledger/fault_environment.h"

#include <fstream>

#include "ledger/patch_store.h"

namespace uet::ledger {

namespace {

bool is_git(const engine::process_request& req) {
  if (req.argv.empty())
    return false;
  const auto& a = req.argv[0];
  return a == "git" || (a.size() > 4 && a.compare(a.size() - 4, 4, "/git") == 0);
}

/// The first file the diff names ("diff --git a/X b/X": X), for git's words:
/// the diff is on git apply's stdin, or in the file that ends its argv.
std::string first_path(const engine::process_request& req) {
  std::optional<std::string> diff = req.stdin_data;
  if (!diff && !req.argv.empty()) {
    std::ifstream in(req.argv.back());
    std::string line;
    if (std::getline(in, line))
      diff = line + "\n";
  }
  if (!diff)
    return "?";
  auto at = diff->find(" b/");
  if (diff->compare(0, 11, "diff --git ") != 0 || at == std::string::npos)
    return "?";
  return diff->substr(at + 3, diff->find('\n', at) - at - 3);
}

engine::process_result git_says(int code, std::string err) {
  engine::process_result r;
  r.started = true;
  r.exit_code = code;
  r.error_output = std::move(err);
  return r;
}

} // namespace

engine::process_result fault_environment::run_process(const engine::process_request& req) {
  if (!armed_ || !is_git(req))
    return environment_wrapper::run_process(req);
  engine::fault_call call{engine::fault_site::git, "", "", 0, 0};
  const std::string apply = "apply ";
  if (req.tag.compare(0, apply.size(), apply) == 0)
    if (auto id = parse_patch_id(req.tag.substr(apply.size()))) {
      call.workstream = id->workstream_id;
      call.attempt = id->attempt;
    }
  if (!call.workstream.empty()) {
    call.site = engine::fault_site::patch;
    call.kinds = {engine::fault_kind::conflict};
    if (faults_->decide(call, "its patch does not apply where the ledger puts it")) {
      auto path = first_path(req);
      return git_says(1, "error: patch failed: " + path + ":1\nerror: " + path +
                             ": patch does not apply (uet-actors: injected fault "
                             "patch:conflict: the integration head moved under the patch)\n");
    }
    call.site = engine::fault_site::git;
    call.kinds.clear();
  }
  std::string what = "git";
  for (std::size_t i = 1; i < req.argv.size(); ++i) { // the subcommand, past -c and -C options
    if (req.argv[i] == "-c" || req.argv[i] == "-C")
      ++i;
    else if (req.argv[i][0] != '-') {
      what += " " + req.argv[i];
      break;
    }
  }
  if (faults_->decide(call, what + " failed"))
    return git_says(128, "fatal: uet-actors: injected fault git:fail\n");
  return environment_wrapper::run_process(req);
}

} // namespace uet::ledger
