// Measures one workstream's git cycle on a small repository two ways, to
// choose the mechanism (docs/architecture.md "git: CLI, measured"):
//   cli:     git worktree add --detach / add -A / diff --cached --binary /
//            apply --index (integration worktree) / commit / worktree remove
//   libgit2: the same steps in-process (worktree checkout, diff workdir+index
//            to buffer, git_apply to index+workdir, commit, worktree prune)
// Usage: uet-bench-git-mechanism DIR [ITERATIONS]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <git2.h>
#include <string>

#include "engine/subprocess.h"

namespace fs = std::filesystem;
using clk = std::chrono::steady_clock;

namespace {

std::string sh(const fs::path& cwd, std::vector<std::string> argv, const std::string& in = {}) {
  uet::engine::process_request r;
  r.argv = std::move(argv);
  r.cwd = cwd;
  if (!in.empty())
    r.stdin_data = in;
  auto res = uet::engine::run_process(r);
  if (!res.ok()) {
    std::fprintf(stderr, "failed: %s: %s\n", r.argv[1].c_str(), res.output.c_str());
    std::exit(1);
  }
  return res.output;
}

void make_repo(const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir / "src");
  for (int i = 0; i < 20; ++i)
    std::ofstream(dir / "src" / ("f" + std::to_string(i) + ".txt")) << "line " << i << "\n";
  sh(dir, {"git", "init", "-q", "-b", "main"});
  sh(dir, {"git", "-c", "user.name=b", "-c", "user.email=b@b", "add", "-A"});
  sh(dir, {"git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "init"});
  sh(dir, {"git", "branch", "integration"});
  sh(dir, {"git", "worktree", "add", "-q", (dir / ".wt/integration").string(), "integration"});
}

double cli_cycle(const fs::path& repo, int n) {
  auto integ = repo / ".wt/integration";
  auto t0 = clk::now();
  for (int i = 0; i < n; ++i) {
    auto head = sh(integ, {"git", "rev-parse", "HEAD"});
    head.pop_back();
    auto wt = repo / ".wt" / ("ws" + std::to_string(i));
    sh(repo, {"git", "worktree", "add", "-q", "--detach", wt.string(), head});
    std::ofstream(wt / ("new" + std::to_string(i) + ".txt")) << "change " << i << "\n";
    sh(wt, {"git", "add", "-A"});
    auto diff = sh(wt, {"git", "diff", "--cached", "--binary", "--full-index", "-M", head});
    sh(integ, {"git", "apply", "--index", "-"}, diff);
    sh(integ, {"git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "--no-verify",
               "-m", "ws " + std::to_string(i)});
    sh(repo, {"git", "worktree", "remove", "--force", wt.string()});
  }
  return std::chrono::duration<double>(clk::now() - t0).count();
}

void check(int rc, const char* what) {
  if (rc < 0) {
    std::fprintf(stderr, "libgit2 %s: %s\n", what, git_error_last()->message);
    std::exit(1);
  }
}

double libgit2_cycle(const fs::path& repo_dir, int n) {
  git_repository *repo = nullptr, *integ = nullptr;
  check(git_repository_open(&repo, repo_dir.c_str()), "open");
  check(git_repository_open(&integ, (repo_dir / ".wt/integration").c_str()), "open integration");
  git_signature* sig = nullptr;
  check(git_signature_now(&sig, "b", "b@b"), "signature");
  auto t0 = clk::now();
  for (int i = 0; i < n; ++i) {
    git_oid head_oid;
    check(git_reference_name_to_id(&head_oid, integ, "HEAD"), "head");
    git_commit* head = nullptr;
    check(git_commit_lookup(&head, integ, &head_oid), "lookup");
    // libgit2 1.5 cannot add a detached worktree: it makes a branch per worktree.
    auto name = "lg" + std::to_string(i);
    auto wt_path = repo_dir / ".wt" / name;
    git_commit* head_in_repo = nullptr;
    check(git_commit_lookup(&head_in_repo, repo, &head_oid), "lookup in repo");
    git_reference* branch = nullptr;
    check(git_branch_create(&branch, repo, name.c_str(), head_in_repo, 1), "branch");
    git_commit_free(head_in_repo);
    git_worktree_add_options wopts = GIT_WORKTREE_ADD_OPTIONS_INIT;
    wopts.ref = branch;
    git_worktree* wt = nullptr;
    check(git_worktree_add(&wt, repo, name.c_str(), wt_path.c_str(), &wopts), "worktree add");
    git_repository* wrepo = nullptr;
    check(git_repository_open_from_worktree(&wrepo, wt), "open worktree");
    std::ofstream(wt_path / ("new" + std::to_string(i) + ".txt")) << "change " << i << "\n";
    git_tree* head_tree = nullptr;
    check(git_commit_tree(&head_tree, head), "tree");
    git_diff_options dopts = GIT_DIFF_OPTIONS_INIT;
    dopts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_SHOW_UNTRACKED_CONTENT |
                  GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_SHOW_BINARY;
    git_diff* diff = nullptr;
    check(git_diff_tree_to_workdir_with_index(&diff, wrepo, head_tree, &dopts), "diff");
    git_buf buf = GIT_BUF_INIT;
    check(git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH), "diff to buf");
    git_diff* parsed = nullptr;
    check(git_diff_from_buffer(&parsed, buf.ptr, buf.size), "parse");
    check(git_apply(integ, parsed, GIT_APPLY_LOCATION_BOTH, nullptr), "apply");
    git_index* index = nullptr;
    check(git_repository_index(&index, integ), "index");
    git_oid tree_oid, commit_oid;
    check(git_index_write_tree(&tree_oid, index), "write tree");
    git_tree* tree = nullptr;
    check(git_tree_lookup(&tree, integ, &tree_oid), "tree lookup");
    const git_commit* parents[] = {head};
    check(git_commit_create(&commit_oid, integ, "HEAD", sig, sig, nullptr, name.c_str(), tree, 1,
                            parents),
          "commit");
    git_worktree_prune_options popts = GIT_WORKTREE_PRUNE_OPTIONS_INIT;
    popts.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_WORKING_TREE;
    git_repository_free(wrepo);
    check(git_worktree_prune(wt, &popts), "prune");
    check(git_branch_delete(branch), "branch delete");
    git_tree_free(tree);
    git_index_free(index);
    git_diff_free(parsed);
    git_buf_dispose(&buf);
    git_diff_free(diff);
    git_tree_free(head_tree);
    git_worktree_free(wt);
    git_reference_free(branch);
    git_commit_free(head);
  }
  double s = std::chrono::duration<double>(clk::now() - t0).count();
  git_signature_free(sig);
  git_repository_free(integ);
  git_repository_free(repo);
  return s;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [ITERATIONS]\n", argv[0]);
    return 2;
  }
  fs::path dir = fs::absolute(argv[1]); // the steps run git in other directories
  int n = argc > 2 ? std::atoi(argv[2]) : 200;
  git_libgit2_init();
  make_repo(dir / "cli");
  make_repo(dir / "libgit2");
  double cli = cli_cycle(dir / "cli", n);
  double lg = libgit2_cycle(dir / "libgit2", n);
  auto commits = sh(dir / "cli" / ".wt/integration", {"git", "rev-list", "--count", "HEAD"});
  auto commits2 = sh(dir / "libgit2" / ".wt/integration", {"git", "rev-list", "--count", "HEAD"});
  std::printf("| mechanism | workstream cycles | total (s) | per workstream (ms) | commits |\n");
  std::printf("|---|---|---|---|---|\n");
  std::printf("| git CLI | %d | %.2f | %.1f | %s |\n", n, cli, cli * 1000 / n,
              commits.substr(0, commits.size() - 1).c_str());
  std::printf("| libgit2 1.5 | %d | %.2f | %.1f | %s |\n", n, lg, lg * 1000 / n,
              commits2.substr(0, commits2.size() - 1).c_str());
  git_libgit2_shutdown();
  return 0;
}
