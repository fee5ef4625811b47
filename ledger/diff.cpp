#include "ledger/diff.h"

#include <fstream>

namespace uet::ledger {

namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

std::string_view rest(std::string_view s, std::string_view p) {
  return s.substr(p.size());
}

// Where a quoted token that starts at s[0] ends (index of the closing
// quote), or npos.
std::size_t quoted_end(std::string_view s) {
  std::size_t i = 1;
  while (i < s.size() && s[i] != '"')
    i += s[i] == '\\' ? 2 : 1;
  return i < s.size() ? i : std::string_view::npos;
}

// Reads one path token at the front of s (quoted or up to the end), with its
// "a/" or "b/" prefix removed.
bool take_path(std::string_view token, std::string& out) {
  // git ends a "---"/"+++" name that contains a space with a tab; other
  // diff tools put a timestamp after that tab.
  if (!token.empty() && token[0] != '"') {
    if (auto tab = token.find('\t'); tab != std::string_view::npos)
      token = token.substr(0, tab);
  } else if (auto end = quoted_end(token); end != std::string_view::npos) {
    token = token.substr(0, end + 1);
  }
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

// "diff --git a/X b/Y", as git writes it: each name is quoted on its own when
// it holds special bytes, and unquoted names may contain spaces. Quoted names
// are split exactly; two unquoted names are split where both sides name the
// same file (as git itself does). A rename between unquoted names that
// cannot be split leaves both empty: the "rename from/to", "copy from/to" or
// "---"/"+++" lines that follow name the files.
bool parse_git_header(std::string_view line, std::string& a, std::string& b) {
  a.clear();
  b.clear();
  auto names = rest(line, "diff --git ");
  if (names.empty())
    return false;
  if (names[0] == '"') {
    auto end = quoted_end(names);
    if (end == std::string_view::npos || end + 2 > names.size() || names[end + 1] != ' ')
      return false;
    return take_path(names.substr(0, end + 1), a) && take_path(names.substr(end + 2), b);
  }
  if (names.back() == '"') {
    // "a/plain \"b/quoted\"": the second name is the last quoted token.
    for (std::size_t i = 0; i + 1 < names.size(); ++i) {
      if (names[i] != ' ' || names[i + 1] != '"')
        continue;
      auto second = names.substr(i + 1);
      if (quoted_end(second) + 1 != second.size())
        continue;
      return take_path(names.substr(0, i), a) && take_path(second, b);
    }
    return false;
  }
  // Both unquoted: split where the two names (prefixes dropped) are equal.
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] != ' ')
      continue;
    auto first = names.substr(0, i), second = names.substr(i + 1);
    if (first.size() > 2 && first.size() == second.size() && first.substr(2) == second.substr(2))
      return take_path(first, a) && take_path(second, b);
  }
  return true; // names differ: later lines name the files
}

// "@@ -a,b +c,d @@ optional section heading"; counts default to 1.
bool parse_hunk_header(std::string_view line, hunk& h) {
  std::size_t i = 3; // after "@@ "
  auto number = [&](int& out) {
    std::size_t start = i;
    long v = 0;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9' && i - start < 9)
      v = v * 10 + (line[i++] - '0');
    if (i == start || (i < line.size() && line[i] >= '0' && line[i] <= '9'))
      return false; // no digits, or too many for a line number
    out = static_cast<int>(v);
    return true;
  };
  auto eat = [&](std::string_view what) {
    if (line.substr(i, what.size()) != what)
      return false;
    i += what.size();
    return true;
  };
  auto range = [&](int& start, int& count) {
    if (!number(start))
      return false;
    count = 1;
    return !eat(",") || number(count);
  };
  return eat("-") && range(h.old_start, h.old_count) && eat(" +") &&
         range(h.new_start, h.new_count) && eat(" @@");
}

} // namespace

