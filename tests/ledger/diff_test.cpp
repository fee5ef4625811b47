#include <algorithm>
#include <catch2/catch.hpp>

#include "ledger/diff.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::repo_fixture;
using uet::test::write_file;
using uet::test::fs::path;
namespace fs = std::filesystem;

namespace {

const std::string ten_lines = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n";

std::map<std::string, std::string> base_files() {
  return {{"README.md", "# readme\n"},
          {"src/a.txt", ten_lines},
          {"src/b.txt", "bee\n"},
          {"src/long name.txt", ten_lines + "eleven\n"},
          {"tool.sh", "#!/bin/sh\necho hi\n"}};
}

std::vector<file_change> parse_ok(const std::string& diff) {
  auto r = parse_diff(diff);
  INFO(diff);
  INFO((r ? "" : r.message()));
  REQUIRE(r);
  return *r;
}

const file_change& only(const std::vector<file_change>& files) {
  REQUIRE(files.size() == 1);
  return files.front();
}

std::string failure_of(const std::string& diff) {
  auto r = parse_diff(diff);
  INFO(diff);
  REQUIRE_FALSE(r);
  return r.message();
}

} // namespace

TEST_CASE("diff: empty text is an empty list") {
  auto r = parse_diff("");
  REQUIRE(r);
  CHECK(r->empty());
}

TEST_CASE("diff: a new file from git") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) { write_file(wt / "src/new.txt", "x\ny\n"); });
  auto c = only(parse_ok(d));
  CHECK(c.kind == change_kind::add);
  CHECK(c.old_path.empty());
  CHECK(c.new_path == "src/new.txt");
  CHECK(c.new_mode == "100644");
  CHECK_FALSE(c.binary);
  CHECK_FALSE(c.symlink);
  REQUIRE(c.hunks.size() == 1);
  CHECK(c.hunks[0].old_start == 0);
  CHECK(c.hunks[0].old_count == 0);
  CHECK(c.hunks[0].new_start == 1);
  CHECK(c.hunks[0].new_count == 2);
}

TEST_CASE("diff: an empty new file has no hunks and is still a change") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) { write_file(wt / "empty.txt", ""); });
  auto c = only(parse_ok(d));
  CHECK(c.kind == change_kind::add);
  CHECK(c.new_path == "empty.txt");
  CHECK(c.hunks.empty());
}

TEST_CASE("diff: an edit in the middle of a file, with several hunks") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) {
    write_file(wt / "src/a.txt",
               "ONE\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\nplus\n");
  });
  auto c = only(parse_ok(d));
  CHECK(c.kind == change_kind::modify);
  CHECK(c.old_path == "src/a.txt");
  CHECK(c.new_path == "src/a.txt");
  CHECK(c.old_mode == "100644");
  CHECK(c.new_mode == "100644");
  REQUIRE(c.hunks.size() == 2);
  CHECK(c.hunks[0].old_start == 1);
  CHECK(c.hunks[1].new_count == 4);
}

TEST_CASE("diff: a deletion from git") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) { uet::test::fs::remove(wt / "src/b.txt"); });
  auto c = only(parse_ok(d));
  CHECK(c.kind == change_kind::remove);
  CHECK(c.old_path == "src/b.txt");
  CHECK(c.new_path.empty());
  CHECK(c.old_mode == "100644");
  REQUIRE(c.hunks.size() == 1);
  CHECK(c.hunks[0].new_count == 0);
}

TEST_CASE("diff: a pure rename from git") {
  repo_fixture f(base_files());
  auto d2 = f.capture([](const path& wt) {
    uet::test::fs::create_directories(wt / "lib");
    uet::test::fs::rename(wt / "src/a.txt", wt / "lib/renamed-longer.txt");
  });
  auto c = only(parse_ok(d2));
  CHECK(c.kind == change_kind::rename);
  CHECK(c.old_path == "src/a.txt");
  CHECK(c.new_path == "lib/renamed-longer.txt");
  CHECK(c.hunks.empty());
}

