#include "engine/acceptance.h"

#include "base/files.h"
#include "engine/subprocess.h"

namespace uet::engine {

acceptance_result run_acceptance(environment& env, const acceptance_request& req) {
  acceptance_result res;
  if (!req.log_file.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(req.log_file.parent_path(), ec);
  }
  for (const auto& cmd : req.commands) {
    process_request p;
    p.argv = {"/bin/sh", "-c", cmd};
    p.cwd = req.cwd;
    p.env = req.env;
    p.timeout = req.timeout_each;
    p.cancel = req.cancel;
    p.contain = default_containment();
    p.sandbox = req.sandbox;
    auto r = env.run_process(p);
    if (!req.log_file.empty()) {
      std::string block = "$ " + cmd + "\n" + r.output;
      if (!block.empty() && block.back() != '\n')
        block += '\n';
      block += "# " + r.describe();
      if (!r.denied.empty())
        block += "\n# the sandbox denied a write to " + r.denied;
      // A log that cannot be written loses the output, not the verdict.
      (void)append_line(req.log_file, block);
    }
    if (!r.ok()) {
      res.passed = false;
      res.exit_code = r.started && r.signal == 0 ? r.exit_code : -1;
      res.failed_command = cmd;
      res.cancelled = r.cancelled;
      res.reason = "'" + cmd + "' " + r.describe();
      res.tail = last_lines(r.output);
      // The assertion, not only "exit code 1": its last line of output.
      if (auto last = last_lines(r.output, 1, 200); !last.empty())
        res.reason += ": " + last;
      if (!r.denied.empty())
        res.reason += "; the sandbox denied a write to " + r.denied +
                      " (acceptance commands may write only in their tree and TMPDIR)";
      return res;
    }
  }
  return res;
}

} // namespace uet::engine