bool has_gitlink(std::string_view text) {
  constexpr std::string_view gitlink = "160000";
  auto ends_with_gitlink = [&](std::string_view line) {
    return line.size() >= gitlink.size() && line.substr(line.size() - gitlink.size()) == gitlink &&
           (line.size() == gitlink.size() || line[line.size() - gitlink.size() - 1] == ' ');
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    for (std::string_view header :
         {"new file mode ", "deleted file mode ", "old mode ", "new mode "})
      if (line.substr(0, header.size()) == header && line.substr(header.size()) == gitlink)
        return true;
    if (line.substr(0, 6) == "index " && ends_with_gitlink(line))
      return true;
  }
  return false;
}

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

namespace {

// A line of a "GIT binary patch" block: a length character (A-Z: 1-26 bytes,
// a-z: 27-52) and 5 base85 characters per 4 bytes. A line cut short fails.
bool base85_line(std::string_view line) {
  if (line.empty())
    return false;
  char c = line[0];
  int bytes = c >= 'A' && c <= 'Z' ? c - 'A' + 1 : c >= 'a' && c <= 'z' ? c - 'a' + 27 : 0;
  if (bytes == 0 || line.size() != 1 + static_cast<std::size_t>((bytes + 3) / 4) * 5)
    return false;
  for (std::size_t i = 1; i < line.size(); ++i) {
    char d = line[i];
    bool ok = (d >= '0' && d <= '9') || (d >= 'A' && d <= 'Z') || (d >= 'a' && d <= 'z') ||
              std::string_view("!#$%&()*+-;<=>?@^_`{|}~").find(d) != std::string_view::npos;
    if (!ok)
      return false;
  }
  return true;
}

bool binary_block_header(std::string_view line) {
  std::string_view n;
  if (starts_with(line, "literal "))
    n = rest(line, "literal ");
  else if (starts_with(line, "delta "))
    n = rest(line, "delta ");
  else
    return false;
  return !n.empty() && n.find_first_not_of("0123456789") == std::string_view::npos;
}

} // namespace