TEST_CASE("diff: a rename with edits from git") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) {
    uet::test::fs::remove(wt / "src/a.txt");
    write_file(wt / "src/a2.txt", "one\ntwo\nthree\nfour\nFIVE\nsix\nseven\neight\nnine\nten\n");
  });
  INFO(d);
  CHECK(d.find("rename from src/a.txt") != std::string::npos);
  auto c = only(parse_ok(d));
  CHECK(c.kind == change_kind::rename);
  CHECK(c.old_path == "src/a.txt");
  CHECK(c.new_path == "src/a2.txt");
  REQUIRE(c.hunks.size() == 1);
  CHECK(c.hunks[0].old_count == c.hunks[0].new_count);
}

TEST_CASE("diff: renames between names with spaces and of different lengths") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) {
    uet::test::fs::rename(wt / "src/long name.txt", wt / "src/a much longer name.txt");
  });
  INFO(d);
  auto c = only(parse_ok(d));
  CHECK(c.kind == change_kind::rename);
  CHECK(c.old_path == "src/long name.txt");
  CHECK(c.new_path == "src/a much longer name.txt");
}

TEST_CASE("diff: a copy from git (git diff -C --find-copies-harder)") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("copy", f.base);
  REQUIRE(wt);
  uet::test::fs::copy_file(*wt / "src/a.txt", *wt / "src/a copy.txt");
  git_in(*wt, {"add", "-A"});
  auto d = git_in(*wt, {"-c", "core.quotePath=true", "diff", "--cached", "--binary", "--full-index",
                        "-C", "--find-copies-harder", f.base});
  INFO(d);
  REQUIRE(d.find("copy from src/a.txt") != std::string::npos);
  auto c = only(parse_ok(d + "\n"));
  CHECK(c.kind == change_kind::copy);
  CHECK(c.old_path == "src/a.txt");
  CHECK(c.new_path == "src/a copy.txt");
  CHECK(c.hunks.empty());
}

TEST_CASE("diff: a binary file from git") {
  repo_fixture f(base_files());
  std::string bytes("\x00\x01\x02\xff\xfe binary \x00 data", 18);
  for (int i = 0; i < 200; ++i)
    bytes += static_cast<char>(i * 7);
  auto d = f.capture([&](const path& wt) { write_file(wt / "img/logo.bin", bytes); });
  CHECK(d.find("GIT binary patch") != std::string::npos);
  auto c = only(parse_ok(d));
  CHECK(c.kind == change_kind::add);
  CHECK(c.new_path == "img/logo.bin");
  CHECK(c.binary);
  CHECK(c.hunks.empty());
}

TEST_CASE("diff: a binary file and a text file after it are both read") {
  repo_fixture f(base_files());
  auto d = f.capture([&](const path& wt) {
    write_file(wt / "a.bin", std::string("\x00\x01\x02", 3));
    write_file(wt / "z.txt", "after\n");
  });
  auto files = parse_ok(d);
  REQUIRE(files.size() == 2);
  CHECK(files[0].binary);
  CHECK(files[0].new_path == "a.bin");
  CHECK_FALSE(files[1].binary);
  CHECK(files[1].new_path == "z.txt");
  CHECK(files[1].hunks.size() == 1);
}

TEST_CASE("diff: a mode change (chmod +x) from git") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) { uet::test::make_executable(wt / "tool.sh"); });
  auto c = only(parse_ok(d));
  CHECK(c.kind == change_kind::modify);
  CHECK(c.old_path == "tool.sh");
  CHECK(c.new_path == "tool.sh");
  CHECK(c.old_mode == "100644");
  CHECK(c.new_mode == "100755");
  CHECK(c.hunks.empty());
}

TEST_CASE("diff: a mode change with an edit from git") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) {
    write_file(wt / "tool.sh", "#!/bin/sh\necho bye\n");
    uet::test::make_executable(wt / "tool.sh");
  });
  auto c = only(parse_ok(d));
  CHECK(c.old_mode == "100644");
  CHECK(c.new_mode == "100755");
  CHECK(c.hunks.size() == 1);
}

TEST_CASE("diff: a symlink from git, with its target") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) {
    uet::test::fs::create_symlink("../../etc/passwd", wt / "src/link");
    uet::test::fs::create_symlink("a.txt", wt / "src/good link");
  });
  INFO(d);
  auto files = parse_ok(d);
  REQUIRE(files.size() == 2);
  const auto& good = files[0].new_path == "src/good link" ? files[0] : files[1];
  const auto& evil = files[0].new_path == "src/link" ? files[0] : files[1];
  CHECK(evil.kind == change_kind::add);
  CHECK(evil.symlink);
  CHECK(evil.new_mode == "120000");
  CHECK(evil.symlink_target == "../../etc/passwd");
  CHECK(good.symlink);
  CHECK(good.symlink_target == "a.txt");
}

