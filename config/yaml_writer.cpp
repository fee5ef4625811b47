#include "config/yaml_writer.h"

#include "config/yaml_scalar.h"

namespace uet::config {

namespace {

// Characters YAML treats as line breaks or that editors hide: always escaped.
bool has_special_unicode(const std::string& s) {
  return s.find("\xC2\x85") != std::string::npos || s.find("\xE2\x80\xA8") != std::string::npos ||
         s.find("\xE2\x80\xA9") != std::string::npos || s.find("\xEF\xBB\xBF") != std::string::npos;
}

bool is_plain_safe(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.back() == ':')
    return false;
  char first = s.front();
  bool first_ok = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') ||
                  (first >= '0' && first <= '9') || first == '_' || first == '.' || first == '/' ||
                  first == '$';
  if (!first_ok)
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7F)
      return false;
    switch (c) {
    case '{':
    case '}':
    case '[':
    case ']':
    case ',':
    case '&':
    case '*':
    case '!':
    case '|':
    case '>':
    case '\'':
    case '"':
    case '%':
    case '@':
    case '`':
    case '#':
      return false;
    case ':':
      if (i + 1 < s.size() && s[i + 1] == ' ')
        return false;
      break;
    default:
      break;
    }
  }
  return resolve_plain(s) == plain_kind::string;
}

bool is_literal_safe(const std::string& s) {
  if (s.find('\n') == std::string::npos || has_special_unicode(s))
    return false;
  bool at_line_start = true, line_has_text = false, seen_text = false;
  std::size_t line_spaces = 0;
  for (unsigned char c : s) {
    if (c == '\n') {
      if (line_spaces > 0 && !line_has_text)
        return false; // a whitespace-only line would be read back as empty
      at_line_start = true;
      line_has_text = false;
      line_spaces = 0;
      continue;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      return false;
    if (c == '\t')
      return false;
    if (at_line_start && c == ' ' && !seen_text)
      return false; // the first text line would set the block's indentation
    if (c == ' ' && !line_has_text)
      ++line_spaces;
    else {
      line_has_text = true;
      seen_text = true;
    }
    at_line_start = false;
  }
  if (line_spaces > 0 && !line_has_text)
    return false;
  return seen_text;
}

std::string double_quoted(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"')
      out += "\\\"";
    else if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) {
      out += "\\u0085"; // not "\\N": yaml-cpp 0.7 decodes that to a bare 0x85 byte
      ++i;
    } else if (c == 0xE2 && i + 2 < s.size() && s[i + 1] == '\x80' &&
               (s[i + 2] == '\xA8' || s[i + 2] == '\xA9')) {
      out += s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else if (c == 0xEF && i + 2 < s.size() && s[i + 1] == '\xBB' && s[i + 2] == '\xBF') {
      out += "\\uFEFF";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string literal_block(const std::string& s, std::size_t indent) {
  std::size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n')
    ++trailing;
  std::string out = trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
  std::string pad(indent, ' ');
  std::string body = s.substr(0, s.size() - trailing);
  std::size_t start = 0;
  for (;;) {
    auto nl = body.find('\n', start);
    auto line = body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += "\n";
    if (!line.empty())
      out += pad + line;
    if (nl == std::string::npos)
      break;
    start = nl + 1;
  }
  for (std::size_t i = 1; i < trailing; ++i)
    out += "\n";
  return out;
}

std::string string_scalar(const std::string& s, std::size_t indent) {
  if (is_plain_safe(s))
    return s;
  if (is_literal_safe(s))
    return literal_block(s, indent);
  return double_quoted(s);
}

std::string key_text(const std::string& k) {
  return is_plain_safe(k) ? k : double_quoted(k);
}

bool is_container(const value& v) {
  return v.is_array() || v.is_object();
}

std::string scalar_text(const value& v, std::size_t indent) {
  switch (v.type()) {
  case value::kind::null:
    return "null";
  case value::kind::boolean:
    return v.as_bool() ? "true" : "false";
  case value::kind::number:
    return v.text();
  case value::kind::string:
    return string_scalar(v.text(), indent);
  case value::kind::array:
    return "[]";
  case value::kind::object:
    return "{}";
  }
  return "null";
}

void write_node(std::string& out, const value& v, std::size_t indent);

// Writes v after "key:" or "-": inline when it is a scalar or empty, on the
// following lines otherwise.
void write_after_indicator(std::string& out, const value& v, std::size_t indent, bool in_seq) {
  if (!is_container(v) || v.items().empty()) {
    out += " " + scalar_text(v, indent + 2) + "\n";
    return;
  }
  if (in_seq) {
    // "- key: value" / "- - item": the first line shares the dash's line.
    std::string nested;
    write_node(nested, v, indent + 2);
    out += " " + nested.substr(indent + 2);
    return;
  }
  out += "\n";
  write_node(out, v, indent + 2);
}

void write_node(std::string& out, const value& v, std::size_t indent) {
  std::string pad(indent, ' ');
  if (v.is_object() && v.size() > 0) {
    for (std::size_t i = 0; i < v.keys().size(); ++i) {
      out += pad + key_text(v.keys()[i]) + ":";
      write_after_indicator(out, v.items()[i], indent, false);
    }
  } else if (v.is_array() && !v.items().empty()) {
    for (const auto& item : v.items()) {
      out += pad + "-";
      write_after_indicator(out, item, indent, true);
    }
  } else {
    out += pad + scalar_text(v, indent + 2) + "\n";
  }
}

} // namespace

std::string to_yaml(const value& v) {
  std::string out;
  write_node(out, v, 0);
  return out;
}

} // namespace uet::config
