// Patch admission on real runs: changes inside their scope that still may not
// become patches (a nested repository, too many files, too big), and that the
// orchestrator never holds a refused change in memory.
#include <catch2/catch.hpp>
#include <sstream>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

// A sanitizer's shadow memory and quarantine are most of a sanitized run's
// RSS: memory bounds are checked in the normal build only.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool memory_is_measured = false;
#else
constexpr bool memory_is_measured = true;
#endif

const std::string no_retries = "resilience_policy: {max_retries: 0}\n";

/// The summary line `run --json` ends with.
nlohmann::json summary_of(const std::string& output) {
  std::istringstream in(output);
  std::string line, last;
  while (std::getline(in, line))
    if (line.rfind("{\"event\":\"summary\"", 0) == 0 ||
        line.find("\"summary\"") != std::string::npos)
      last = line;
  REQUIRE_FALSE(last.empty());
  return nlohmann::json::parse(last);
}

/// A workstream document with `lines` added under its constraints.
std::string with_constraints(std::string doc, const std::string& lines) {
  auto at = doc.find("\n", doc.find("allowed_paths:"));
  return doc.insert(at + 1, lines);
}

std::string branch_files(const pipeline_project& p) {
  return p.git({"ls-tree", "-r", "--name-only", "uet/integration"});
}

/// The quarantined diff a refusal names ("... is kept in PATH").
fs::path kept_diff(const std::string& output) {
  auto at = output.find("is kept in ");
  REQUIRE(at != std::string::npos);
  auto end = output.find_first_of("\n\"", at);
  return output.substr(at + 11, end - at - 11);
}

} // namespace

TEST_CASE("admission: a nested repository the tool made is quarantined, not committed as a "
          "gitlink") {
  pipeline_project p(sh_tool,
                     {{"nested", ws("mkdir -p src/sub; cd src/sub; git init -q; echo x > f\n"
                                    "git add f; git -c user.name=t -c user.email=t@t commit -qm x",
                                    "src/**", "[]", no_retries)},
                      {"plain", ws("mkdir -p src; echo ok > src/ok.txt", "src/ok.txt")}});
  auto r = p.run({"run", "phase-all", "--parallel=1"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "nested") == "quarantined");
  CHECK(ws_state(st, "plain") == "committed");
  CHECK_THAT(r.output, Catch::Contains("src/sub is a nested git repository; submodules are not "
                                       "supported by workstreams"));
  CHECK(branch_files(p).find("src/sub") == std::string::npos);
  auto kept = kept_diff(r.output);
  CHECK_THAT(read_text(kept), Catch::Contains("new file mode 160000"));
}

TEST_CASE("admission: allow_submodules takes a gitlink .gitmodules names whose commit can be "
          "fetched") {
  // up: a repository the submodule's url names; the tools clone it, or make
  // a nested repository of their own.
  const std::string make_up =
      "up=\"$SCRATCH/up-$WT_ID\"; git init -q \"$up\"; echo x > \"$up/f\"; git -C \"$up\" add f\n"
      "git -C \"$up\" -c user.name=t -c user.email=t@t commit -qm x\n";
  const std::string name_it =
      "printf '[submodule \"sub\"]\\n\\tpath = src/sub\\n\\turl = %s\\n' \"$up\" > .gitmodules\n";
  auto allowed = [](const std::string& script) {
    return with_constraints(ws(script, "src/**\", \".gitmodules", "[]", no_retries),
                            "  allow_submodules: true\n");
  };
  pipeline_project p(sh_tool,
                     {{"cloned", allowed(make_up + "git clone -q \"$up\" src/sub\n" + name_it)},
                      {"unnamed", allowed(make_up + "git clone -q \"$up\" src/other\n")},
                      {"local", allowed(make_up +
                                        "git clone -q \"$up\" src/sub; echo y > src/sub/g\n"
                                        "git -C src/sub add g; git -C src/sub -c user.name=t -c "
                                        "user.email=t@t commit -qm local\n" +
                                        name_it)}});
  auto r = p.run({"run", "phase-all", "--parallel=1"});
  INFO(r.output);
  auto st = p.status();
  CHECK(ws_state(st, "cloned") == "committed");
  CHECK(ws_state(st, "unnamed") == "quarantined");
  CHECK(ws_state(st, "local") == "quarantined");
  CHECK_THAT(r.output, Catch::Contains("src/other is a gitlink that .gitmodules does not name"));
  CHECK_THAT(r.output,
             Catch::Contains("cannot be fetched from") && Catch::Contains("push it there first"));
  CHECK(p.git({"ls-tree", "uet/integration", "src/sub"}).rfind("160000 commit", 0) == 0);
}