TEST_CASE("diff: a changed symlink target and a removed symlink") {
  repo_fixture f(base_files());
  // Commit a symlink into the base first.
  uet::test::fs::create_symlink("README.md", f.repo / "link");
  git_in(f.repo, {"add", "link"});
  git_in(f.repo, {"commit", "-qm", "link"});
  f.base = git_in(f.repo, {"rev-parse", "HEAD"});
  auto d = f.capture([](const path& wt) {
    uet::test::fs::remove(wt / "link");
    uet::test::fs::create_symlink("/etc/shadow", wt / "link");
  });
  auto c = only(parse_ok(d));
  CHECK(c.kind == change_kind::modify);
  CHECK(c.symlink);
  CHECK(c.symlink_target == "/etc/shadow");

  auto d2 = f.capture([](const path& wt) { uet::test::fs::remove(wt / "link"); });
  auto c2 = only(parse_ok(d2));
  CHECK(c2.kind == change_kind::remove);
  CHECK(c2.old_path == "link");
  CHECK_FALSE(c2.symlink); // nothing is created
}

TEST_CASE("diff: a symlink target that holds a newline is read whole") {
  // A hand-written patch: git itself would write the same for such a link.
  std::string d = "diff --git a/l b/l\n"
                  "new file mode 120000\n"
                  "--- /dev/null\n"
                  "+++ b/l\n"
                  "@@ -0,0 +1,2 @@\n"
                  "+x\n"
                  "+/../../../etc\n"
                  "\\ No newline at end of file\n";
  auto c = only(parse_ok(d));
  CHECK(c.symlink);
  CHECK(c.symlink_target == "x\n/../../../etc");
}

TEST_CASE("diff: quoted paths with unicode, spaces, quotes and backslashes") {
  repo_fixture f(base_files());
  const std::string cafe = "caf\xC3\xA9 menu.txt";
  const std::string odd = "we\"ird\\name.txt";
  auto d = f.capture([&](const path& wt) {
    write_file(wt / "dir with space" / cafe, "x\n");
    write_file(wt / odd, "y\n");
    uet::test::fs::rename(wt / "src/b.txt", wt / "src/b\xC3\xA9.txt");
  });
  INFO(d);
  CHECK(d.find("\"b/dir with space/caf\\303\\251 menu.txt\"") != std::string::npos);
  auto files = parse_ok(d);
  REQUIRE(files.size() == 3);
  std::vector<std::string> names;
  for (const auto& c : files)
    names.push_back(c.new_path);
  CHECK_THAT(names, Catch::Matchers::VectorContains("dir with space/" + cafe));
  CHECK_THAT(names, Catch::Matchers::VectorContains(odd));
  CHECK_THAT(names, Catch::Matchers::VectorContains(std::string("src/b\xC3\xA9.txt")));
  for (const auto& c : files)
    if (c.kind == change_kind::rename)
      CHECK(c.old_path == "src/b.txt");
}

TEST_CASE("diff: a name with a space keeps no trailing tab from '+++'") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) { write_file(wt / "sp ace.txt", "new\n"); });
  CHECK(d.find("+++ b/sp ace.txt\t\n") != std::string::npos);
  auto c = only(parse_ok(d));
  CHECK(c.new_path == "sp ace.txt");
}

TEST_CASE("diff: several changes in one patch come back in order") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) {
    write_file(wt / "README.md", "# readme\nmore\n");
    uet::test::fs::remove(wt / "src/b.txt");
    write_file(wt / "zz.txt", "z\n");
  });
  auto files = parse_ok(d);
  REQUIRE(files.size() == 3);
  CHECK(files[0].kind == change_kind::modify);
  CHECK(files[1].kind == change_kind::remove);
  CHECK(files[2].kind == change_kind::add);
}

