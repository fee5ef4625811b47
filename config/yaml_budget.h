// Internal to config/yaml_reader.cpp and config/yaml_events.cpp: what both
// ways of building a value from YAML check (depth, node and byte budget,
// tags), and how parser exceptions become failures. Not a public API.
#pragma once

#include <string>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "config/yaml_reader.h"
#include "config/yaml_scalar.h"

namespace uet::config::detail {

inline std::string place(std::size_t line0, std::size_t col0) {
  return "line " + std::to_string(line0 + 1) + ", column " + std::to_string(col0 + 1) + ": ";
}

inline std::string place_of(const YAML::Mark& m) {
  return place(m.line, m.column);
}

inline const std::string str_tag = "tag:yaml.org,2002:str";

// What both builders check, in the same order: depth, the node and byte
// budget (aliases expanded), tags. The first failure wins.
class budget {
public:
  explicit budget(const yaml_limits& limits) : limits_(limits) {}

  bool failed() const { return failed_; }
  const std::string& error() const { return err_; }

  void stop(std::string msg) {
    if (!failed_) {
      failed_ = true;
      err_ = std::move(msg);
    }
  }

  bool depth_ok(const YAML::Mark& m, int depth) {
    if (depth > limits_.max_depth)
      stop(place_of(m) + "nesting is deeper than " + std::to_string(limits_.max_depth) + " levels");
    return !failed_;
  }

  bool count(const YAML::Mark& m, std::size_t bytes) {
    bytes_ += bytes;
    if (++nodes_ > limits_.max_nodes)
      stop(place_of(m) + "document expands to more than " + std::to_string(limits_.max_nodes) +
           " nodes (an alias bomb?)");
    else if (bytes_ > limits_.max_expanded_bytes)
      stop(place_of(m) + "document expands to more than " +
           std::to_string(limits_.max_expanded_bytes >> 20) + " MiB (an alias bomb?)");
    return !failed_;
  }

  value scalar(const YAML::Mark& m, const std::string& tag, const std::string& text) {
    if (tag == "!" || tag == str_tag)
      return value::string(text);
    if (tag != "?") {
      stop(place_of(m) + "unsupported YAML tag '" + tag + "'");
      return {};
    }
    switch (resolve_plain(text)) {
    case plain_kind::null:
      return {};
    case plain_kind::boolean:
      return value::boolean(text[0] == 't' || text[0] == 'T');
    case plain_kind::number:
      return value::number(text);
    case plain_kind::string:
      return value::string(text);
    }
    return {};
  }

private:
  const yaml_limits& limits_;
  std::size_t nodes_ = 0;
  std::size_t bytes_ = 0;
  bool failed_ = false;
  std::string err_;
};

template <class Parse>
expected<value> guarded(const yaml_limits& limits, Parse parse) {
  try {
    return parse();
  } catch (const YAML::DeepRecursion& e) {
    return fail(place(e.mark.line, e.mark.column) + "nesting is deeper than " +
                std::to_string(limits.max_depth) + " levels");
  } catch (const YAML::ParserException& e) {
    return fail(place(e.mark.line, e.mark.column) + "malformed YAML: " + e.msg);
  } catch (const std::exception& e) {
    return fail(std::string("malformed YAML: ") + e.what());
  }
}

} // namespace uet::config::detail
