// Benchmark helper: what the sandbox adds to a tool start. Times, in turns,
// N starts of /bin/true in a real git worktree (engine::run_process, as the
// adapter calls it) five ways: plain posix_spawn (git's path, the floor);
// with the default tools.yaml limits (our vfork + setrlimit); with limits
// and the sandbox (a ledger::tool_sandbox opened per start, as each step
// does: TMPDIR made and removed, the Landlock ruleset, the read-only binds
// in a mount namespace); all that and the step's containment (its token,
// and at the end the sweep or the cgroup: engine/containment.h), which is
// what an adapter starts; and the peer it replaced for limits, prlimit(1)
// in front of the program. Prints the median per start (ms) of each.
//   uet-bench-sandbox DIR [N]     (N starts per way, default 400)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "config/tools.h"
#include "engine/containment.h"
#include "engine/subprocess.h"
#include "ledger/git.h"
#include "ledger/tool_sandbox.h"

namespace fs = std::filesystem;
using namespace uet;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

bool must(const fs::path& dir, const std::vector<std::string>& args) {
  auto r = ledger::git(engine::environment::real(), dir, args);
  if (!r)
    std::fprintf(stderr, "git %s: %s\n", args[0].c_str(), r.message().c_str());
  return r.ok();
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: uet-bench-sandbox DIR [N]\n");
    return 2;
  }
  fs::path dir = fs::absolute(argv[1]);
  int n = argc > 2 ? std::atoi(argv[2]) : 400;
  fs::remove_all(dir);
  fs::create_directories(dir / "repo");
  auto repo = dir / "repo", wt = dir / "wt";
  if (!must(repo, {"init", "-q"}) ||
      !must(repo, {"-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "--allow-empty",
                   "-m", "init"}) ||
      !must(repo, {"worktree", "add", "-q", "--detach", wt.string()}))
    return 1;

  auto limits = config::default_tool_limits();
  auto sandboxed = [&](engine::containment_kind contain) {
    auto box = ledger::tool_sandbox::open(wt, {sandbox_mode::required, {}});
    if (!box)
      return false;
    engine::process_request p;
    p.argv = {"/bin/true"};
    p.cwd = wt;
    p.limits = limits;
    p.sandbox = (*box)->rules();
    p.env = (*box)->env();
    p.contain = contain;
    return engine::run_process(p).ok();
  };
  std::vector<std::function<bool()>> ways = {
      [&] {
        engine::process_request p;
        p.argv = {"/bin/true"};
        p.cwd = wt;
        return engine::run_process(p).ok();
      },
      [&] {
        engine::process_request p;
        p.argv = {"/bin/true"};
        p.cwd = wt;
        p.limits = limits;
        return engine::run_process(p).ok();
      },
      [&] { return sandboxed(engine::containment_kind::none); },
      // what an adapter starts: the above, and the step's containment
      [&] { return sandboxed(engine::default_containment()); },
      [&] {
        engine::process_request p;
        p.argv = {"prlimit", "--cpu=3600:3602", "--fsize=1073741824", "--nofile=4096",
                  "--",      "/bin/true"};
        p.cwd = wt;
        return engine::run_process(p).ok();
      },
  };
  std::vector<std::vector<double>> times(ways.size());
  for (int i = 0; i < n; ++i)
    for (std::size_t w = 0; w < ways.size(); ++w) { // in turns: the machine's noise falls on all
      auto t0 = std::chrono::steady_clock::now();
      if (!ways[w]()) {
        std::fprintf(stderr, "way %zu failed\n", w);
        return 1;
      }
      times[w].push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  double plain = median(times[0]), lim = median(times[1]), box = median(times[2]),
         all = median(times[3]), prl = median(times[4]);
  std::printf("| way (median of %d starts of /bin/true) | ms per start | vs plain |\n", n);
  std::printf("|---|---|---|\n");
  std::printf("| plain posix_spawn (git's path) | %.3f | +%.3f |\n", plain, 0.0);
  std::printf("| limits (vfork + setrlimit) | %.3f | %+.3f |\n", lim, lim - plain);
  std::printf("| limits + sandbox (Landlock, read-only binds, TMPDIR) | %.3f | %+.3f |\n", box,
              box - plain);
  std::printf("| limits + sandbox + containment (%s) | %.3f | %+.3f |\n",
              engine::containment::make(engine::default_containment())->mechanism(), all,
              all - plain);
  std::printf("| peer: prlimit(1) in front (what limits cost before) | %.3f | %+.3f |\n", prl,
              prl - plain);
  std::printf("\nsandbox cost per start (limits + sandbox - limits): %.3f ms\n", box - lim);
  std::printf("containment cost per step (its end included): %.3f ms\n", all - box);
  return 0;
}