TEST_CASE("diff: unquote_git_path") {
  std::string out;
  CHECK(unquote_git_path("plain name", out));
  CHECK(out == "plain name");
  CHECK(unquote_git_path("\"caf\\303\\251\"", out));
  CHECK(out == "caf\xC3\xA9");
  CHECK(unquote_git_path("\"a\\tb\\nc\\\"d\\\\e\"", out));
  CHECK(out == "a\tb\nc\"d\\e");
  CHECK(unquote_git_path("\"\"", out));
  CHECK(out.empty());
  CHECK_FALSE(unquote_git_path("\"unterminated", out));
  CHECK_FALSE(unquote_git_path("\"bad escape \\q\"", out));
  CHECK_FALSE(unquote_git_path("\"ends in backslash\\\"", out));
  CHECK_FALSE(unquote_git_path("\"", out));
}

TEST_CASE("diff: input that is not a git diff fails naming the line") {
  CHECK_THAT(failure_of("hello world\n"),
             Catch::Matchers::StartsWith("line 1 of the patch: expected 'diff --git'"));
  CHECK_THAT(failure_of("\n\n--- a/x\n+++ b/x\n"), Catch::Matchers::StartsWith("line 3 "));
  // A plain `diff -u` is not accepted: only git's format carries modes and renames.
  CHECK_THAT(failure_of("--- x.txt\t2020-01-01\n+++ x.txt\t2020-01-02\n@@ -1 +1 @@\n-a\n+b\n"),
             Catch::Matchers::StartsWith("line 1 "));
}

TEST_CASE("diff: malformed lines fail naming the line") {
  const std::string head = "diff --git a/f.txt b/f.txt\nindex 1111111..2222222 100644\n"
                           "--- a/f.txt\n+++ b/f.txt\n";
  SECTION("malformed hunk header") {
    auto m = failure_of(head + "@@ -1,x +1 @@\n-a\n+b\n");
    CHECK_THAT(m, Catch::Matchers::StartsWith("line 5 of the patch: malformed hunk header"));
  }
  SECTION("negative counts") {
    auto m = failure_of(head + "@@ -1,-1 +1 @@\n+b\n");
    CHECK_THAT(m, Catch::Matchers::StartsWith("line 5 of the patch: malformed hunk header"));
  }
  SECTION("unknown extended header") {
    auto m = failure_of("diff --git a/f b/f\nwhat is this\n");
    CHECK_THAT(m, Catch::Matchers::StartsWith("line 2 of the patch: unexpected line"));
  }
  SECTION("hunk with more lines than its header says") {
    auto m = failure_of(head + "@@ -1 +1 @@\n-a\n+b\n+c\n");
    CHECK_THAT(m, Catch::Matchers::StartsWith("line 8 of the patch: unexpected line '+c'"));
  }
  SECTION("hunk cut off by the next file") {
    auto m = failure_of(head + "@@ -1,3 +1,3 @@\n-a\n+b\n" + head + "@@ -1 +1 @@\n-a\n+b\n");
    CHECK_THAT(m, Catch::Matchers::StartsWith("line 8 of the patch: hunk is shorter"));
  }
  SECTION("unreadable names") {
    auto m = failure_of("diff --git \"a/unterminated b/x\n");
    CHECK_THAT(m, Catch::Matchers::StartsWith("line 1 of the patch: cannot read the file names"));
  }
  SECTION("a rename whose names are never given") {
    auto m = failure_of("diff --git a/x b/yy\nsimilarity index 100%\n");
    CHECK_THAT(m, Catch::Matchers::StartsWith("line 1 of the patch: cannot tell which files"));
  }
}

