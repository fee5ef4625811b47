#include "config/loader.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "config/yaml_reader.h"

namespace uet::config {

namespace fs = std::filesystem;

namespace {

struct file_result {
  std::optional<workstream_spec> spec;
  problem_list problems;
};

file_result parse_one(const fs::path& path, const std::string& shown) {
  file_result r;
  auto doc = load_yaml_file(path);
  if (!doc) {
    auto msg = doc.message();
    std::string field;
    if (msg.rfind("line ", 0) == 0) { // "line L, column C: ..." -> field + message
      auto colon = msg.find(": ");
      field = msg.substr(0, colon);
      msg = msg.substr(colon + 2);
    }
    r.problems.push_back(problem{severity::error, shown, field, msg});
    return r;
  }
  r.spec = parse_workstream(*doc, shown, r.problems);
  return r;
}

std::vector<fs::path> list_workstream_files(const fs::path& dir, const fs::path& root,
                                            problem_list& out) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    out.push_back(problem{severity::error, display_path(root, dir), "",
                          "cannot read the workstreams directory: " + ec.message()});
    return files;
  }
  // Sorted by file name: every path is dir/name, so this is the order of
  // the paths themselves, without fs::path's component-wise compare (a
  // tenth of a 10,000-file load's single-threaded part).
  std::vector<std::pair<std::string, fs::path>> named;
  for (const auto& entry : it) {
    auto name = entry.path().filename().string();
    if (name.empty() || name[0] == '.')
      continue;
    auto ext = entry.path().extension().string();
    if (ext == ".yaml") {
      named.emplace_back(std::move(name), entry.path());
    } else if (ext == ".yml") {
      out.push_back(problem{severity::warning, display_path(root, entry.path()), "",
                            "ignored: workstream files end in .yaml"});
    } else if (ext == ".json") {
      out.push_back(problem{severity::warning, display_path(root, entry.path()), "",
                            "ignored: legacy JSON? convert it with 'uet-actors convert'"});
    }
  }
  std::sort(named.begin(), named.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  files.reserve(named.size());
  for (auto& n : named)
    files.push_back(std::move(n.second));
  return files;
}

} // namespace

std::string display_path(const fs::path& root, const fs::path& path) {
  auto rel = path.lexically_normal().lexically_relative(root.lexically_normal());
  if (rel.empty() || *rel.begin() == "..")
    return path.string();
  return rel.string();
}

project_config load_project_config(const fs::path& root, const env_map& env, problem_list& out) {
  project_config cfg = default_project(root);
  auto uet_yaml = root / "uet.yaml";
  std::error_code ec;
  if (fs::exists(uet_yaml, ec)) {
    auto doc = load_yaml_file(uet_yaml);
    if (doc)
      apply_project_file(cfg, *doc, "uet.yaml", out);
    else
      out.push_back(problem{severity::error, "uet.yaml", "", doc.message()});
  }
  apply_environment(cfg, env, out);
  return cfg;
}

project_bundle load_project(const fs::path& root, const env_map& env, unsigned threads) {
  project_bundle b;
  b.config = load_project_config(root, env, b.problems);

  auto tools_shown = display_path(root, b.config.tools_file);
  std::error_code ec;
  if (!fs::exists(b.config.tools_file, ec)) {
    b.problems.push_back(problem{severity::error, tools_shown, "",
                                 "file not found (the tool registry; see 'uet-actors init')"});
  } else if (auto doc = load_yaml_file(b.config.tools_file); doc) {
    b.tools = parse_tools(*doc, tools_shown, b.problems);
  } else {
    b.problems.push_back(problem{severity::error, tools_shown, "", doc.message()});
  }

  const auto& dir = b.config.workstreams_dir;
  if (!fs::is_directory(dir, ec)) {
    b.problems.push_back(
        problem{severity::error, display_path(root, dir), "", "workstreams directory not found"});
    return b;
  }
  auto files = list_workstream_files(dir, root, b.problems);
  b.workstream_files = files.size();
  if (files.empty())
    b.problems.push_back(
        problem{severity::warning, display_path(root, dir), "", "no workstreams (*.yaml) here"});

  std::vector<file_result> results(files.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < files.size();)
      results[i] = parse_one(files[i], display_path(root, files[i]));
  };
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, files.size()));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker);
  worker();
  for (auto& t : pool)
    t.join();

  b.workstreams.reserve(files.size());
  for (auto& r : results) {
    b.problems.insert(b.problems.end(), std::make_move_iterator(r.problems.begin()),
                      std::make_move_iterator(r.problems.end()));
    if (r.spec)
      b.workstreams.push_back(std::move(*r.spec));
  }
  return b;
}

} // namespace uet::config
