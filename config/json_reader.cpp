#include "config/json_reader.h"

#include <unordered_set>

namespace uet::config {

namespace {

class json_parser {
public:
  json_parser(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF")
      pos_ = 3; // a UTF-8 byte order mark is tolerated
  }

  expected<value> run() {
    skip_ws();
    if (failed_)
      return error();
    if (pos_ == s_.size()) {
      fail_at("the file holds no JSON value (it is empty)");
      return error();
    }
    value v = parse_value(0);
    if (failed_)
      return error();
    skip_ws();
    if (failed_)
      return error();
    if (pos_ != s_.size()) {
      fail_at("unexpected " + show_char() + " after the end of the JSON value");
      return error();
    }
    return v;
  }

private:
  std::string_view s_;
  std::size_t pos_ = 0;
  int max_depth_;
  bool failed_ = false;
  std::size_t err_pos_ = 0;
  std::string err_;

  failure error() const {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < err_pos_ && i < s_.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s_[i]);
      if (c == '\n') {
        ++line;
        col = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++col; // count characters, not UTF-8 continuation bytes
      }
    }
    return fail("line " + std::to_string(line) + ", column " + std::to_string(col) + ": " + err_);
  }

  void fail_at(std::string msg) { fail_at(pos_, std::move(msg)); }
  void fail_at(std::size_t where, std::string msg) {
    if (failed_)
      return;
    failed_ = true;
    err_pos_ = where;
    err_ = std::move(msg);
  }

