#include "config/yaml_reader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "base/files.h"
#include "config/yaml_scalar.h"

namespace uet::config {

namespace {

std::string place(std::size_t line0, std::size_t col0) {
  return "line " + std::to_string(line0 + 1) + ", column " + std::to_string(col0 + 1) + ": ";
}

std::string place_of(const YAML::Node& n) {
  return place(n.Mark().line, n.Mark().column);
}

const std::string str_tag = "tag:yaml.org,2002:str";

class tree_builder {
public:
  explicit tree_builder(const yaml_limits& limits) : limits_(limits) {}

  expected<value> build(const YAML::Node& root) {
    value out = convert(root, 1);
    if (failed_)
      return fail(err_);
    return out;
  }

private:
  const yaml_limits& limits_;
  std::size_t nodes_ = 0;
  std::size_t bytes_ = 0;
  bool failed_ = false;
  std::string err_;

  void stop(std::string msg) {
    if (!failed_) {
      failed_ = true;
      err_ = std::move(msg);
    }
  }

  bool count(const YAML::Node& n, std::size_t bytes) {
    bytes_ += bytes;
    if (++nodes_ > limits_.max_nodes)
      stop(place_of(n) + "document expands to more than " + std::to_string(limits_.max_nodes) +
           " nodes (an alias bomb?)");
    else if (bytes_ > limits_.max_expanded_bytes)
      stop(place_of(n) + "document expands to more than " +
           std::to_string(limits_.max_expanded_bytes >> 20) + " MiB (an alias bomb?)");
    return !failed_;
  }

  value scalar(const YAML::Node& n) {
    const std::string& text = n.Scalar();
    const std::string& tag = n.Tag();
    if (tag == "!" || tag == str_tag)
      return value::string(text);
    if (tag != "?") {
      stop(place_of(n) + "unsupported YAML tag '" + tag + "'");
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

  value convert(const YAML::Node& n, int depth) {
    if (failed_)
      return {};
    if (depth > limits_.max_depth) {
      stop(place_of(n) + "nesting is deeper than " + std::to_string(limits_.max_depth) + " levels");
      return {};
    }
    switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      count(n, 0);
      return {};
    case YAML::NodeType::Scalar:
      if (!count(n, n.Scalar().size()))
        return {};
      return scalar(n);
    case YAML::NodeType::Sequence: {
      if (!count(n, 0))
        return {};
      value arr = value::array();
      for (const auto& item : n) {
        arr.push_back(convert(item, depth + 1));
        if (failed_)
          return {};
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      if (!count(n, 0))
        return {};
      value obj = value::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) {
          stop(place_of(kv.first) + "mapping keys must be plain strings");
          return {};
        }
        const std::string& key = kv.first.Scalar();
        if (obj.find(key)) {
          stop(place_of(kv.first) + "duplicate key '" + key + "'");
          return {};
        }
        if (!count(kv.first, key.size()))
          return {};
        obj.set(key, convert(kv.second, depth + 1));
        if (failed_)
          return {};
      }
      return obj;
    }
    }
    return {};
  }
};

} // namespace

status check_text(std::string_view text) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    auto where = [&] {
      return "line " + std::to_string(line) + ", column " + std::to_string(col) + ": ";
    };
    if (c == 0)
      return fail(where() + "binary file (NUL byte); expected UTF-8 text");
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
    bool ok = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (!ok)
      return fail(where() + "not UTF-8 text (invalid byte 0x" +
                  std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15] +
                  "); binary file or another encoding?");
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    i += len;
  }
  return {};
}

expected<value> parse_yaml(std::string_view text, const yaml_limits& limits) {
  if (text.size() > limits.max_file_bytes)
    return fail("file is larger than " + std::to_string(limits.max_file_bytes >> 20) + " MiB");
  if (auto st = check_text(text); !st)
    return st.error();
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    return fail(place(e.mark.line, e.mark.column) + "nesting is deeper than " +
                std::to_string(limits.max_depth) + " levels");
  } catch (const YAML::ParserException& e) {
    return fail(place(e.mark.line, e.mark.column) + "malformed YAML: " + e.msg);
  } catch (const std::exception& e) {
    return fail(std::string("malformed YAML: ") + e.what());
  }
  if (docs.empty() || (docs.size() == 1 && docs[0].IsNull()))
    return fail("file is empty (no YAML document)");
  if (docs.size() > 1)
    return fail(place_of(docs[1]) + "more than one YAML document ('---'); put one per file");
  try {
    return tree_builder(limits).build(docs[0]);
  } catch (const std::exception& e) {
    return fail(std::string("malformed YAML: ") + e.what());
  }
}

expected<value> load_yaml_file(const std::filesystem::path& path, const yaml_limits& limits) {
  auto text = read_file(path, limits.max_file_bytes);
  if (!text) {
    // read_file names the path; callers name it too, so keep only the reason.
    auto msg = text.message();
    auto prefix = path.string() + ": ";
    if (msg.rfind(prefix, 0) == 0)
      msg = msg.substr(prefix.size());
    return fail(msg);
  }
  return parse_yaml(*text, limits);
}

} // namespace uet::config
