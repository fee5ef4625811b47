#include <catch2/catch.hpp>

#include "ledger/patch_store.h"

using namespace uet::ledger;

TEST_CASE("patch id: parsing inverts make_patch_id, dots in the workstream id included") {
  for (const std::string ws : {"a", "a.2", "lib.v1.2", "x-y_z"})
    for (int attempt : {1, 2, 10, 123456}) {
      auto id = parse_patch_id(make_patch_id("run-1", ws, attempt), "run-1");
      REQUIRE(id);
      CHECK(id->workstream_id == ws);
      CHECK(id->attempt == attempt);
    }
}

TEST_CASE("patch id: workstream 'a.2' attempt 1 is never read as workstream 'a' attempt 2") {
  auto id = parse_patch_id("run-1.a.2.1", "run-1");
  REQUIRE(id);
  CHECK(id->workstream_id == "a.2");
  CHECK(id->attempt == 1);
}

TEST_CASE("patch id: another run's ids and malformed ids are not this run's patches") {
  for (const std::string bad :
       {"run-2.a.1", "run-10.a.1", "run-1", "run-1.", "run-1.a", "run-1.a.", "run-1..1",
        "run-1.a.1x", "run-1.a.x1", "run-1.a.01", "run-1.a.-1", "run-1.a.9999999999", "x"})
    CHECK_FALSE(parse_patch_id(bad, "run-1"));
}

TEST_CASE("patch id: any run's id parses to its workstream and attempt") {
  auto id = parse_patch_id(make_patch_id("run-20261202-1", "lib.v1", 3));
  REQUIRE(id);
  CHECK(id->workstream_id == "lib.v1");
  CHECK(id->attempt == 3);
  for (const std::string bad : {"x", ".a.1", "run-1.", "run-1.a", "run-1..1", "run-1.a.01"})
    CHECK_FALSE(parse_patch_id(bad));
}