  bool eof() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }

  std::string show_char() const {
    if (eof())
      return "end of file";
    unsigned char c = static_cast<unsigned char>(peek());
    if (c < 0x20 || c >= 0x7F)
      return "byte 0x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
    return "'" + std::string(1, static_cast<char>(c)) + "'";
  }

  void skip_ws() {
    while (!eof()) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == '*' || s_[pos_ + 1] == '/')) {
        fail_at("comments are not allowed in JSON");
        return;
      } else {
        return;
      }
    }
  }

  value parse_value(int depth) {
    if (eof()) {
      fail_at("unexpected end of file, expected a value");
      return {};
    }
    switch (peek()) {
    case '{':
      return parse_object(depth + 1);
    case '[':
      return parse_array(depth + 1);
    case '"':
      return value::string(parse_string());
    case 't':
      return parse_literal("true", value::boolean(true));
    case 'f':
      return parse_literal("false", value::boolean(false));
    case 'n':
      return parse_literal("null", value{});
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return parse_number();
      fail_at("expected a value, found " + show_char());
      return {};
    }
  }

  value parse_literal(std::string_view word, value v) {
    if (s_.substr(pos_, word.size()) != word) {
      fail_at("expected a value, found " + show_char());
      return {};
    }
    pos_ += word.size();
    return v;
  }

  bool enter(int depth) {
    if (depth > max_depth_) {
      fail_at("nesting is deeper than " + std::to_string(max_depth_) + " levels");
      return false;
    }
    return true;
  }

  value parse_object(int depth) {
    if (!enter(depth))
      return {};
    value obj = value::object();
    std::unordered_set<std::string> seen;
    ++pos_; // '{'
    skip_ws();
    if (!eof() && peek() == '}') {
      ++pos_;
      return obj;
    }
    for (;;) {
      skip_ws();
      if (failed_)
        return {};
      if (eof() || peek() != '"') {
        fail_at("expected a string key in double quotes, found " + show_char());
        return {};
      }
      std::size_t key_pos = pos_;
      std::string key = parse_string();
      if (failed_)
        return {};
      if (!seen.insert(key).second) {
        fail_at(key_pos, "duplicate key \"" + key + "\" (JSON keeps only one of them)");
        return {};
      }
      skip_ws();
      if (failed_)
        return {};
      if (eof() || peek() != ':') {
        fail_at("expected ':' after key \"" + key + "\", found " + show_char());
        return {};
      }
      ++pos_;
      skip_ws();
      if (failed_)
        return {};
      value member = parse_value(depth);
      if (failed_)
        return {};
      obj.set(std::move(key), std::move(member));
      skip_ws();
      if (failed_)
        return {};
      if (!eof() && peek() == ',') {
        std::size_t comma = pos_++;
        skip_ws();
        if (!eof() && peek() == '}') {
          fail_at(comma, "trailing comma before '}'");
          return {};
        }
        continue;
      }
      if (!eof() && peek() == '}') {
        ++pos_;
        return obj;
      }
      fail_at("expected ',' or '}' in object, found " + show_char());
      return {};
    }
  }

  value parse_array(int depth) {
    if (!enter(depth))
      return {};
    value arr = value::array();
    ++pos_; // '['
    skip_ws();
    if (!eof() && peek() == ']') {
      ++pos_;
      return arr;
    }
    for (;;) {
      skip_ws();
      if (failed_)
        return {};
      value item = parse_value(depth);
      if (failed_)
        return {};
      arr.push_back(std::move(item));
      skip_ws();
      if (failed_)
        return {};
      if (!eof() && peek() == ',') {
        std::size_t comma = pos_++;
        skip_ws();
        if (!eof() && peek() == ']') {
          fail_at(comma, "trailing comma before ']'");
          return {};
        }
        continue;
      }
      if (!eof() && peek() == ']') {
        ++pos_;
        return arr;
      }
      fail_at("expected ',' or ']' in array, found " + show_char());
      return {};
    }
  }

  value parse_number() {
    std::size_t start = pos_;
    auto digits = [&] {
      std::size_t n = 0;
      while (!eof() && peek() >= '0' && peek() <= '9') {
        ++pos_;
        ++n;
      }
      return n;
    };
    if (peek() == '-')
      ++pos_;
    if (eof() || !(peek() >= '0' && peek() <= '9')) {
      fail_at("expected a digit, found " + show_char());
      return {};
    }
    if (peek() == '0') {
      ++pos_;
      if (!eof() && peek() >= '0' && peek() <= '9') {
        fail_at(pos_ - 1, "numbers may not have leading zeros");
        return {};
      }
    } else {
      digits();
    }
    if (!eof() && peek() == '.') {
      ++pos_;
      if (digits() == 0) {
        fail_at("expected a digit after '.', found " + show_char());
        return {};
      }
    }
    if (!eof() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!eof() && (peek() == '+' || peek() == '-'))
        ++pos_;
      if (digits() == 0) {
        fail_at("expected a digit in the exponent, found " + show_char());
        return {};
      }
    }
    return value::number(std::string(s_.substr(start, pos_ - start)));
  }

  static void put_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool read_hex4(std::uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      if (eof()) {
        fail_at("unexpected end of file in \\u escape");
        return false;
      }
      char c = peek();
      out <<= 4;
      if (c >= '0' && c <= '9')
        out |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        out |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        out |= static_cast<std::uint32_t>(c - 'A' + 10);
      else {
        fail_at("expected a hex digit in \\u escape, found " + show_char());
        return false;
      }
      ++pos_;
    }
    return true;
  }

  // Copies one raw UTF-8 character, rejecting malformed sequences.
  bool copy_utf8(std::string& out) {
    unsigned char c = static_cast<unsigned char>(peek());
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || pos_ + len > s_.size()) {
      fail_at("invalid UTF-8 byte in string");
      return false;
    }
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t i = 1; i < len; ++i) {
      unsigned char cc = static_cast<unsigned char>(s_[pos_ + i]);
      if ((cc & 0xC0) != 0x80) {
        fail_at("invalid UTF-8 sequence in string");
        return false;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const std::uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      fail_at("invalid UTF-8 sequence in string");
      return false;
    }
    out.append(s_.substr(pos_, len));
    pos_ += len;
    return true;
  }

  std::string parse_string() {
    std::string out;
    ++pos_; // opening quote
    for (;;) {
      if (eof()) {
        fail_at("unterminated string");
        return {};
      }
      unsigned char c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) {
        fail_at("control character in string (write it as an escape such as \\n)");
        return {};
      }
      if (c != '\\') {
        if (!copy_utf8(out))
          return {};
        continue;
      }
      ++pos_;
      if (eof()) {
        fail_at("unterminated string");
        return {};
      }
      char e = peek();
      ++pos_;
      switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        std::size_t esc_pos = pos_ - 2;
        std::uint32_t cp = 0;
        if (!read_hex4(cp))
          return {};
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          fail_at(esc_pos, "lone low surrogate in \\u escape");
          return {};
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::uint32_t lo = 0;
          if (s_.substr(pos_, 2) != "\\u") {
            fail_at(esc_pos, "high surrogate not followed by a low surrogate");
            return {};
          }
          pos_ += 2;
          if (!read_hex4(lo))
            return {};
          if (lo < 0xDC00 || lo > 0xDFFF) {
            fail_at(esc_pos, "high surrogate not followed by a low surrogate");
            return {};
          }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        put_utf8(out, cp);
        break;
      }
      default:
        fail_at(pos_ - 2, std::string("invalid escape '\\") + e + "'");
        return {};
      }
    }
  }
};

} // namespace

expected<value> parse_json(std::string_view text, int max_depth) {
  return json_parser(text, max_depth).run();
}

} // namespace uet::config
