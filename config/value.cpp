#include "config/value.h"

#include <cerrno>
#include <cstdlib>

namespace uet::config {

value value::boolean(bool b) {
  value v;
  v.kind_ = kind::boolean;
  v.flag_ = b;
  return v;
}

value value::number(std::string lexeme) {
  value v;
  v.kind_ = kind::number;
  v.text_ = std::move(lexeme);
  return v;
}

value value::number(std::int64_t n) {
  return number(std::to_string(n));
}

value value::string(std::string s) {
  value v;
  v.kind_ = kind::string;
  v.text_ = std::move(s);
  return v;
}

value value::array() {
  value v;
  v.kind_ = kind::array;
  return v;
}

value value::object() {
  value v;
  v.kind_ = kind::object;
  return v;
}

std::optional<std::int64_t> value::as_int64() const {
  if (kind_ != kind::number || text_.empty())
    return std::nullopt;
  std::size_t i = (text_[0] == '-' || text_[0] == '+') ? 1 : 0;
  if (i == text_.size())
    return std::nullopt;
  for (std::size_t j = i; j < text_.size(); ++j)
    if (text_[j] < '0' || text_[j] > '9')
      return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(text_.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0')
    return std::nullopt;
  return static_cast<std::int64_t>(n);
}

std::optional<double> value::as_double() const {
  if (kind_ != kind::number)
    return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(text_.c_str(), &end);
  if (end == text_.c_str() || *end != '\0')
    return std::nullopt;
  return d;
}

const value* value::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key)
      return &items_[i];
  return nullptr;
}

value* value::find(std::string_view key) {
  return const_cast<value*>(static_cast<const value&>(*this).find(key));
}

void value::set(std::string key, value v) {
  if (auto* existing = find(key)) {
    *existing = std::move(v);
    return;
  }
  keys_.push_back(std::move(key));
  items_.push_back(std::move(v));
}

bool value::erase(std::string_view key) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      keys_.erase(keys_.begin() + static_cast<std::ptrdiff_t>(i));
      items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

const char* value::kind_name(kind k) {
  switch (k) {
  case kind::null:
    return "null";
  case kind::boolean:
    return "boolean";
  case kind::number:
    return "number";
  case kind::string:
    return "string";
  case kind::array:
    return "array";
  case kind::object:
    return "object";
  }
  return "?";
}

std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

const value* resolve_pointer(const value& root, std::string_view pointer) {
  const value* cur = &root;
  std::size_t pos = 0;
  while (pos < pointer.size() && cur) {
    if (pointer[pos] != '/')
      return nullptr;
    auto next = pointer.find('/', pos + 1);
    auto raw = pointer.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += raw[i];
      }
    }
    if (cur->is_object()) {
      cur = cur->find(token);
    } else if (cur->is_array()) {
      char* end = nullptr;
      auto idx = std::strtoul(token.c_str(), &end, 10);
      cur = (!token.empty() && *end == '\0' && idx < cur->items().size()) ? &cur->items()[idx]
                                                                          : nullptr;
    } else {
      return nullptr;
    }
    pos = next == std::string_view::npos ? pointer.size() : next;
  }
  return cur;
}

std::optional<std::string> first_difference(const value& a, const value& b,
                                            const std::string& base) {
  if (a.type() != b.type())
    return base.empty() ? "/" : base;
  switch (a.type()) {
  case value::kind::null:
    return std::nullopt;
  case value::kind::boolean:
    if (a.as_bool() != b.as_bool())
      return base.empty() ? "/" : base;
    return std::nullopt;
  case value::kind::number:
  case value::kind::string:
    if (a.text() != b.text())
      return base.empty() ? "/" : base;
    return std::nullopt;
  case value::kind::array: {
    auto n = std::min(a.items().size(), b.items().size());
    for (std::size_t i = 0; i < n; ++i)
      if (auto d = first_difference(a.items()[i], b.items()[i], base + "/" + std::to_string(i)))
        return d;
    if (a.items().size() != b.items().size())
      return base + "/" + std::to_string(n);
    return std::nullopt;
  }
  case value::kind::object: {
    for (std::size_t i = 0; i < a.keys().size(); ++i) {
      auto here = base + "/" + pointer_token(a.keys()[i]);
      const value* other = b.find(a.keys()[i]);
      if (!other)
        return here;
      if (auto d = first_difference(a.items()[i], *other, here))
        return d;
    }
    for (const auto& k : b.keys())
      if (!a.find(k))
        return base + "/" + pointer_token(k);
    return std::nullopt;
  }
  }
  return std::nullopt;
}

namespace {

void append_json_string(std::string& out, const std::string& s) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
}

void append_json(std::string& out, const value& v) {
  switch (v.type()) {
  case value::kind::null:
    out += "null";
    break;
  case value::kind::boolean:
    out += v.as_bool() ? "true" : "false";
    break;
  case value::kind::number:
    out += v.text();
    break;
  case value::kind::string:
    append_json_string(out, v.text());
    break;
  case value::kind::array:
    out += '[';
    for (std::size_t i = 0; i < v.items().size(); ++i) {
      if (i)
        out += ',';
      append_json(out, v.items()[i]);
    }
    out += ']';
    break;
  case value::kind::object:
    out += '{';
    for (std::size_t i = 0; i < v.keys().size(); ++i) {
      if (i)
        out += ',';
      append_json_string(out, v.keys()[i]);
      out += ':';
      append_json(out, v.items()[i]);
    }
    out += '}';
    break;
  }
}

} // namespace

std::string to_json_text(const value& v) {
  std::string out;
  append_json(out, v);
  return out;
}

std::string describe(const value& v) {
  std::string s = to_json_text(v);
  if (s.size() > 60)
    s = s.substr(0, 57) + "...";
  return s;
}

} // namespace uet::config
