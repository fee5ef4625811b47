#include <catch2/catch.hpp>

#include "config/patch_limits.h"
#include "config/project.h"
#include "config/yaml_reader.h"

using namespace uet::config;

TEST_CASE("project: defaults hold without uet.yaml and paths are under the root") {
  auto cfg = default_project("/p/demo");
  CHECK(cfg.project == "demo");
  CHECK(cfg.state_db == "/p/demo/.uet/state.db");
  CHECK(cfg.ledger_dir == "/p/demo/.uet/ledger");
  CHECK(cfg.integration_branch == "uet/integration");
  CHECK(cfg.base_ref == "HEAD");
  CHECK(cfg.max_workers == 4);
}

TEST_CASE("project: the environment overrides uet.yaml") {
  auto cfg = default_project("/p");
  auto doc = parse_yaml("max_workers: 8\nstate_db: db/x.db\n");
  REQUIRE(doc.ok());
  problem_list out;
  apply_project_file(cfg, *doc, "uet.yaml", out);
  CHECK(cfg.max_workers == 8);
  CHECK(cfg.state_db == "/p/db/x.db");
  apply_environment(cfg,
                    {{"PIPELINE_DB_PATH", "/tmp/other.db"},
                     {"PIPELINE_MAX_WORKERS", "2"},
                     {"PIPELINE_DRY_RUN", "1"},
                     {"UET_PATCH_LEDGER_DIR", "ledger"},
                     {"UET_DEBUG", "1"},
                     {"PIPELINE_ENGINE", "legacy"}},
                    out);
  CHECK(out.empty());
  CHECK(cfg.state_db == "/tmp/other.db");
  CHECK(cfg.max_workers == 2);
  CHECK(cfg.dry_run);
  CHECK(cfg.ledger_dir == "/p/ledger");
  CHECK(cfg.debug);
  CHECK(cfg.engine == uet::engine_kind::legacy);
}

TEST_CASE("project: bad environment values are problems naming the variable") {
  auto cfg = default_project("/p");
  problem_list out;
  apply_environment(
      cfg,
      {{"PIPELINE_MAX_WORKERS", "999"}, {"PIPELINE_ENGINE", "fast"}, {"PIPELINE_DRY_RUN", "maybe"}},
      out);
  REQUIRE(out.size() == 3);
  for (const auto& p : out)
    CHECK(p.file == "environment");
  CHECK(out[0].field == "PIPELINE_MAX_WORKERS");
  CHECK(cfg.max_workers == 4);
}

TEST_CASE("project: branch names follow git's rules") {
  CHECK(is_valid_branch_name("uet/integration"));
  CHECK_FALSE(is_valid_branch_name("a..b"));
  CHECK_FALSE(is_valid_branch_name("a b"));
  CHECK_FALSE(is_valid_branch_name("x.lock"));
  CHECK_FALSE(is_valid_branch_name("-x"));
  CHECK_FALSE(is_valid_branch_name("a/.b"));
}

TEST_CASE("project: sandbox takes a mode or {mode, write}, best-effort by default") {
  auto cfg = default_project("/p");
  CHECK(cfg.sandbox.mode == uet::sandbox_mode::best_effort);
  auto doc = parse_yaml("sandbox: required\n");
  REQUIRE(doc.ok());
  problem_list out;
  apply_project_file(cfg, *doc, "uet.yaml", out);
  CHECK(out.empty());
  CHECK(cfg.sandbox.mode == uet::sandbox_mode::required);
  auto both = parse_yaml("sandbox: {mode: off, write: [/srv/cache]}\n");
  REQUIRE(both.ok());
  apply_project_file(cfg, *both, "uet.yaml", out);
  CHECK(out.empty());
  CHECK(cfg.sandbox.mode == uet::sandbox_mode::off);
  CHECK(cfg.sandbox.write == std::vector<std::string>{"/srv/cache"});
  auto bad = parse_yaml("sandbox: loose\n");
  REQUIRE(bad.ok());
  apply_project_file(cfg, *bad, "uet.yaml", out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].field == "sandbox");
  CHECK(out[0].message.find("'loose' is not a sandbox mode") != std::string::npos);
}

TEST_CASE("project: patch_limits take bytes or sizes with units, and say what is wrong") {
  CHECK(parse_size("20 MiB") == (20 << 20));
  CHECK(parse_size("512KiB") == (512 << 10));
  CHECK(parse_size("1 GB") == 1000000000);
  CHECK(parse_size("4096") == 4096);
  CHECK_FALSE(parse_size("20 MiBs"));
  CHECK_FALSE(parse_size("MiB"));
  CHECK_FALSE(parse_size("-5"));
  CHECK_FALSE(parse_size("999999999999999 GiB")); // would overflow
  CHECK(parse_size("1024 TiB") == std::nullopt);  // not a unit
  CHECK(parse_size("1048576 GiB") == (std::int64_t(1) << 50));
  auto cfg = default_project("/p");
  CHECK(cfg.patch_limits == uet::patch_limits{});
  CHECK(cfg.patch_limits.max_bytes == (20 << 20));
  auto doc = parse_yaml("patch_limits: {max_bytes: \"1 GiB\", max_files: 10}\n");
  REQUIRE(doc.ok());
  problem_list out;
  apply_project_file(cfg, *doc, "uet.yaml", out);
  CHECK(out.empty());
  CHECK(cfg.patch_limits.max_bytes == (1LL << 30));
  CHECK(cfg.patch_limits.max_files == 10);
  CHECK(cfg.patch_limits.max_file_bytes == (10 << 20)); // untouched
  auto bad = parse_yaml("patch_limits: {max_bytes: \"lots\", max_files: 0, max_blobs: 3}\n");
  REQUIRE(bad.ok());
  problem_list ps;
  apply_project_file(cfg, *bad, "uet.yaml", ps);
  auto text = [&] {
    std::string all;
    for (const auto& p : ps)
      all += p.field + ": " + p.message + "\n";
    return all;
  }();
  CHECK_THAT(text, Catch::Contains("patch_limits.max_bytes: expected a size such as") &&
                       Catch::Contains("got 'lots'") &&
                       Catch::Contains("patch_limits.max_files: ") &&
                       Catch::Contains("patch_limits.max_blobs: "));
}

TEST_CASE("project: nodes and node_tls, paths under the root, a missing or unknown field named") {
  auto cfg = default_project("/p");
  auto doc = parse_yaml("nodes: [\"build-1:7420\"]\n"
                        "node_tls: {cert: tls/c.pem, key: tls/k.pem, ca: /etc/uet/ca.pem}\n");
  REQUIRE(doc.ok());
  problem_list out;
  apply_project_file(cfg, *doc, "uet.yaml", out);
  CHECK(out.empty());
  CHECK(cfg.nodes == std::vector<std::string>{"build-1:7420"});
  CHECK(cfg.node_tls_cert == "/p/tls/c.pem");
  CHECK(cfg.node_tls_key == "/p/tls/k.pem");
  CHECK(cfg.node_tls_ca == "/etc/uet/ca.pem");

  auto bad = parse_yaml("node_tls: {cert: c.pem, keys: k.pem}\n");
  REQUIRE(bad.ok());
  problem_list problems;
  apply_project_file(cfg, *bad, "uet.yaml", problems);
  std::string fields;
  for (const auto& p : problems)
    fields += p.field + " ";
  CHECK(fields.find("node_tls.keys") != std::string::npos);
  CHECK(fields.find("node_tls.key ") != std::string::npos);
  CHECK(fields.find("node_tls.ca") != std::string::npos);
}
