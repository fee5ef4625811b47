#include <catch2/catch.hpp>

#include "config/json_reader.h"

using namespace uet::config;

TEST_CASE("json: numbers keep their exact lexeme") {
  auto v = parse_json(R"([123456789012345678901234567890, -0, 1.10, 1e400, 0.5E-3])");
  REQUIRE(v.ok());
  REQUIRE(v->items().size() == 5);
  CHECK(v->items()[0].text() == "123456789012345678901234567890");
  CHECK(v->items()[1].text() == "-0");
  CHECK(v->items()[2].text() == "1.10");
  CHECK(v->items()[3].text() == "1e400");
  CHECK(v->items()[4].text() == "0.5E-3");
  CHECK_FALSE(v->items()[0].as_int64().has_value());
}

TEST_CASE("json: objects keep key order and decode escapes and surrogate pairs") {
  auto v = parse_json(R"({"z":1,"a":"caf\u00e9 \ud83d\ude00 \"q\" \n","m":null})");
  REQUIRE(v.ok());
  REQUIRE(v->keys() == std::vector<std::string>{"z", "a", "m"});
  CHECK(v->find("a")->text() == "caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\" \n");
  CHECK(v->find("m")->is_null());
}

TEST_CASE("json: a duplicate key is an error naming line and column") {
  auto v = parse_json("{\n  \"a\": 1,\n  \"a\": 2\n}");
  REQUIRE_FALSE(v.ok());
  CHECK(v.message() == "line 3, column 3: duplicate key \"a\" (JSON keeps only one of them)");
}

TEST_CASE("json: comments, templates and trailing commas are errors with a place") {
  CHECK(parse_json("/* x */ {}").message() == "line 1, column 1: comments are not allowed in JSON");
  CHECK(parse_json("{\"a\": {3}}").message() ==
        "line 1, column 8: expected a string key in double quotes, found '3'");
  CHECK(parse_json("[1,]").message() == "line 1, column 3: trailing comma before ']'");
  CHECK(parse_json("").message() == "line 1, column 1: the file holds no JSON value (it is empty)");
  CHECK(parse_json("{} x").message() ==
        "line 1, column 4: unexpected 'x' after the end of the JSON value");
}

TEST_CASE("json: invalid strings are rejected") {
  CHECK_FALSE(parse_json("\"\\ud800\"").ok());  // lone high surrogate
  CHECK_FALSE(parse_json("\"\\udc00\"").ok());  // lone low surrogate
  CHECK_FALSE(parse_json("\"a\tb\"").ok());     // raw control character
  CHECK_FALSE(parse_json("\"\xC3\"").ok());     // truncated UTF-8
  CHECK_FALSE(parse_json("\"\xC0\xAF\"").ok()); // overlong UTF-8
  CHECK_FALSE(parse_json("01").ok());
}

TEST_CASE("json: nesting beyond the limit is an error, not a stack overflow") {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto v = parse_json(deep);
  REQUIRE_FALSE(v.ok());
  CHECK(v.message().find("nesting is deeper than 256 levels") != std::string::npos);
}
