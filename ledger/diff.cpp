#include "ledger/diff.h"

#include <cstdlib>

namespace uet::ledger {

namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

std::string_view rest(std::string_view s, std::string_view p) {
  return s.substr(p.size());
}

// Reads one path token at the front of s (quoted or up to the end), with its
// "a/" or "b/" prefix removed.
bool take_path(std::string_view token, std::string& out) {
  std::string raw;
  if (!unquote_git_path(token, raw))
    return false;
  if (raw == "/dev/null") {
    out.clear();
    return true;
  }
  if (raw.size() < 2 || raw[1] != '/')
    return false;
  out = raw.substr(2);
  return true;
}

// "diff --git a/X b/Y": quoted tokens are split exactly; unquoted ones are
// assumed equal (X == Y), as git itself does; renames fix them up later.
bool parse_git_header(std::string_view line, std::string& a, std::string& b) {
  auto names = rest(line, "diff --git ");
  if (!names.empty() && names[0] == '"') {
    std::size_t i = 1;
    while (i < names.size() && names[i] != '"')
      i += names[i] == '\\' ? 2 : 1;
    if (i >= names.size())
      return false;
    auto first = names.substr(0, i + 1);
    auto second = names.substr(i + 1);
    if (second.empty() || second[0] != ' ')
      return false;
    return take_path(first, a) && take_path(second.substr(1), b);
  }
  if (names.size() % 2 == 0)
    return false;
  auto half = names.size() / 2;
  if (names[half] != ' ')
    return false;
  return take_path(names.substr(0, half), a) && take_path(names.substr(half + 1), b);
}

bool parse_hunk_header(std::string_view line, hunk& h) {
  // @@ -a,b +c,d @@
  const char* p = line.data() + 3;
  const char* end = line.data() + line.size();
  auto number = [&](int& out) {
    char* e = nullptr;
    long v = std::strtol(p, &e, 10);
    if (e == p || e > end)
      return false;
    out = static_cast<int>(v);
    p = e;
    return true;
  };
  if (line.size() < 7 || *p != '-')
    return false;
  ++p;
  if (!number(h.old_start))
    return false;
  h.old_count = 1;
  if (*p == ',') {
    ++p;
    if (!number(h.old_count))
      return false;
  }
  if (*p != ' ' || p[1] != '+')
    return false;
  p += 2;
  if (!number(h.new_start))
    return false;
  h.new_count = 1;
  if (*p == ',') {
    ++p;
    if (!number(h.new_count))
      return false;
  }
  return true;
}

} // namespace

