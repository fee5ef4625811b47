// Patch admission on real repositories: what a staged change measures
// before any diff text exists, and which changes may become patches.
#include <catch2/catch.hpp>

#include "ledger/patch_admission.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

/// The real machine, but every git call is a process (no libgit2 shortcut).
struct git_only final : uet::engine::environment_wrapper {
  git_only() : environment_wrapper(uet::engine::environment::real()) {}
  bool sees_every_git_call() override { return true; }
};

/// The change measured in-process and by git, which must agree.
staged_change measure(repo_fixture& f, const std::function<void(const fs::path&)>& change) {
  auto wt = f.ws.create("m", f.base);
  REQUIRE(wt);
  change(*wt);
  git_in(*wt, {"add", "--all"});
  auto in_process = staged_change_in_process(*wt, f.base);
  git_only env;
  auto by_git = staged_change_of(env, *wt, f.base);
  INFO((by_git ? "" : by_git.message()));
  REQUIRE(by_git);
  REQUIRE(in_process);
  CHECK(in_process->files == by_git->files);
  CHECK(in_process->largest_bytes == by_git->largest_bytes);
  CHECK(in_process->largest_path == by_git->largest_path);
  CHECK(in_process->gitlinks == by_git->gitlinks);
  CHECK(in_process->gitlink_commits == by_git->gitlink_commits);
  REQUIRE(f.ws.remove(*wt));
  return *by_git;
}

} // namespace

TEST_CASE("admission: files, the largest file and gitlinks are read from the index") {
  repo_fixture f({{"a.txt", "a\n"}, {"old name.txt", std::string(5000, 'r')}, {"gone", "x\n"}});
  auto c = measure(f, [](const fs::path& wt) {
    write_file(wt / "a.txt", "a\nb\n");
    write_file(wt / "big \xE2\x9C\x93.bin", std::string(300000, 'z'));
    fs::rename(wt / "old name.txt", wt / "new\tname.txt");
    fs::remove(wt / "gone");
    fs::create_directories(wt / "src" / "sub");
    git_in(wt / "src" / "sub", {"init", "-q"});
    write_file(wt / "src" / "sub" / "f", "nested\n");
    git_in(wt / "src" / "sub", {"add", "f"});
    git_in(wt / "src" / "sub",
           {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "nested"});
  });
  CHECK(c.files == 5); // a.txt, the new file, the rename, the removal, the gitlink
  CHECK(c.largest_bytes == 300000);
  CHECK(c.largest_path == "big \xE2\x9C\x93.bin");
  CHECK(c.gitlinks == std::vector<std::string>{"src/sub"});
}

TEST_CASE("admission: a change within the limits is admitted, each limit names its numbers") {
  uet::patch_limits l;
  staged_change c;
  c.files = 3;
  c.largest_bytes = 1000;
  c.largest_path = "x.bin";
  CHECK(admission_problem(c, l, false).empty());
  l.max_files = 2;
  CHECK(admission_problem(c, l, false) ==
        "the change touches 3 files, limit 2 (patch_limits.max_files)");
  l = {};
  c.largest_bytes = 70'400'000;
  CHECK(admission_problem(c, l, false) ==
        "x.bin is 67.1 MiB, limit 10 MiB (patch_limits.max_file_bytes)");
  CHECK(diff_size_problem(20 << 20, l).empty());
  CHECK(diff_size_problem((20 << 20) + 1, l) ==
        "the patch is 20.0 MiB, limit 20 MiB (patch_limits.max_bytes)");
  CHECK(human_bytes(900) == "900 bytes");
  CHECK(human_bytes(512 << 10) == "512 KiB");
}

TEST_CASE("admission: a gitlink is refused unless the workstream allows submodules") {
  staged_change c;
  c.files = 1;
  c.gitlinks = {"src/sub"};
  CHECK(admission_problem(c, {}, false) ==
        "src/sub is a nested git repository; submodules are not supported by workstreams "
        "(constraints.allow_submodules)");
  CHECK(admission_problem(c, {}, true).empty());
}

TEST_CASE("admission: damaged --raw output is an error, not a smaller change") {
  using namespace std::string_literals;
  CHECK_FALSE(parse_raw_diff("garbage\0x\0"s, nullptr));
  CHECK_FALSE(parse_raw_diff(":100644 100644 ab cd M\0"s, nullptr)); // no path
  auto ok = parse_raw_diff(":000000 100644 0000 abcd A\0f\0"s, nullptr);
  REQUIRE(ok);
  CHECK(ok->files == 1);
}

TEST_CASE("admission: in-process and git agree on a typechange, a mode change and a rename") {
  repo_fixture f({{"link", "was a file\n"},
                  {"run.sh", "#!/bin/sh\n"},
                  {"moved.txt", std::string(4000, 'm') + "\n"},
                  {"same.txt", "same\n"}});
  auto c = measure(f, [](const fs::path& wt) {
    fs::remove(wt / "link");
    fs::create_symlink("same.txt", wt / "link");
    fs::permissions(wt / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
    write_file(wt / "dir/moved.txt", std::string(4000, 'm') + "\nplus a line\n");
    fs::remove(wt / "moved.txt");
  });
  CHECK(c.files == 3);
  CHECK(c.largest_path == "dir/moved.txt");
}
