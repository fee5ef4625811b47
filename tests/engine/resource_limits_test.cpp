// Tools' resource limits on real processes: each limit holds from the
// program's first instruction, reaches what it forks, and a death by one of
// them says which.
#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>

#include "engine/resource_limits.h"
#include "engine/subprocess.h"
#include "tests/support/test_env.h"

using namespace uet::engine;

namespace {

process_request limited(std::vector<std::string> argv, uet::resource_limits limits) {
  process_request r;
  r.argv = std::move(argv);
  r.limits = limits;
  r.timeout = std::chrono::seconds(30);
  return r;
}

uet::resource_limits open_files(int n) {
  uet::resource_limits l;
  l.open_files = n;
  return l;
}

} // namespace

TEST_CASE("limits: open files hold in the program and in what it forks, soft and hard") {
  // The shell reads them as it starts: set after spawn, it would see the old ones.
  auto res = run_process(
      limited({"sh", "-c", "ulimit -Sn; ulimit -Hn; sh -c 'ulimit -n'"}, open_files(37)));
  INFO(res.output);
  REQUIRE(res.ok());
  CHECK(res.output == "37\n37\n37\n");
}

TEST_CASE("limits: the program still gets its own argv, found on PATH or on its env's PATH") {
  auto res = run_process(limited({"printf", "%s|", "a b", "$(x)", "'"}, open_files(64)));
  REQUIRE(res.ok());
  CHECK(res.output == "a b|$(x)|'|");
  uet::test::temp_dir dir;
  auto tool = dir.path() / "bin" / "my-tool";
  std::filesystem::create_directories(tool.parent_path());
  uet::test::write_file(tool, "#!/bin/sh\necho \"mine $1 $(ulimit -n)\"\n");
  std::filesystem::permissions(tool, std::filesystem::perms::owner_all);
  auto r = limited({"my-tool", "x"}, open_files(64));
  r.env["PATH"] = (dir.path() / "bin").string() + ":/usr/bin:/bin";
  auto mine = run_process(r);
  INFO(mine.describe());
  REQUIRE(mine.ok());
  CHECK(mine.output == "mine x 64\n");
  auto missing = run_process(limited({"no-such-tool-uet"}, open_files(64)));
  CHECK_FALSE(missing.started);
  CHECK_THAT(missing.describe(), Catch::Contains("no-such-tool-uet"));
}

TEST_CASE("limits: a file larger than file_size_mb ends the writer with SIGXFSZ, named") {
  uet::test::temp_dir dir;
  uet::resource_limits l;
  l.file_size_mb = 1;
  auto r = limited({"dd", "if=/dev/zero", "of=big", "bs=1M", "count=3"}, l);
  r.cwd = dir.path();
  auto res = run_process(r);
  CHECK(res.signal == SIGXFSZ);
  CHECK(std::filesystem::file_size(dir.path() / "big") == (1u << 20));
  CHECK_THAT(res.describe(),
             Catch::Contains("it reached its file size limit (limits.file_size_mb: 1)"));
}

TEST_CASE("limits: CPU time ends a spinning tool, and one that ignores SIGXCPU 2 s later") {
  uet::resource_limits l;
  l.cpu_s = 1;
  auto spin = run_process(limited({"sh", "-c", "while :; do :; done"}, l));
  CHECK(spin.signal == SIGXCPU);
  // rusage's user+system time is sampled: on a loaded machine it reads
  // well under the precise runtime the kernel's limit counts (852 ms seen).
  CHECK(spin.cpu_ms >= 500);
  CHECK_THAT(spin.describe(), Catch::Contains("it reached its CPU time limit (limits.cpu_s: 1)"));
  auto stubborn = run_process(limited({"sh", "-c", "trap '' XCPU; while :; do :; done"}, l));
  CHECK(stubborn.signal == SIGKILL);
  CHECK(stubborn.cpu_ms >= 1500); // well past the soft limit (same sampling as above)
  CHECK_THAT(stubborn.describe(), Catch::Contains("limits.cpu_s: 1"));
}

TEST_CASE("limits: address space bounds what a tool may allocate") {
  uet::resource_limits l;
  l.address_space_mb = 256;
  auto res = run_process(limited({"python3", "-c",
                                  "b = bytearray(64 << 20)\ntry:\n  c = bytearray(512 << 20)\n"
                                  "except MemoryError:\n  print('refused')\n"},
                                 l));
  INFO(res.describe() << "\n" << res.output);
  REQUIRE(res.ok());
  CHECK(res.output == "refused\n");
}

TEST_CASE("limits: none set, nothing is wrapped, and a kill by another cause names no limit") {
  auto plain = run_process(limited({"sh", "-c", "ulimit -n"}, {}));
  REQUIRE(plain.ok());
  CHECK(plain.output != "37\n");
  uet::resource_limits l;
  l.cpu_s = 100;
  auto killed = run_process(limited({"sh", "-c", "kill -KILL $$"}, l));
  CHECK(killed.signal == SIGKILL);
  CHECK(killed.limit.empty());
  CHECK(limit_reached(l, SIGXFSZ, 0).empty()); // no file size limit was set
}