TEST_CASE("admission: a file over max_file_bytes is quarantined with the numbers, its diff on "
          "disk") {
  pipeline_project p(sh_tool, {{"big", ws("mkdir -p src; head -c 12000000 /dev/urandom > "
                                          "src/big.bin; echo y > src/small.txt",
                                          "src/**", "[]", no_retries)}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(ws_state(p.status(), "big") == "quarantined");
  CHECK_THAT(r.output, Catch::Contains(
                           "src/big.bin is 11.4 MiB, limit 10 MiB (patch_limits.max_file_bytes)"));
  auto kept = kept_diff(r.output);
  CHECK(kept.parent_path().filename() == "quarantine");
  CHECK(fs::file_size(kept) > 12000000); // the binary patch of random bytes
  CHECK(branch_files(p).find("src/") == std::string::npos);
}

TEST_CASE("admission: max_files and max_bytes, from uet.yaml or the workstream, are enforced") {
  pipeline_project p(
      sh_tool,
      {{"many", ws("mkdir -p src; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo $i > src/m$i; done",
                   "src/**", "[]", no_retries)},
       {"wordy",
        with_constraints(ws("mkdir -p doc; seq 1 20000 > doc/n.txt", "doc/**", "[]", no_retries),
                         "  patch_limits: {max_bytes: \"64 KiB\"}\n")},
       {"fine", ws("mkdir -p ok; seq 1 100 > ok/n.txt", "ok/**")}});
  write_file(p.root() / "uet.yaml",
             "project: e2e\nrepo: repo\nmax_workers: 2\npatch_limits: {max_files: 10}\n");
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "many") == "quarantined");
  CHECK(ws_state(st, "wordy") == "quarantined");
  CHECK(ws_state(st, "fine") == "committed");
  CHECK_THAT(r.output, Catch::Contains("the change touches 12 files, limit 10 "
                                       "(patch_limits.max_files)"));
  CHECK_THAT(r.output, Catch::Contains("limit 64 KiB (patch_limits.max_bytes)"));
}

TEST_CASE("admission: a 200 MB output is refused without the orchestrator holding it") {
  pipeline_project p(sh_tool, {{"huge", ws("mkdir -p src; head -c 200000000 /dev/zero > src/h.bin",
                                           "src/**", "[]", no_retries)}});
  auto r = p.run({"run", "phase-all", "--json"});
  INFO(r.output.substr(r.output.size() > 4000 ? r.output.size() - 4000 : 0));
  CHECK(r.exit_code == 1);
  CHECK(ws_state(p.status(), "huge") == "quarantined");
  auto s = summary_of(r.output);
  CHECK(s["peak_rss_kb"].get<long>() > 0);
  if (memory_is_measured)
    CHECK(s["peak_rss_kb"].get<long>() < 100 * 1024);
}

TEST_CASE("admission: a 15 MB patch under a raised limit commits in the memory of a 1 KB "
          "one, kept as a file") {
  auto peak = [](long bytes) {
    pipeline_project p(sh_tool, {{"data", ws("mkdir -p src; head -c " + std::to_string(bytes) +
                                                 " /dev/urandom | base64 > src/data.txt",
                                             "src/**")}});
    write_file(p.root() / "uet.yaml", "project: e2e\nrepo: repo\npatch_limits: {max_bytes: \"64 "
                                      "MiB\", max_file_bytes: \"64 MiB\"}\n");
    auto r = p.run({"run", "phase-all", "--json"});
    INFO(r.output.substr(r.output.size() > 3000 ? r.output.size() - 3000 : 0));
    REQUIRE(r.exit_code == 0);
    auto rows = nlohmann::json::parse(p.run({"ledger", "--json"}).output);
    REQUIRE(rows.size() == 1);
    return std::make_pair(summary_of(r.output)["peak_rss_kb"].get<long>(),
                          fs::file_size(p.root() / ".uet" / "ledger" / "patches" /
                                        (rows[0]["patch_id"].get<std::string>() + ".diff")));
  };
  auto [small_kb, small_bytes] = peak(750);  // ~1 KB of base64
  auto [big_kb, big_bytes] = peak(11000000); // ~15 MB of base64
  INFO("1 KB patch: " << small_kb << " KiB peak; 15 MB patch: " << big_kb << " KiB peak");
  CHECK(small_bytes < 2000);
  CHECK(big_bytes > 14000000);
  if (memory_is_measured)
    CHECK(big_kb < small_kb * 3 / 2); // flat: the issue asked for within 2x
}

TEST_CASE("admission: names with any bytes, a mode change and a symlink inside the repository "
          "still land") {
  pipeline_project p(sh_tool,
                     {{"odd", ws("mkdir -p src; printf a > \"src/new\nline\"; printf b > "
                                 "\"$(printf 'src/bad\\377byte')\"\n"
                                 "printf c > \"src/quote\\\"and space\"; printf d > src/run.sh\n"
                                 "chmod +x src/run.sh; ln -s run.sh src/link",
                                 "src/**")}},
                     {{"README.md", "# r\n"}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto tree = p.git({"ls-tree", "-r", "-z", "uet/integration", "src/"});
  CHECK(tree.find(std::string("src/new\nline")) != std::string::npos);
  CHECK(tree.find("src/bad\xff"
                  "byte") != std::string::npos);
  CHECK(tree.find("src/quote\"and space") != std::string::npos);
  CHECK(tree.find("100755 blob") != std::string::npos); // run.sh is executable
  CHECK(tree.find("120000 blob") != std::string::npos); // the link
}
