// base/path_lookup: PATH searched as execvp does, in order, executables only.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "base/path_lookup.h"
#include "tests/support/test_env.h"

using namespace uet;
using uet::test::temp_dir;
namespace fs = std::filesystem;

namespace {

/// Sets PATH for the scope.
struct path_set {
  explicit path_set(const std::string& value) {
    const char* old = std::getenv("PATH");
    had_ = old != nullptr;
    old_ = old ? old : "";
    ::setenv("PATH", value.c_str(), 1);
  }
  ~path_set() {
    if (had_)
      ::setenv("PATH", old_.c_str(), 1);
    else
      ::unsetenv("PATH");
  }
  bool had_;
  std::string old_;
};

fs::path program(const fs::path& dir, const std::string& name, bool executable) {
  fs::create_directories(dir);
  uet::test::write_file(dir / name, "#!/bin/sh\n");
  fs::permissions(dir / name, executable ? fs::perms::owner_all : fs::perms::owner_read);
  return dir / name;
}

} // namespace

TEST_CASE("path lookup: the first executable entry wins, others are skipped") {
  temp_dir tmp("uet-path");
  program(tmp.path() / "a", "tool", false); // not executable: skipped
  auto b = program(tmp.path() / "b", "tool", true);
  program(tmp.path() / "c", "tool", true);
  path_set p((tmp.path() / "a").string() + "::" + (tmp.path() / "b").string() + ":" +
             (tmp.path() / "c").string());
  CHECK(find_on_path("tool") == b.string());
  CHECK_FALSE(find_on_path("no-such-tool"));
  CHECK(find_on_path(b.string()) == b.string()); // a path is taken as it is
  CHECK_FALSE(find_on_path((tmp.path() / "a" / "tool").string()));
}

TEST_CASE("path lookup: relative entries only when asked, a fallback when PATH is unset") {
  temp_dir tmp("uet-path");
  program(tmp.path() / "rel", "tool", true);
  auto abs = program(tmp.path() / "abs", "tool", true);
  auto cwd = fs::current_path();
  fs::current_path(tmp.path());
  {
    path_set p("rel:" + (tmp.path() / "abs").string());
    CHECK(find_on_path("tool") == std::string("rel/tool"));
    CHECK(find_on_path("tool", false) == abs.string());
  }
  {
    path_set p("");
    ::unsetenv("PATH");
    CHECK(find_on_path("tool", true, (tmp.path() / "abs").string().c_str()) == abs.string());
  }
  fs::current_path(cwd);
}
