#include "ledger/diff_in_process.h"

#include <git2.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "ledger/libgit2_owned.h"
#include "ledger/object_store.h"

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

using lg2::owned;

constexpr std::size_t max_blob = 1 << 20;
constexpr std::size_t max_total = 8 << 20;  // what the diff reads in all: larger, git streams it
constexpr std::size_t binary_probe = 8000;  // what git reads for a NUL
constexpr std::size_t hunk_header_max = 80; // xdiff's function-line buffer

/// Variables by which git reads config libgit2 does not, or prints
/// another context.
bool environment_needs_git() {
  for (const char* v : {"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL",
                        "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM", "GIT_DIFF_OPTS"})
    if (std::getenv(v))
      return true;
  return false;
}

/// Settings under which git prints other bytes than libgit2 with the
/// options below (the capture pins the rest on git's command line).
bool config_needs_git(git_repository* repo) {
  owned<git_config, git_config_free> cfg;
  if (git_repository_config_snapshot(&cfg.p, repo) != 0)
    return true;
  for (const char* name : {"diff.algorithm", "diff.context", "diff.indentheuristic",
                           "diff.interhunkcontext", "diff.suppressblankempty", "diff.orderfile",
                           "diff.relative", "core.bigfilethreshold", "extensions.worktreeconfig"}) {
    owned<git_config_entry, git_config_entry_free> e;
    if (git_config_get_entry(&e.p, cfg.p, name) == 0)
      return true;
  }
  // A case-folding index makes libgit2 list files in another order; an
  // includeIf may be one libgit2 cannot evaluate (hasconfig:), and what it
  // includes could set any of the above.
  int ignorecase = 0;
  if (git_config_get_bool(&ignorecase, cfg.p, "core.ignorecase") == 0 && ignorecase)
    return true;
  // Entries walked by hand: libgit2 1.5's regex match (foreach_match)
  // leaks its match data on every entry that does not match.
  bool conditional = false;
  owned<git_config_iterator, git_config_iterator_free> it;
  if (git_config_iterator_new(&it.p, cfg.p) != 0)
    return true;
  git_config_entry* e = nullptr;
  while (!conditional && git_config_next(&e, it.p) == 0)
    conditional = std::string_view(e->name).rfind("includeif.", 0) == 0;
  return conditional || lg2::replaces_objects(repo);
}

/// Printed alike by git and libgit2: no quoting, no padding.
bool plain_path(const char* path) {
  for (const char* c = path; *c; ++c)
    if (*c <= ' ' || *c >= 0x7f || *c == '"' || *c == '\\')
      return false;
  return true;
}