namespace {

/// The parser, over lines from next_line(line) (false at the end), so a
/// diff in memory and one in a file are read the same way.
template <class NextLine>
expected<std::vector<file_change>> parse_lines(NextLine&& next_line) {
  std::vector<file_change> files;
  std::vector<std::size_t> header_lines; // line of each file's "diff --git"
  std::size_t line_no = 0;
  file_change* cur = nullptr;
  int old_left = 0, new_left = 0; // lines still expected in the current hunk
  // Inside "GIT binary patch": expecting "literal N"/"delta N", reading
  // base85 data, or after a block's closing blank line.
  enum class bin { none, want_block, data, after_block } in_binary = bin::none;
  std::string link_content;  // new side of the current file, if a symlink
  bool link_readable = true; // false: the hunks do not show the whole target
  char last_body = 0;        // first character of the last hunk line read
  auto bad = [&](const std::string& why) {
    return fail("line " + std::to_string(line_no) + " of the patch: " + why);
  };
  auto name = [&] { return cur->new_path.empty() ? cur->old_path : cur->new_path; };
  // Checks the file just finished (at the next "diff --git" or the end).
  auto finish = [&]() -> status {
    if (!cur)
      return {};
    if (cur->symlink && link_readable && !cur->hunks.empty())
      cur->symlink_target = link_content;
    if (in_binary == bin::want_block)
      return bad("the binary patch for '" + name() + "' is cut short");
    bool named = cur->kind == change_kind::add ? !cur->new_path.empty()
                 : cur->kind == change_kind::remove
                     ? !cur->old_path.empty()
                     : !cur->old_path.empty() && !cur->new_path.empty();
    if (!named)
      return fail("line " + std::to_string(header_lines.back()) +
                  " of the patch: cannot tell which files 'diff --git' names");
    bool changes = !cur->hunks.empty() || cur->binary || cur->kind != change_kind::modify ||
                   (!cur->old_mode.empty() && cur->old_mode != cur->new_mode);
    if (!changes)
      return fail("line " + std::to_string(header_lines.back()) + " of the patch: the entry for '" +
                  name() + "' changes nothing (is the patch cut short?)");
    return {};
  };
  std::string_view line;
  while (next_line(line)) {
    ++line_no;
    if (cur && (old_left > 0 || new_left > 0)) {
      char c = line.empty() ? ' ' : line[0];
      if (c == '\\') {
        // "\ No newline at end of file" after the line it is about
        if (cur->symlink && (last_body == ' ' || last_body == '+') && !link_content.empty())
          link_content.pop_back();
        continue;
      }
      last_body = c;
      // A symlink's content is its target: every line of the new side, as
      // one string (a target may hold a newline).
      if (cur->symlink && (c == ' ' || c == '+'))
        link_content.append(line.empty() ? line : line.substr(1)).push_back('\n');
      if (c == ' ') {
        --old_left;
        --new_left;
      } else if (c == '-') {
        --old_left;
      } else if (c == '+') {
        --new_left;
      } else {
        return bad("hunk is shorter than its header says");
      }
      if (old_left < 0 || new_left < 0)
        return bad("hunk is longer than its header says");
      continue;
    }
    if (cur && starts_with(line, "\\ ")) {
      // "\ No newline at end of file" after a hunk's last line
      if (cur->symlink && (last_body == ' ' || last_body == '+') && !link_content.empty())
        link_content.pop_back();
      last_body = '\\';
      continue;
    }
    if (starts_with(line, "diff --git ")) {
      if (auto st = finish(); !st)
        return st.error();
      files.emplace_back();
      header_lines.push_back(line_no);
      cur = &files.back();
      in_binary = bin::none;
      link_content.clear();
      link_readable = true;
      if (!parse_git_header(line, cur->old_path, cur->new_path))
        return bad("cannot read the file names in '" + std::string(line.substr(0, 120)) + "'");
      continue;
    }
    if (!cur) {
      if (line.empty())
        continue;
      return bad("expected 'diff --git', got '" + std::string(line.substr(0, 80)) + "'");
    }
    if (in_binary != bin::none) {
      if (line.empty()) {
        if (in_binary != bin::data)
          return bad("empty line where binary patch data was expected");
        in_binary = bin::after_block;
      } else if (in_binary != bin::data && binary_block_header(line)) {
        in_binary = bin::data;
      } else if (in_binary == bin::data && base85_line(line)) {
        // data
      } else {
        return bad("corrupt binary patch data '" + std::string(line.substr(0, 80)) + "'");
      }
      continue;
    }
    if (starts_with(line, "@@ ")) {
      hunk h;
      if (!parse_hunk_header(line, h))
        return bad("malformed hunk header '" + std::string(line.substr(0, 80)) + "'");
      if (h.old_count == 0 && h.new_count == 0)
        return bad("empty hunk '" + std::string(line.substr(0, 80)) + "'");
      // Only a single hunk starting at the top shows a symlink's whole target.
      if (!cur->hunks.empty() || h.new_start > 1)
        link_readable = false;
      last_body = 0;
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
      in_binary = bin::want_block;
    } else if (starts_with(line, "Binary files ")) {
      cur->binary = true;
    } else if (starts_with(line, "index ")) {
      // "index abc..def 100644": the mode of a file whose mode did not change
      auto ids = rest(line, "index ");
      auto dots = ids.find("..");
      if (dots != std::string_view::npos)
        cur->new_id = std::string(ids.substr(dots + 2, ids.find(' ', dots) - (dots + 2)));
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
  if (auto st = finish(); !st)
    return st.error();
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

} // namespace

expected<std::vector<file_change>> parse_diff(std::string_view text) {
  std::size_t pos = 0;
  return parse_lines([&](std::string_view& line) {
    if (pos >= text.size())
      return false;
    auto nl = text.find('\n', pos);
    line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    return true;
  });
}

expected<std::vector<file_change>> parse_diff_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(error_kind::io, "cannot read the patch " + path.string());
  std::string buffer; // one line at a time: memory stays flat in the patch's size
  auto files = parse_lines([&](std::string_view& line) {
    if (!std::getline(in, buffer))
      return false;
    line = buffer;
    return true;
  });
  if (in.bad())
    return fail(error_kind::io, "cannot read the patch " + path.string());
  return files;
}

} // namespace uet::ledger
