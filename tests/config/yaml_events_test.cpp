// config/yaml_reader builds values from yaml-cpp's parser events; the node
// tree way it replaced (still its fallback for aliases) is the reference:
// both must give the same value, or the same error, for every input.
#include <catch2/catch.hpp>
#include <random>

#include "base/files.h"
#include "config/yaml_reader.h"
#include "tests/support/test_env.h"

using namespace uet;
using namespace uet::config;

namespace {

std::string outcome(const expected<value>& r) {
  return r ? "value " + to_json_text(*r) : "error " + r.message();
}

const std::string endless = "malformed YAML: the parser does not end on this input";

bool is_endless(const expected<value>& r) {
  return !r && r.message().rfind(endless, 0) == 0;
}

void same(const std::string& text, const yaml_limits& limits = {}) {
  INFO("YAML: " << text);
  auto events = detail::parse_yaml_events(text, limits);
  // The node tree way would grow until std::bad_alloc on such input (see
  // "endless" below); only a ',' has been seen to cause it.
  if (is_endless(events)) {
    CHECK(text.find(',') != std::string::npos);
    return;
  }
  CHECK(outcome(events) == outcome(detail::parse_yaml_nodes(text, limits)));
}

std::vector<std::string> corpus() {
  std::vector<std::string> out;
  for (const char* dir : {"examples", "tests/fixtures"})
    for (const auto& e : std::filesystem::recursive_directory_iterator(test::source_dir() / dir))
      if (e.path().extension() == ".yaml")
        if (auto t = read_file(e.path(), 1 << 20); t && check_text(*t))
          out.push_back(*t);
  return out;
}

const char* const crafted[] = {
    "a: 1\nb: [x, 'y', \"z\", ~, null, true, 0x1F, 1.5e3, .inf]\nc: {d: {e: [[], {}]}}\n",
    "",
    "# only a comment\n",
    "~\n",
    "---\n",
    "--- ~\n",
    "null",
    "plain",
    "[1, 2]",
    "a: 1\n---\nb: 2\n",
    "a: 1\n--- [\n",
    "--- ~\n--- ~\n",
    "a: 1\n...\n",
    "a: 1\na: 2\n",
    "a: {b: 1, b: 2}\n",
    "null: 1\n",
    "~: 1\n",
    ": 1\n",
    "'null': 1\n",
    "? [a, b]\n: c\n",
    "? {a: 1}\n: c\n",
    "{[a]: 1}\n",
    "- ? x\n  : y\n",
    "!!str 1: x\n",
    "a: !!str 12\nb: !!int 12\nc: !custom x\nd: !!null ''\ne: !<tag:yaml.org,2002:str> y\n",
    "a: &x 1\nb: 2\n",
    "a: &x [1, 2]\nb: *x\n",
    "a: &x {k: v}\nb: *x\nc: *x\n",
    "a: *missing\n",
    "a: &x [1, *x]\n",
    "*x : 1\n",
    "a: [1, 2\nc: 3\n",
    "a: b: c\n",
    "- a\nb: c\n",
    "a:\n  - 1\n  -\n  - 3\n",
    "a: |\n  line\n   more\nb: >-\n  folded\n  text\n",
    "\"a\\u00e9\": \"\\x41\\t\"\n",
    "a: 'it''s'\n",
    "\xEF\xBB\xBF"
    "a: bom\n",
    "a: \"unterminated\n",
    "a:\tb\n",
    "key with spaces: v\n",
    "- - - deep\n",
    "{a: 1, b: [2, {c: 3}], d: }\n",
};

std::string nested(const std::string& open, int levels) {
  std::string t = "x: ";
  for (int i = 0; i < levels; ++i)
    t += open;
  t += open == "[" ? "" : "1";
  return t + std::string(levels, open == "[" ? ']' : '}');
}

} // namespace

TEST_CASE("yaml events: the same values and errors as the node tree, on every example file") {
  auto files = corpus();
  REQUIRE(files.size() > 20);
  for (const auto& t : files)
    same(t);
}

TEST_CASE("yaml events: the same on crafted edge cases (keys, tags, aliases, documents)") {
  for (const char* t : crafted)
    same(t);
  for (int levels : {255, 256, 257, 300, 2500})
    for (const char* open : {"[", "{a: "})
      same(nested(open, levels));
}

TEST_CASE("yaml events: the same under tight limits (depth, nodes, bytes)") {
  std::vector<yaml_limits> tight(4);
  tight[0].max_depth = 2;
  tight[1].max_nodes = 7;
  tight[2].max_expanded_bytes = 0; // every non-empty scalar or key overflows
  tight[3].max_depth = 3;
  tight[3].max_nodes = 20;
  auto files = corpus();
  for (const auto& limits : tight) {
    for (const auto& t : files)
      same(t, limits);
    for (const char* t : crafted)
      same(t, limits);
  }
}

TEST_CASE("yaml events: a parse yaml-cpp never ends is an error, at once") {
  // yaml-cpp 0.7 emits events forever on these (through YAML::LoadAll, the
  // node tree grew until std::bad_alloc, after gigabytes).
  for (const char* t : {",a", ",a: bo", " ,a\n", ",\n", "[a]\n,\n", "\xEF\xBB\xBF,a"}) {
    INFO(t);
    auto r = parse_yaml(t);
    REQUIRE_FALSE(r.ok());
    CHECK(r.message().rfind(endless, 0) == 0);
  }
  // Inputs dense in events are not cut short.
  std::string dense;
  for (int i = 0; i < 2000; ++i)
    dense += ":\n";
  for (std::string t :
       {dense, std::string(3000, '-'), std::string(1000, '[') + std::string(1000, ']'),
        std::string(":"), std::string("? \n: \n? \n: \n"), std::string("- - - - - -\n")})
    same(t);
}

TEST_CASE("yaml events: the same on 6,000 damaged documents") {
  std::vector<std::string> files;
  for (auto t : corpus())
    files.push_back(t);
  for (const char* t : crafted)
    files.push_back(t);
  const std::string significant = ":-[]{},?&*!#|>'\" \n\t~0a";
  std::mt19937 rng(7);
  for (int i = 0; i < 6000; ++i) {
    std::string t = files[rng() % files.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !t.empty(); ++e) {
      auto at = rng() % t.size();
      switch (rng() % 3) {
      case 0:
        t.erase(at, 1 + rng() % 4);
        break;
      case 1:
        t.insert(at, 1, significant[rng() % significant.size()]);
        break;
      default:
        t.resize(at);
      }
    }
    if (check_text(t))
      same(t);
  }
}
