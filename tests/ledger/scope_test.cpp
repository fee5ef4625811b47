#include <catch2/catch.hpp>

#include "ledger/scope.h"

using uet::ledger::glob_match;
using uet::ledger::in_scope;

TEST_CASE("scope: literal patterns match the whole path only") {
  CHECK(glob_match("src/auth.py", "src/auth.py"));
  CHECK_FALSE(glob_match("src/auth.py", "src/auth.pyc"));
  CHECK_FALSE(glob_match("src/auth.py", "src/auth.p"));
  CHECK_FALSE(glob_match("src/auth.py", "xsrc/auth.py"));
  CHECK_FALSE(glob_match("src/auth.py", "SRC/auth.py")); // case-sensitive
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "a"));
}

TEST_CASE("scope: '*' matches within one path component and never crosses '/'") {
  CHECK(glob_match("src/*.py", "src/a.py"));
  CHECK(glob_match("src/*.py", "src/.py")); // '*' may match nothing
  CHECK(glob_match("src/*", "src/anything.txt"));
  CHECK(glob_match("*", "README.md"));
  CHECK(glob_match("a*b*c", "aXXbYYc"));
  CHECK_FALSE(glob_match("src/*.py", "src/sub/a.py"));
  CHECK_FALSE(glob_match("*", "src/a.py"));
  CHECK_FALSE(glob_match("src*", "src/a"));
  CHECK_FALSE(glob_match("*.py", "a/b.py"));
  CHECK_FALSE(glob_match("src/*.py", "src/a.pyx"));
}

TEST_CASE("scope: '?' matches exactly one character, never '/'") {
  CHECK(glob_match("file?.txt", "file1.txt"));
  CHECK(glob_match("file?.txt", "fileX.txt"));
  CHECK_FALSE(glob_match("file?.txt", "file.txt"));
  CHECK_FALSE(glob_match("file?.txt", "file12.txt"));
  CHECK_FALSE(glob_match("file?.txt", "file/.txt"));
  CHECK_FALSE(glob_match("a?b", "a/b"));
}

TEST_CASE("scope: '**' crosses any number of directories, including none") {
  CHECK(glob_match("src/**", "src/a"));
  CHECK(glob_match("src/**", "src/a/b/c.py"));
  CHECK_FALSE(glob_match("src/**", "srcx/a"));
  CHECK_FALSE(glob_match("src/**", "other/src/a"));
  CHECK(glob_match("**", "a"));
  CHECK(glob_match("**", "a/b/c"));
  CHECK(glob_match("**/test_*.py", "test_a.py"));
  CHECK(glob_match("**/test_*.py", "pkg/test_a.py"));
  CHECK(glob_match("**/test_*.py", "pkg/sub/test_a.py"));
  CHECK_FALSE(glob_match("**/test_*.py", "pkg/atest_a.py"));
  CHECK_FALSE(glob_match("**/test_*.py", "test_dir/a.py"));
}

TEST_CASE("scope: a/**/b matches a/b and any depth between") {
  CHECK(glob_match("a/**/b", "a/b"));
  CHECK(glob_match("a/**/b", "a/x/b"));
  CHECK(glob_match("a/**/b", "a/x/y/z/b"));
  CHECK_FALSE(glob_match("a/**/b", "a/xb"));
  CHECK_FALSE(glob_match("a/**/b", "ab"));
  CHECK_FALSE(glob_match("a/**/b", "a/b/c"));
  CHECK_FALSE(glob_match("a/**/b", "x/a/b"));
  CHECK(glob_match("a/**/*.md", "a/README.md"));
  CHECK(glob_match("a/**/*.md", "a/d/e/README.md"));
}

TEST_CASE("scope: character classes, ranges and negation") {
  CHECK(glob_match("f[abc].txt", "fa.txt"));
  CHECK(glob_match("f[abc].txt", "fc.txt"));
  CHECK_FALSE(glob_match("f[abc].txt", "fd.txt"));
  CHECK(glob_match("v[0-9]", "v7"));
  CHECK_FALSE(glob_match("v[0-9]", "vx"));
  CHECK(glob_match("[a-cx-z]", "y"));
  CHECK_FALSE(glob_match("[a-cx-z]", "m"));
  CHECK(glob_match("f[!x].txt", "fa.txt"));
  CHECK_FALSE(glob_match("f[!x].txt", "fx.txt"));
  CHECK(glob_match("f[^x].txt", "fa.txt"));
  CHECK_FALSE(glob_match("f[^x].txt", "fx.txt"));
  CHECK(glob_match("[]]", "]"));            // ']' first in a class is literal
  CHECK_FALSE(glob_match("a[!x]b", "a/b")); // a class never matches '/'
  CHECK_FALSE(glob_match("a[/]b", "a/b"));
  CHECK(glob_match("a[b", "a[b")); // no closing bracket: '[' is literal
  CHECK_FALSE(glob_match("a[b", "ab"));
}

TEST_CASE("scope: the directory rule allows everything below a matched directory") {
  std::vector<std::string> p{"src/utils"};
  CHECK(in_scope(p, "src/utils"));
  CHECK(in_scope(p, "src/utils/x.py"));
  CHECK(in_scope(p, "src/utils/deep/er/x.py"));
  CHECK_FALSE(in_scope(p, "src/utilsx.py"));
  CHECK_FALSE(in_scope(p, "src/utils.py"));
  CHECK_FALSE(in_scope(p, "src"));
  CHECK_FALSE(in_scope(p, "lib/src/utils/x.py"));
  // A glob that matches a leading directory allows what is below it.
  CHECK(in_scope({"src/*"}, "src/a/b/c.txt"));
  CHECK(in_scope({"pkg?"}, "pkg1/mod.py"));
  CHECK_FALSE(in_scope({"pkg?"}, "pkg12/mod.py"));
}

TEST_CASE("scope: a trailing '/' means the directory, i.e. everything under it") {
  std::vector<std::string> p{"docs/"};
  CHECK(in_scope(p, "docs/a.md"));
  CHECK(in_scope(p, "docs/sub/b.md"));
  CHECK_FALSE(in_scope(p, "docs")); // a file named docs is not under docs/
  CHECK_FALSE(in_scope(p, "docsx/a.md"));
  CHECK_FALSE(in_scope(p, "other/docs/a.md"));
  CHECK(in_scope({"src/*/"}, "src/pkg/a.py"));
  CHECK_FALSE(in_scope({"src/*/"}, "src/a.py"));
}

TEST_CASE("scope: any pattern may allow a path, none and empty patterns allow nothing") {
  std::vector<std::string> p{"src/*.py", "tests/**", "README.md"};
  CHECK(in_scope(p, "src/a.py"));
  CHECK(in_scope(p, "tests/x/y.py"));
  CHECK(in_scope(p, "README.md"));
  CHECK_FALSE(in_scope(p, "setup.py"));
  CHECK_FALSE(in_scope(p, "src/a.txt"));
  CHECK_FALSE(in_scope({}, "README.md"));
  CHECK_FALSE(in_scope({""}, "README.md"));
  CHECK_FALSE(in_scope({"/"}, "README.md"));
}

TEST_CASE("scope: hostile patterns finish quickly") {
  // Many stars against a long non-matching path must not explode.
  std::string path(64, 'a');
  CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*b", path));
  std::string deep;
  for (int i = 0; i < 30; ++i)
    deep += "d/";
  deep += "x";
  CHECK_FALSE(glob_match("**/**/**/**/**/**/y", deep));
  CHECK(glob_match("**/**/**/x", deep));
}
