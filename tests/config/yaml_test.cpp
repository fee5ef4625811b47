#include <catch2/catch.hpp>

#include "config/json_reader.h"
#include "config/yaml_reader.h"
#include "config/yaml_writer.h"

using namespace uet::config;

namespace {

value round_trip(const value& v) {
  auto text = to_yaml(v);
  auto back = parse_yaml(text);
  INFO("YAML was:\n" << text);
  REQUIRE(back.ok());
  return *back;
}

} // namespace

TEST_CASE("yaml: plain scalars are typed by the core schema, quoted ones are strings") {
  auto v = parse_yaml("a: 12\nb: '12'\nc: true\nd: \"true\"\ne: ~\nf: 1.5e3\ng: hello\nh: 0x1F\n");
  REQUIRE(v.ok());
  CHECK(v->find("a")->is_number());
  CHECK(v->find("b")->is_string());
  CHECK(v->find("c")->is_bool());
  CHECK(v->find("d")->is_string());
  CHECK(v->find("e")->is_null());
  CHECK(v->find("f")->text() == "1.5e3");
  CHECK(v->find("g")->is_string());
  CHECK(v->find("h")->is_number());
}

TEST_CASE("yaml: awkward JSON values survive writing and reading back") {
  const char* awkward = R"({
    "unicode": "caf\u00e9 \u65e5\u672c \ud83d\ude00",
    "line_sep": "a\u2028b\u0085c",
    "controls": "nul\u0000 bell\u0007 tab\t cr\r",
    "looks_like": ["true", "null", "~", "123", "-0", "1e5", ".inf", "0x10", "", " ", "yes", "- x", "a: b", "#c", "key:", "@x", "'q'", "\"dq\""],
    "multi": "line one\nline two\n",
    "multi_no_end": "one\ntwo",
    "multi_many_ends": "one\n\n\n",
    "indented_first": "  lead\nnext",
    "ws_line": "a\n   \nb",
    "numbers": [0, -0, 1.0, 1.10, 123456789012345678901234567890, 1e-7, -2.5E+10],
    "nested": {"empty_obj": {}, "empty_arr": [], "deep": [[1, [2, {"x": [null]}]]]},
    "bools": [true, false, null],
    "weird keys": {"": 1, "a b": 2, "x:y": 3, "-": 4, "1": 5, "true": 6}
  })";
  auto original = parse_json(awkward);
  REQUIRE(original.ok());
  auto back = round_trip(*original);
  auto diff = first_difference(*original, back);
  INFO("difference at " << diff.value_or("-"));
  CHECK_FALSE(diff.has_value());
}

TEST_CASE("yaml: multi-line strings are written as literal blocks") {
  value v = value::object();
  v.set("prompt", value::string("Add a rate limit.\nAdd tests.\n"));
  CHECK(to_yaml(v) == "prompt: |\n  Add a rate limit.\n  Add tests.\n");
}

TEST_CASE("yaml: an alias bomb ends as an error, fast") {
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k)
      bomb += (k ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  auto v = parse_yaml(bomb);
  REQUIRE_FALSE(v.ok());
  CHECK(v.message().find("alias bomb") != std::string::npos);
}

TEST_CASE("yaml: 100,000 levels of nesting end as an error") {
  for (std::string open : {"[", "{a: "}) {
    std::string text = "x: ";
    for (int i = 0; i < 100000; ++i)
      text += open;
    text += open == "[" ? "" : "1";
    text += std::string(100000, open == "[" ? ']' : '}');
    auto v = parse_yaml(text);
    REQUIRE_FALSE(v.ok());
    CHECK(v.message().find("nesting is deeper than 256 levels") != std::string::npos);
  }
}

TEST_CASE("yaml: binary, non-UTF-8, empty and multi-document input is refused") {
  CHECK(parse_yaml(std::string("a: \0b", 5)).message().find("binary file") != std::string::npos);
  CHECK(parse_yaml("a: caf\xE9\n").message().find("not UTF-8 text") != std::string::npos);
  CHECK(parse_yaml("").message() == "file is empty (no YAML document)");
  CHECK(parse_yaml("# only a comment\n").message() == "file is empty (no YAML document)");
  CHECK(parse_yaml("a: 1\n---\nb: 2\n").message().find("more than one YAML document") !=
        std::string::npos);
}

TEST_CASE("yaml: malformed input names line and column") {
  auto v = parse_yaml("a: 1\nb: [1, 2\nc: 3\n");
  REQUIRE_FALSE(v.ok());
  CHECK(v.message().rfind("line ", 0) == 0);
  CHECK(v.message().find("malformed YAML") != std::string::npos);
  auto dup = parse_yaml("a: 1\na: 2\n");
  CHECK(dup.message() == "line 2, column 1: duplicate key 'a'");
}
