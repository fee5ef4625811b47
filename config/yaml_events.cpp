// parse_yaml's usual way: the value straight from yaml-cpp's parser events.
#include <istream>
#include <optional>
#include <stdexcept>
#include <streambuf>
#include <vector>
#include <yaml-cpp/eventhandler.h>

#include "config/yaml_budget.h"

namespace uet::config::detail {

namespace {

// Builds the value straight from the parser's events, without yaml-cpp's
// node tree (whose nodes cost more to create and free than the parse of
// a small file). Visits nodes in the order tree_builder does (pre-order,
// each key before its value), so the same checks fail first. An alias
// would need the anchored subtree again: the caller then uses tree_builder.
class event_builder : public YAML::EventHandler {
public:
  explicit event_builder(const yaml_limits& limits) : b_(limits) {}

  bool saw_alias = false;
  bool root_is_null = false;
  value root;

  const budget& checks() const { return b_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { saw_alias = true; }
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override {
    if (live() && place_leaf(m, nullptr, 0)) {
      if (stack_.empty())
        root_is_null = true;
      attach(value());
    }
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t,
                const std::string& text) override {
    if (live() && place_leaf(m, &text, text.size())) {
      auto v = b_.scalar(m, tag, text);
      if (!b_.failed())
        attach(std::move(v));
    }
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    open(m, value::array());
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    open(m, value::object());
  }
  void OnMapEnd() override { close(); }

private:
  struct frame {
    value v;
    int depth;
    bool has_key = false; ///< in a mapping: the key of the next node is read
    std::string key;
  };
  budget b_;
  std::vector<frame> stack_;

  bool live() const { return !saw_alias && !b_.failed(); }
  bool at_key() const {
    return !stack_.empty() && stack_.back().v.is_object() && !stack_.back().has_key;
  }
  int depth() const { return stack_.empty() ? 1 : stack_.back().depth + 1; }

  // Checks a scalar or null node; a key is taken here and not attached
  // (text is null for a null node). True if the node is a value to attach.
  bool place_leaf(const YAML::Mark& m, const std::string* text, std::size_t bytes) {
    if (at_key()) {
      auto& f = stack_.back();
      if (!text)
        b_.stop(place_of(m) + "mapping keys must be plain strings");
      else if (f.v.find(*text))
        b_.stop(place_of(m) + "duplicate key '" + *text + "'");
      else if (b_.count(m, text->size())) {
        f.key = *text;
        f.has_key = true;
      }
      return false;
    }
    return b_.depth_ok(m, depth()) && b_.count(m, bytes);
  }

  void open(const YAML::Mark& m, value v) {
    if (!live())
      return;
    if (at_key()) {
      b_.stop(place_of(m) + "mapping keys must be plain strings");
      return;
    }
    int d = depth();
    if (b_.depth_ok(m, d) && b_.count(m, 0))
      stack_.push_back(frame{std::move(v), d, false, {}});
  }

  void close() {
    if (!live())
      return;
    value v = std::move(stack_.back().v);
    stack_.pop_back();
    attach(std::move(v));
  }

  void attach(value v) {
    if (stack_.empty()) {
      root = std::move(v);
      return;
    }
    auto& f = stack_.back();
    if (f.v.is_array()) {
      f.v.push_back(std::move(v));
    } else {
      f.v.set(std::move(f.key), std::move(v));
      f.has_key = false;
    }
  }
};

// Remembers where a document's top node starts (for "more than one
// document").
class first_mark : public YAML::EventHandler {
public:
  std::optional<YAML::Mark> mark;
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { see(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { see(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    see(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    see(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    see(m);
  }
  void OnMapEnd() override {}

private:
  void see(const YAML::Mark& m) {
    if (!mark)
      mark = m;
  }
};

// Passes every event on, and ends the parse after `left` of them. yaml-cpp
// 0.7 can emit events forever without reading on (a ',' where a document's
// top node should be: ",a", "[a]\n,"); through YAML::LoadAll the node tree
// then grew until std::bad_alloc, here nothing would grow and the parse
// would never end. A document that does end has a few events per input
// byte at most (":" alone is four).
class bounded : public YAML::EventHandler {
public:
  bounded(YAML::EventHandler& inner, std::size_t& left) : inner_(inner), left_(left) {}

  void OnDocumentStart(const YAML::Mark& m) override { tick(), inner_.OnDocumentStart(m); }
  void OnDocumentEnd() override { tick(), inner_.OnDocumentEnd(); }
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { tick(), inner_.OnNull(m, a); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t a) override { tick(), inner_.OnAlias(m, a); }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a,
                const std::string& v) override {
    tick(), inner_.OnScalar(m, tag, a, v);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a,
                       YAML::EmitterStyle::value st) override {
    tick(), inner_.OnSequenceStart(m, tag, a, st);
  }
  void OnSequenceEnd() override { tick(), inner_.OnSequenceEnd(); }
  void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t a,
                  YAML::EmitterStyle::value st) override {
    tick(), inner_.OnMapStart(m, tag, a, st);
  }
  void OnMapEnd() override { tick(), inner_.OnMapEnd(); }

private:
  YAML::EventHandler& inner_;
  std::size_t& left_;

  void tick() {
    if (left_-- == 0)
      throw std::runtime_error("the parser does not end on this input (a ',' where a node "
                               "should start?)");
  }
};

// An istream over text, without copying it.
struct view_buf : std::streambuf {
  explicit view_buf(std::string_view text) {
    char* p = const_cast<char*>(text.data()); // read-only: no put area
    setg(p, p, p + text.size());
  }
};

} // namespace

expected<value> parse_yaml_events(std::string_view text, const yaml_limits& limits) {
  view_buf buf(text);
  std::istream in(&buf);
  event_builder doc(limits);
  std::optional<YAML::Mark> second;
  bool any = false;
  auto parsed = guarded(limits, [&]() -> expected<value> {
    YAML::Parser parser(in);
    std::size_t left = 16 * text.size() + 64;
    bounded first(doc, left);
    any = parser.HandleNextDocument(first);
    // Every later document is parsed too: a syntax error in it wins, as
    // with YAML::LoadAll.
    first_mark rest;
    bounded later(rest, left);
    while (any && parser.HandleNextDocument(later))
      if (!second)
        second = rest.mark;
    return value();
  });
  if (!parsed)
    return parsed;
  if (!any || (!second && doc.root_is_null))
    return fail("file is empty (no YAML document)");
  if (second)
    return fail(place_of(*second) + "more than one YAML document ('---'); put one per file");
  if (doc.saw_alias)
    return parse_yaml_nodes(text, limits);
  if (doc.checks().failed())
    return fail(doc.checks().error());
  return std::move(doc.root);
}

} // namespace uet::config::detail
