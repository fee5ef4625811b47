// Patch ledger throughput: N small, non-conflicting patches through
// ledger::patch_pipeline (validate, save, apply, commit with trailers; no
// acceptance commands), on a 20-file repository.
//
//   uet-bench-apply-commit DIR [N]
//
// Leaves DIR/repo (the base repository, branch main), DIR/patches/NNNN.diff
// (patch i adds or edits one file no other patch touches, all made against
// main) and DIR/pipeline.txt ("<patches> <seconds> <commits>"). The peer, a
// plain `git apply --index` + `git commit` loop over the same files, is
// bench/apply_commit.sh.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ledger/git.h"
#include "ledger/integration.h"
#include "ledger/patch_pipeline.h"
#include "ledger/patch_store.h"

namespace fs = std::filesystem;
using clk = std::chrono::steady_clock;
using namespace uet::ledger;

namespace {

constexpr int base_files = 20;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "uet-bench-apply-commit: %s\n", what.c_str());
  std::exit(1);
}

std::string must(const fs::path& dir, const std::vector<std::string>& args) {
  auto r = git(uet::engine::environment::real(), dir, args);
  if (!r)
    die(r.message());
  return chomp(*r);
}

char digit(int i) {
  return static_cast<char>('0' + i);
}

std::string name4(int i) {
  std::string s = "0000";
  for (int k = 3; k >= 0; --k, i /= 10)
    s[static_cast<std::size_t>(k)] = digit(i % 10);
  return s;
}

std::string base_content(int f) {
  return "file " + std::to_string(f) + "\nline two\nline three\n";
}

void make_repo(const fs::path& repo) {
  fs::create_directories(repo / "src");
  for (int f = 0; f < base_files; ++f)
    std::ofstream(repo / "src" / ("f" + name4(f) + ".txt")) << base_content(f);
  must(repo, {"init", "-q", "-b", "main"});
  must(repo, {"config", "user.name", "bench"});
  must(repo, {"config", "user.email", "bench@localhost"});
  must(repo, {"add", "-A"});
  must(repo, {"commit", "-q", "-m", "base"});
}

// Patch i: the first base_files patches each append a line to one base file;
// the others each add a new file of their own.
std::string make_patch(int i) {
  if (i < base_files) {
    auto path = "src/f" + name4(i) + ".txt";
    std::string d = "diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path +
                    "\n@@ -1,3 +1,4 @@\n";
    auto content = base_content(i);
    std::size_t pos = 0;
    while (pos < content.size()) {
      auto nl = content.find('\n', pos);
      d += " " + content.substr(pos, nl - pos + 1);
      pos = nl + 1;
    }
    return d + "+edited by patch " + std::to_string(i) + "\n";
  }
  auto path = "src/gen/n" + name4(i) + ".txt";
  return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" +
         path + "\n@@ -0,0 +1,2 @@\n+generated " + std::to_string(i) + "\n+second line\n";
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [N]\n", argv[0]);
    return 2;
  }
  fs::path dir = fs::absolute(argv[1]);
  int n = argc > 2 ? std::atoi(argv[2]) : 1000;
  if (n <= 0 || n > 9999)
    die("N must be 1..9999");
  fs::remove_all(dir);
  make_repo(dir / "repo");
  fs::create_directories(dir / "patches");
  std::vector<std::string> patches;
  for (int i = 0; i < n; ++i) {
    patches.push_back(make_patch(i));
    std::ofstream(dir / "patches" / (name4(i) + ".diff"), std::ios::binary) << patches.back();
  }

  integration_config cfg;
  cfg.repo = dir / "repo";
  cfg.worktree = dir / "integration";
  cfg.branch = "uet/integration";
  cfg.base_ref = "main";
  auto t0 = clk::now();
  auto tree = integration_tree::open(uet::engine::environment::real(), cfg);
  if (!tree)
    die(tree.message());
  patch_pipeline pipe(std::move(*tree), patch_store(dir / "ledger"));
  int committed = 0;
  for (int i = 0; i < n; ++i) {
    patch_submission s;
    s.run_id = "bench";
    s.workstream_id = "ws-" + name4(i);
    s.title = "patch " + std::to_string(i);
    s.patch_id = make_patch_id(s.run_id, s.workstream_id, 1);
    s.diff = patches[static_cast<std::size_t>(i)];
    s.allowed_paths = {"src/**"};
    auto o = pipe.submit(s);
    if (o.final_state != patch_state::committed)
      die("patch " + std::to_string(i) + " was not committed: " + o.reason);
    ++committed;
  }
  double secs = std::chrono::duration<double>(clk::now() - t0).count();
  auto commits = must(cfg.repo, {"rev-list", "--count", "main..uet/integration"});
  if (commits != std::to_string(n))
    die("expected " + std::to_string(n) + " commits on the branch, found " + commits);
  std::ofstream(dir / "pipeline.txt") << n << " " << secs << " " << commits << "\n";
  std::printf("patch_pipeline: %d patches in %.2f s = %.1f patches/s (%s commits)\n", committed,
              secs, n / secs, commits.c_str());
  return 0;
}