bool unquote_git_path(std::string_view in, std::string& out) {
  out.clear();
  if (in.empty() || in[0] != '"') {
    out.assign(in);
    return true;
  }
  if (in.size() < 2 || in.back() != '"')
    return false;
  for (std::size_t i = 1; i + 1 < in.size(); ++i) {
    char c = in[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    ++i;
    if (i + 1 >= in.size())
      return false; // a backslash right before the closing quote
    char e = in[i];
    switch (e) {
    case 'n':
      out += '\n';
      break;
    case 't':
      out += '\t';
      break;
    case 'r':
      out += '\r';
      break;
    case 'a':
      out += '\a';
      break;
    case 'b':
      out += '\b';
      break;
    case 'f':
      out += '\f';
      break;
    case 'v':
      out += '\v';
      break;
    case '"':
    case '\\':
      out += e;
      break;
    default:
      if (e >= '0' && e <= '3' && i + 2 < in.size()) {
        int v = (e - '0') * 64 + (in[i + 1] - '0') * 8 + (in[i + 2] - '0');
        out += static_cast<char>(v);
        i += 2;
      } else {
        return false;
      }
    }
  }
  return true;
}

const char* to_string(change_kind k) {
  switch (k) {
  case change_kind::modify:
    return "modify";
  case change_kind::add:
    return "add";
  case change_kind::remove:
    return "remove";
  case change_kind::rename:
    return "rename";
  case change_kind::copy:
    return "copy";
  }
  return "?";
}

expected<std::vector<file_change>> parse_diff(std::string_view text) {
  std::vector<file_change> files;
  std::size_t pos = 0, line_no = 0;
  file_change* cur = nullptr;
  int old_left = 0, new_left = 0; // lines still expected in the current hunk
  bool in_binary = false;
  auto bad = [&](const std::string& why) {
    return fail("line " + std::to_string(line_no) + " of the patch: " + why);
  };
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (cur && (old_left > 0 || new_left > 0)) {
      char c = line.empty() ? ' ' : line[0];
      if (c == '\\')
        continue; // "\ No newline at end of file"
      if (c == ' ') {
        --old_left;
        --new_left;
      } else if (c == '-') {
        --old_left;
      } else if (c == '+') {
        --new_left;
        if (cur->symlink && cur->symlink_target.empty())
          cur->symlink_target = std::string(line.substr(1));
      } else {
        return bad("hunk is shorter than its header says");
      }
      if (old_left < 0 || new_left < 0)
        return bad("hunk is longer than its header says");
      continue;
    }
    if (starts_with(line, "diff --git ")) {
      files.emplace_back();
      cur = &files.back();
      in_binary = false;
      if (!parse_git_header(line, cur->old_path, cur->new_path))
        return bad("cannot read the file names in '" + std::string(line.substr(0, 120)) + "'");
      continue;
    }
    if (!cur) {
      if (line.empty())
        continue;
      return bad("expected 'diff --git', got '" + std::string(line.substr(0, 80)) + "'");
    }
    if (in_binary)
      continue; // base85 data until the next "diff --git"
    if (starts_with(line, "@@ ")) {
      hunk h;
      if (!parse_hunk_header(line, h))
        return bad("malformed hunk header '" + std::string(line.substr(0, 80)) + "'");
      cur->hunks.push_back(h);
      old_left = h.old_count;
      new_left = h.new_count;
      continue;
    }
    std::string path;
    if (starts_with(line, "--- ")) {
      if (!take_path(rest(line, "--- "), path))
        return bad("malformed '---' line");
      if (path.empty())
        cur->kind = change_kind::add;
      else
        cur->old_path = path;
    } else if (starts_with(line, "+++ ")) {
      if (!take_path(rest(line, "+++ "), path))
        return bad("malformed '+++' line");
      if (path.empty())
        cur->kind = change_kind::remove;
      else
        cur->new_path = path;
    } else if (starts_with(line, "new file mode ")) {
      cur->kind = change_kind::add;
      cur->new_mode = std::string(rest(line, "new file mode "));
    } else if (starts_with(line, "deleted file mode ")) {
      cur->kind = change_kind::remove;
      cur->old_mode = std::string(rest(line, "deleted file mode "));
    } else if (starts_with(line, "old mode ")) {
      cur->old_mode = std::string(rest(line, "old mode "));
    } else if (starts_with(line, "new mode ")) {
      cur->new_mode = std::string(rest(line, "new mode "));
    } else if (starts_with(line, "rename from ") || starts_with(line, "copy from ")) {
      bool rename = starts_with(line, "rename from ");
      if (!unquote_git_path(rest(line, rename ? "rename from " : "copy from "), path))
        return bad("malformed rename/copy line");
      cur->old_path = path;
      cur->kind = rename ? change_kind::rename : change_kind::copy;
    } else if (starts_with(line, "rename to ") || starts_with(line, "copy to ")) {
      if (!unquote_git_path(rest(line, starts_with(line, "rename to ") ? "rename to " : "copy to "),
                            path))
        return bad("malformed rename/copy line");
      cur->new_path = path;
    } else if (starts_with(line, "GIT binary patch")) {
      cur->binary = true;
      in_binary = true;
    } else if (starts_with(line, "Binary files ")) {
      cur->binary = true;
    } else if (starts_with(line, "index ")) {
      // "index abc..def 100644": the mode of a file whose mode did not change
      auto sp = line.rfind(' ');
      if (sp > 6 && cur->new_mode.empty()) {
        cur->new_mode = std::string(line.substr(sp + 1));
        cur->old_mode = cur->new_mode;
      }
    } else if (starts_with(line, "similarity index ") ||
               starts_with(line, "dissimilarity index ") || line.empty()) {
      // nothing to record
    } else {
      return bad("unexpected line '" + std::string(line.substr(0, 80)) + "'");
    }
    if (!cur->new_mode.empty())
      cur->symlink = cur->new_mode == "120000";
  }
  if (old_left > 0 || new_left > 0)
    return bad("the patch ends inside a hunk");
  for (auto& f : files) {
    if (f.kind == change_kind::add)
      f.old_path.clear();
    if (f.kind == change_kind::remove)
      f.new_path.clear();
    if (f.new_mode.empty() && f.kind != change_kind::remove)
      f.symlink = false;
  }
  return files;
}

} // namespace uet::ledger
