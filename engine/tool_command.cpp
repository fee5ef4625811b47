#include "engine/tool_command.h"

#include <algorithm>
#include <utility>

namespace uet::engine {

std::string substitute_placeholders(const std::string& element, const config::workstream_spec& ws,
                                    const tool_run_context& ctx) {
  const std::pair<const char*, std::string> values[] = {
      {"{prompt}", ws.prompt},      {"{workspace}", ctx.workspace.string()},
      {"{workstream_id}", ws.id},   {"{run_id}", ctx.run_id},
      {"{conflict}", ctx.conflict},
  };
  std::string out;
  out.reserve(element.size());
  std::size_t i = 0;
  while (i < element.size()) {
    bool replaced = false;
    if (element[i] == '{') {
      for (const auto& [name, val] : values) {
        if (element.compare(i, std::char_traits<char>::length(name), name) == 0) {
          out += val; // appended, never rescanned
          i += std::char_traits<char>::length(name);
          replaced = true;
          break;
        }
      }
    }
    if (!replaced)
      out += element[i++];
  }
  return out;
}

expected<std::vector<std::string>> tool_argv(const config::tool_spec& tool,
                                             const config::workstream_spec& ws,
                                             const tool_run_context& ctx) {
  // The parser already fills in the aider default; a tool_spec built in code
  // (tests, remote nodes) may not have been through it.
  const auto& pattern =
      tool.argv.empty() && tool.adapter == "aider" ? config::default_aider_argv() : tool.argv;
  if (pattern.empty())
    return fail("tool '" + tool.id + "': argv is empty; it needs at least the program to run");
  std::vector<std::string> argv;
  argv.reserve(pattern.size() + ws.files.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto& element = pattern[i];
    if (element == "{files}") {
      argv.insert(argv.end(), ws.files.begin(), ws.files.end());
      continue;
    }
    if (element.find("{files}") != std::string::npos)
      return fail("tool '" + tool.id + "': argv[" + std::to_string(i) +
                  "]: {files} must be a whole argv element (it expands to one element per file)");
    argv.push_back(substitute_placeholders(element, ws, ctx));
  }
  if (argv.empty() || argv[0].empty())
    return fail("tool '" + tool.id + "': argv[0] is empty after substitution; nothing to run");
  return argv;
}

std::map<std::string, std::string> workstream_env(const config::workstream_spec& ws,
                                                  const std::string& run_id,
                                                  const std::filesystem::path& log_root) {
  std::string scope;
  for (std::size_t i = 0; i < ws.allowed_paths.size(); ++i)
    scope += (i ? ":" : "") + ws.allowed_paths[i];
  return {
      {"WT_ID", ws.id}, {"WT_SCOPE", scope}, {"RUN_ID", run_id}, {"LOG_ROOT", log_root.string()}};
}

std::chrono::seconds step_timeout(const config::tool_spec& tool,
                                  const config::workstream_spec& ws) {
  int timeout_s = ws.timeout_s ? *ws.timeout_s : tool.timeout_s;
  return std::chrono::seconds(std::max(0, timeout_s));
}

expected<process_request> build_tool_command(const config::tool_spec& tool,
                                             const config::workstream_spec& ws,
                                             const tool_run_context& ctx) {
  auto argv = tool_argv(tool, ws, ctx);
  if (!argv)
    return argv.error();
  process_request r;
  r.argv = std::move(*argv);
  r.cwd = ctx.workspace;
  r.env = tool.env;
  // Ours win: a tool's env must not be able to misstate the scope or run.
  for (auto& [k, v] : workstream_env(ws, ctx.run_id, ctx.log_root))
    r.env[k] = v;
  r.timeout = step_timeout(tool, ws);
  r.output_file = ctx.output_file;
  r.limits = tool.limits;
  r.max_output_bytes = static_cast<std::size_t>(tool.output_mb) << 20;
  return r;
}

} // namespace uet::engine
