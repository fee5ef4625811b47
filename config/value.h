// A JSON/YAML data tree that loses nothing: numbers keep their exact source
// text (so 2^70, 1.10 and -0 survive a round trip), objects keep key order.
// It is the common currency of the JSON reader, the YAML reader and writer,
// the spec parsers and the legacy converter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uet::config {

class value {
public:
  enum class kind { null, boolean, number, string, array, object };

  value() = default; // null
  static value boolean(bool b);
  static value number(std::string lexeme); ///< lexeme must be a number's text
  static value number(std::int64_t n);
  static value string(std::string s);
  static value array();
  static value object();

  kind type() const { return kind_; }
  bool is_null() const { return kind_ == kind::null; }
  bool is_bool() const { return kind_ == kind::boolean; }
  bool is_number() const { return kind_ == kind::number; }
  bool is_string() const { return kind_ == kind::string; }
  bool is_array() const { return kind_ == kind::array; }
  bool is_object() const { return kind_ == kind::object; }

  bool as_bool() const { return flag_; }
  /// The string's content, or the number's exact lexeme.
  const std::string& text() const { return text_; }
  /// The number as an integer if its lexeme is a plain decimal integer that fits.
  std::optional<std::int64_t> as_int64() const;
  /// The number as a double (finite or not), if it is a number.
  std::optional<double> as_double() const;

  // Arrays.
  std::vector<value>& items() { return items_; }
  const std::vector<value>& items() const { return items_; }
  void push_back(value v) { items_.push_back(std::move(v)); }

  // Objects: keys()[i] names items()[i].
  const std::vector<std::string>& keys() const { return keys_; }
  std::size_t size() const { return items_.size(); }
  const value* find(std::string_view key) const;
  value* find(std::string_view key);
  /// Replaces the member named key, or appends it.
  void set(std::string key, value v);
  /// Removes the member named key; false if there was none.
  bool erase(std::string_view key);

  /// "null", "boolean", "number", "string", "array" or "object".
  static const char* kind_name(kind k);
  const char* kind_name() const { return kind_name(kind_); }

private:
  kind kind_ = kind::null;
  bool flag_ = false;
  std::string text_;
  std::vector<std::string> keys_;
  std::vector<value> items_;
};

/// The JSON pointer (RFC 6901) of the first place where a and b differ as JSON
/// values (object member order ignored, numbers compared by lexeme), or
/// nullopt if they are equal. base is prefixed to the pointer.
std::optional<std::string> first_difference(const value& a, const value& b,
                                            const std::string& base = "");

/// The value a JSON pointer names inside root, or nullptr.
const value* resolve_pointer(const value& root, std::string_view pointer);

/// Escapes one reference token for a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string pointer_token(std::string_view key);

/// Compact JSON text of v (for messages and --json output).
std::string to_json_text(const value& v);

/// A short human rendering of a scalar for messages: strings quoted, long
/// values cut.
std::string describe(const value& v);

} // namespace uet::config
