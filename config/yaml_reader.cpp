#include "config/yaml_reader.h"

#include "base/files.h"
#include "config/yaml_budget.h"

namespace uet::config {

using detail::budget;
using detail::guarded;
using detail::place_of;

namespace {

// Builds the value from a parsed YAML::Node tree, following aliases (the
// same node reached twice is expanded twice, and counted twice). Used for
// documents with aliases; event_builder handles the rest.
class tree_builder {
public:
  explicit tree_builder(const yaml_limits& limits) : b_(limits) {}

  expected<value> build(const YAML::Node& root) {
    value out = convert(root, 1);
    if (b_.failed())
      return fail(b_.error());
    return out;
  }

private:
  budget b_;

  value convert(const YAML::Node& n, int depth) {
    if (b_.failed() || !b_.depth_ok(n.Mark(), depth))
      return {};
    switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      b_.count(n.Mark(), 0);
      return {};
    case YAML::NodeType::Scalar:
      if (!b_.count(n.Mark(), n.Scalar().size()))
        return {};
      return b_.scalar(n.Mark(), n.Tag(), n.Scalar());
    case YAML::NodeType::Sequence: {
      if (!b_.count(n.Mark(), 0))
        return {};
      value arr = value::array();
      for (const auto& item : n) {
        arr.push_back(convert(item, depth + 1));
        if (b_.failed())
          return {};
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      if (!b_.count(n.Mark(), 0))
        return {};
      value obj = value::object();
      for (const auto& kv : n) {
        if (!kv.first.IsScalar()) {
          b_.stop(place_of(kv.first.Mark()) + "mapping keys must be plain strings");
          return {};
        }
        const std::string& key = kv.first.Scalar();
        if (obj.find(key)) {
          b_.stop(place_of(kv.first.Mark()) + "duplicate key '" + key + "'");
          return {};
        }
        if (!b_.count(kv.first.Mark(), key.size()))
          return {};
        obj.set(key, convert(kv.second, depth + 1));
        if (b_.failed())
          return {};
      }
      return obj;
    }
    }
    return {};
  }
};

} // namespace

namespace detail {

expected<value> parse_yaml_nodes(std::string_view text, const yaml_limits& limits) {
  std::vector<YAML::Node> docs;
  if (auto parsed = guarded(limits,
                            [&]() -> expected<value> {
                              docs = YAML::LoadAll(std::string(text));
                              return value();
                            });
      !parsed)
    return parsed;
  if (docs.empty() || (docs.size() == 1 && docs[0].IsNull()))
    return fail("file is empty (no YAML document)");
  if (docs.size() > 1)
    return fail(place_of(docs[1].Mark()) + "more than one YAML document ('---'); put one per file");
  try {
    return tree_builder(limits).build(docs[0]);
  } catch (const std::exception& e) {
    return fail(std::string("malformed YAML: ") + e.what());
  }
}

} // namespace detail

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
  return detail::parse_yaml_events(text, limits);
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