TEST_CASE("diff: a real patch cut short fails naming the line") {
  repo_fixture f(base_files());
  auto d = f.capture([](const path& wt) {
    write_file(wt / "src/a.txt", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
    write_file(wt / "data.bin", std::string(300, '\0') + "tail");
  });
  auto full = parse_ok(d);
  REQUIRE(full.size() == 2);
  // Cut at every line boundary inside the text hunk: each prefix must fail.
  std::vector<std::size_t> line_starts;
  for (std::size_t i = 0; i < d.size(); ++i)
    if (d[i] == '\n')
      line_starts.push_back(i + 1);
  auto hunk_at = d.find("\n@@ ") + 1;
  auto first_hunk_line = static_cast<std::size_t>(
      std::count(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(hunk_at), '\n'));
  for (std::size_t k = first_hunk_line + 1; k < first_hunk_line + 20; ++k) {
    auto prefix = d.substr(0, line_starts[k - 1]);
    auto r = parse_diff(prefix);
    INFO(prefix);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.message(), Catch::Matchers::Contains("the patch ends inside a hunk"));
    CHECK_THAT(r.message(), Catch::Matchers::StartsWith("line " + std::to_string(k) + " "));
  }
  // A binary patch cut inside a data line, and right after its header.
  auto bin_at = d.find("GIT binary patch\n");
  REQUIRE(bin_at != std::string::npos);
  auto literal_end = d.find('\n', d.find("literal ", bin_at)) + 1;
  CHECK_THAT(failure_of(d.substr(0, literal_end + 7)),
             Catch::Matchers::Contains("corrupt binary patch data"));
  CHECK_THAT(failure_of(d.substr(0, bin_at + 17)), Catch::Matchers::Contains("cut short"));
  // A header with nothing after it.
  CHECK_THAT(failure_of("diff --git a/x b/x\n"),
             Catch::Matchers::StartsWith("line 1 of the patch: the entry for 'x' changes nothing"));
}

TEST_CASE("diff: a patch read from its file parses as the same patch in memory") {
  repo_fixture f(base_files());
  auto diff = f.capture([](const path& wt) {
    write_file(wt / "src" / "a.txt", "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine\n10");
    fs::rename(wt / "src" / "long name.txt", wt / "src" / "new\tname.txt");
    fs::remove(wt / "src" / "b.txt");
    write_file(wt / "bin.dat", std::string("\0\1\2\3binary", 10));
    fs::create_symlink("a.txt", wt / "src" / "link");
    fs::permissions(wt / "tool.sh", fs::perms::owner_exec, fs::perm_options::add);
  });
  uet::test::temp_dir dir;
  auto file = dir.path() / "p.diff";
  write_file(file, diff);
  auto mem = parse_ok(diff);
  auto disk = parse_diff_file(file);
  INFO((disk ? "" : disk.message()));
  REQUIRE(disk);
  REQUIRE(disk->size() == mem.size());
  CHECK(mem.size() == 6);
  for (std::size_t i = 0; i < mem.size(); ++i) {
    CHECK((*disk)[i].kind == mem[i].kind);
    CHECK((*disk)[i].old_path == mem[i].old_path);
    CHECK((*disk)[i].new_path == mem[i].new_path);
    CHECK((*disk)[i].old_mode == mem[i].old_mode);
    CHECK((*disk)[i].new_mode == mem[i].new_mode);
    CHECK((*disk)[i].binary == mem[i].binary);
    CHECK((*disk)[i].symlink_target == mem[i].symlink_target);
    CHECK((*disk)[i].hunks.size() == mem[i].hunks.size());
  }
  // Cut short inside a hunk, it fails the same way.
  auto hunk = diff.find("\n@@ ");
  REQUIRE(hunk != std::string::npos);
  auto cut = diff.substr(0, diff.find('\n', hunk + 1) + 1);
  write_file(file, cut);
  auto cut_disk = parse_diff_file(file);
  REQUIRE_FALSE(cut_disk);
  CHECK(cut_disk.message() == failure_of(cut));
  CHECK_FALSE(parse_diff_file(dir.path() / "missing.diff"));
}

TEST_CASE("diff: the new side's object id is read from the index line, with or without a mode") {
  auto files =
      parse_diff("diff --git a/f.txt b/f.txt\nindex 1111111..2222222 100644\n"
                 "--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-a\n+b\n"
                 "diff --git a/n.txt b/n.txt\nnew file mode 100755\n"
                 "index 0000000..3333333\n--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+n\n"
                 "diff --git a/x b/y\nsimilarity index 100%\nrename from x\nrename to y\n");
  REQUIRE(files);
  REQUIRE(files->size() == 3);
  CHECK((*files)[0].new_id == "2222222");
  CHECK((*files)[0].new_mode == "100644");
  CHECK((*files)[1].new_id == "3333333");
  CHECK((*files)[1].new_mode == "100755");
  CHECK((*files)[2].new_id.empty()); // a pure rename has no index line
}