bool regular(std::uint16_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

bool has_diff_attribute(git_repository* repo, const char* path) {
  for (auto where : {GIT_ATTR_CHECK_FILE_THEN_INDEX, GIT_ATTR_CHECK_INDEX_ONLY}) {
    const char* value = nullptr;
    if (git_attr_get(&value, repo, where, path, "diff") != 0 || !GIT_ATTR_IS_UNSPECIFIED(value))
      return true;
  }
  return false;
}

/// A hunk header names the preimage's last line starting with a letter, `_`
/// or `$`, cut to 80 bytes; git cuts then trims trailing white space,
/// libgit2 trims then cuts, and libgit2's white space includes \f and \v.
/// Both cut at invalid UTF-8, each by its own rules. A line on which the
/// two could differ, and git prints the patch.
bool header_lines_differ(std::string_view text) {
  if (text.find_first_of("\f\v") != std::string_view::npos)
    return true;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto end = nl == std::string_view::npos ? text.size() : nl;
    auto line = text.substr(pos, end - pos);
    char first = line.empty() ? '\0' : line.front();
    bool candidate =
        std::isalpha(static_cast<unsigned char>(first)) || first == '_' || first == '$';
    if (candidate) {
      auto head = line.substr(0, hunk_header_max);
      if (std::any_of(head.begin(), head.end(),
                      [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        return true;
      if (line.size() > hunk_header_max) {
        char last = line[hunk_header_max - 1];
        if (last == ' ' || last == '\t' || last == '\r')
          return true;
      }
    }
    pos = end + 1;
  }
  return false;
}

/// The blob's text, or nullopt when git would call it binary or it is
/// large, or the blobs read so far (`budget`, bytes left) are.
std::optional<std::string_view> text_of(git_repository* repo, const git_oid& id,
                                        owned<git_blob, git_blob_free>& blob, std::size_t& budget) {
  // The size from the object's header first: a blob of 200 MB is declined
  // without being read.
  owned<git_odb, git_odb_free> odb;
  std::size_t size = 0;
  git_object_t type{};
  if (git_repository_odb(&odb.p, repo) != 0 || git_odb_read_header(&size, &type, odb.p, &id) != 0 ||
      type != GIT_OBJECT_BLOB || size > max_blob || size > budget)
    return std::nullopt;
  budget -= size;
  if (git_blob_lookup(&blob.p, repo, &id) != 0)
    return std::nullopt;
  size = static_cast<std::size_t>(git_blob_rawsize(blob.p));
  std::string_view text(static_cast<const char*>(git_blob_rawcontent(blob.p)), size);
  if (text.substr(0, binary_probe).find('\0') != std::string_view::npos)
    return std::nullopt;
  return text;
}

/// Every delta one libgit2 prints as git does.
bool printable_alike(git_repository* repo, const git_diff_delta* d, std::size_t& budget) {
  if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED)
    return false;
  if (!regular(d->new_file.mode) || (d->status == GIT_DELTA_MODIFIED && !regular(d->old_file.mode)))
    return false;
  if (!plain_path(d->new_file.path) || std::strcmp(d->old_file.path, d->new_file.path) != 0)
    return false;
  if (has_diff_attribute(repo, d->new_file.path))
    return false;
  owned<git_blob, git_blob_free> now;
  auto new_text = text_of(repo, d->new_file.id, now, budget);
  if (!new_text || (d->status == GIT_DELTA_ADDED && new_text->empty()))
    return false; // git prints no ---/+++ lines for an empty new file, libgit2 does
  if (d->status == GIT_DELTA_MODIFIED) {
    owned<git_blob, git_blob_free> before;
    auto old_text = text_of(repo, d->old_file.id, before, budget);
    if (!old_text || header_lines_differ(*old_text))
      return false;
  }
  return true;
}

} // namespace

std::optional<std::string> staged_diff_in_process(const fs::path& worktree,
                                                  const std::string& base_commit) {
  if (environment_needs_git())
    return std::nullopt;
  ensure_libgit2();
  owned<git_repository, git_repository_free> repo;
  if (git_repository_open(&repo.p, worktree.c_str()) != 0 || config_needs_git(repo.p))
    return std::nullopt;
  git_oid base;
  owned<git_commit, git_commit_free> commit;
  owned<git_tree, git_tree_free> tree;
  owned<git_index, git_index_free> index;
  if (git_oid_fromstr(&base, base_commit.c_str()) != 0 ||
      git_commit_lookup(&commit.p, repo.p, &base) != 0 || git_commit_tree(&tree.p, commit.p) != 0 ||
      git_repository_index(&index.p, repo.p) != 0)
    return std::nullopt;
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  opts.flags = GIT_DIFF_INDENT_HEURISTIC; // git's default since 2.14
  opts.context_lines = 3;
  opts.interhunk_lines = 0;
  opts.id_abbrev = GIT_OID_HEXSZ; // --full-index
  owned<git_diff, git_diff_free> diff;
  if (git_diff_tree_to_index(&diff.p, repo.p, tree.p, index.p, &opts) != 0)
    return std::nullopt;
  const std::size_t n = git_diff_num_deltas(diff.p);
  std::size_t budget = max_total;
  for (std::size_t i = 0; i < n; ++i)
    if (!printable_alike(repo.p, git_diff_get_delta(diff.p, i), budget))
      return std::nullopt;
  git_buf buf = GIT_BUF_INIT;
  if (git_diff_to_buf(&buf, diff.p, GIT_DIFF_FORMAT_PATCH) != 0) {
    git_buf_dispose(&buf);
    return std::nullopt;
  }
  std::string text(buf.ptr ? buf.ptr : "", buf.size);
  git_buf_dispose(&buf);
  return text;
}

} // namespace uet::ledger
