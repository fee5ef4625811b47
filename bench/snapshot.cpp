// Benchmark helper: the cost of telling an untouched worktree by its lstat
// snapshot (ledger/tree_snapshot.h) against one `git add --all --verbose` of
// the same tree, which is what an attempt ran before. For each size it makes
// a repository of N small files in 50 directories and a detached worktree,
// waits until no file is racy, then times ROUNDS x (take_snapshot +
// untouched_since) and ROUNDS x git add, interleaved; prints medians (ms).
//   uet-bench-snapshot DIR N [N...]     (ROUNDS from the environment, default 9)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ledger/git.h"
#include "ledger/tree_snapshot.h"
#include "ledger/workspace.h"

namespace fs = std::filesystem;
using namespace uet::ledger;

namespace {

// The raw cost, past tree_snapshot::kMaxEntries too: this is what sets it.
constexpr std::size_t kUnlimited = static_cast<std::size_t>(-1);

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

bool must(const fs::path& dir, const std::vector<std::string>& args) {
  auto r = git(uet::engine::environment::real(), dir, args);
  if (!r)
    std::fprintf(stderr, "git %s: %s\n", args[0].c_str(), r.message().c_str());
  return r.ok();
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: uet-bench-snapshot DIR N [N...]\n");
    return 2;
  }
  int rounds = std::getenv("ROUNDS") ? std::atoi(std::getenv("ROUNDS")) : 9;
  fs::path dir = fs::absolute(argv[1]);
  std::printf("| files | snapshot: take + check (ms) | git add --all --verbose (ms) | ratio |\n");
  std::printf("|---|---|---|---|\n");
  for (int a = 2; a < argc; ++a) {
    int n = std::atoi(argv[a]);
    auto repo = dir / ("repo" + std::to_string(n));
    auto wt = dir / ("wt" + std::to_string(n));
    fs::remove_all(repo);
    fs::remove_all(wt);
    fs::remove(dir / ("wt" + std::to_string(n) + ".mark"));
    fs::create_directories(repo);
    for (int i = 0; i < n; ++i) {
      auto f = repo / ("d" + std::to_string(i % 50)) / ("f" + std::to_string(i) + ".txt");
      fs::create_directories(f.parent_path());
      std::ofstream(f) << i << '\n';
    }
    if (!must(repo, {"init", "-q"}) || !must(repo, {"add", "--all"}) ||
        !must(repo, {"-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "files"}) ||
        !must(repo, {"worktree", "add", "--quiet", "--detach", wt.string(), "HEAD"}))
      return 1;
    auto marker = dir / ("wt" + std::to_string(n) + ".mark");
    for (int i = 0; i < 300; ++i) { // until the checkout is no longer racy
      auto s = take_snapshot(wt, marker, kUnlimited);
      if (s && s->racy.empty() && !s->racy_index)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    must(wt, {"add", "--all"}); // git refreshes its index once
    std::vector<double> snap, add;
    for (int r = 0; r < rounds; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      auto s = take_snapshot(wt, marker, kUnlimited);
      bool untouched = s && untouched_since(*s, wt);
      snap.push_back(ms_since(t0));
      if (!untouched) {
        std::fprintf(stderr, "the snapshot did not recognise an untouched tree\n");
        return 1;
      }
      t0 = std::chrono::steady_clock::now();
      if (!must(wt, {"add", "--all", "--verbose", "--", "."}))
        return 1;
      add.push_back(ms_since(t0));
    }
    std::printf("| %d | %.2f | %.2f | %.2fx |\n", n, median(snap), median(add),
                median(snap) / median(add));
  }
  return 0;
}
