#include "config/tools.h"

#include <algorithm>

#include "config/field_reader.h"
#include "config/rules.h"

namespace uet::config {

namespace {

const char* const placeholders[] = {"{prompt}", "{workspace}", "{workstream_id}",
                                    "{run_id}", "{files}",     "{conflict}"};

void check_argv(field_reader& r, const std::vector<std::string>& argv) {
  if (argv.empty()) {
    r.error(r.path_of("argv"), "argv is empty; it needs at least the program to run");
    return;
  }
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const auto& a = argv[i];
    auto field = r.path_of("argv") + "[" + std::to_string(i) + "]";
    if (a.find("{files}") != std::string::npos && a != "{files}")
      r.error(field, "{files} must be a whole argv element (it expands to one element per file)");
    // Flag {name} that is not ours; "${VAR}" is shell syntax and left alone.
    for (std::size_t p = a.find('{'); p != std::string::npos; p = a.find('{', p + 1)) {
      auto close = a.find('}', p);
      if (close == std::string::npos)
        break;
      auto name = a.substr(p, close - p + 1);
      bool ident = close > p + 1 && std::all_of(name.begin() + 1, name.end() - 1, [](char c) {
                     return (c >= 'a' && c <= 'z') || c == '_';
                   });
      bool ours = std::find(std::begin(placeholders), std::end(placeholders), name) !=
                  std::end(placeholders);
      if (ident && !ours && (p == 0 || a[p - 1] != '$'))
        r.warning(field, "unknown placeholder " + name +
                             " (known: {prompt} {workspace} {workstream_id} {run_id} {files} "
                             "{conflict}); "
                             "it is passed through unchanged");
    }
  }
  if (argv[0].find('{') != std::string::npos)
    r.error(r.path_of("argv") + "[0]", "the program may not be a placeholder");
}

breaker_spec parse_breaker(const value& v, const std::string& file, const std::string& path,
                           problem_list& out) {
  breaker_spec b;
  field_reader r(v, file, path, out);
  r.reject_unknown(
      {"failure_rate_threshold", "minimum_calls", "window", "open_ms", "half_open_calls"});
  if (auto d = r.real("failure_rate_threshold", 0.0, 1.0)) {
    if (*d <= 0.0)
      r.error(r.path_of("failure_rate_threshold"), "must be above 0 (0 would never close)");
    else
      b.failure_rate_threshold = *d;
  }
  if (auto n = r.integer("minimum_calls", 1, 10000))
    b.minimum_calls = static_cast<int>(*n);
  if (auto n = r.integer("window", 1, 10000))
    b.window = static_cast<int>(*n);
  if (auto n = r.integer("open_ms", 0, 86'400'000))
    b.open_ms = static_cast<int>(*n);
  if (auto n = r.integer("half_open_calls", 1, 1000))
    b.half_open_calls = static_cast<int>(*n);
  if (b.minimum_calls > b.window)
    r.error(r.path_of("minimum_calls"), "minimum_calls (" + std::to_string(b.minimum_calls) +
                                            ") exceeds window (" + std::to_string(b.window) +
                                            "); the breaker could never open");
  return b;
}

void parse_limits(const value& v, const std::string& file, const std::string& path, tool_spec& t,
                  problem_list& out) {
  field_reader r(v, file, path, out);
  r.reject_unknown({"cpu_s", "address_space_mb", "file_size_mb", "open_files", "output_mb"});
  // 0 lifts a limit; output_mb has no "none": a log must end somewhere.
  if (auto n = r.integer("cpu_s", 0, 7 * 86400))
    t.limits.cpu_s = *n;
  if (auto n = r.integer("address_space_mb", 0, 1 << 24))
    t.limits.address_space_mb = *n;
  if (auto n = r.integer("file_size_mb", 0, 1 << 24))
    t.limits.file_size_mb = *n;
  if (auto n = r.integer("open_files", 0, 1 << 20))
    t.limits.open_files = *n;
  if (auto n = r.integer("output_mb", 1, 4096))
    t.output_mb = static_cast<int>(*n);
  if (t.limits.address_space_mb && t.limits.address_space_mb < 64)
    r.warning(r.path_of("address_space_mb"),
              std::to_string(t.limits.address_space_mb) +
                  " MiB of address space is too little for most programs even to start");
  if (t.limits.open_files && t.limits.open_files < 16)
    r.warning(r.path_of("open_files"), "fewer than 16 open files is too few for most programs");
}

} // namespace

void parse_sandbox(const value& v, const std::string& file, const std::string& path,
                   std::optional<sandbox_mode>& mode_out, std::vector<std::string>& write_out,
                   problem_list& out) {
  auto mode = [&](const std::string& text, const std::string& field) {
    if (auto m = parse_sandbox_mode(text))
      mode_out = *m;
    else
      out.push_back({severity::error, file, field,
                     "'" + text + "' is not a sandbox mode (use required, best-effort or off)"});
  };
  if (v.is_string())
    return mode(v.text(), path);
  field_reader r(v, file, path, out);
  if (!r.is_object())
    return;
  r.reject_unknown({"mode", "write"});
  if (auto m = r.string("mode"))
    mode(*m, r.path_of("mode"));
  if (auto w = r.string_list("write")) {
    for (std::size_t i = 0; i < w->size(); ++i) {
      const auto& p = (*w)[i];
      if (p.empty() || (p[0] != '/' && p.rfind("~/", 0) != 0))
        r.error(r.path_of("write") + "[" + std::to_string(i) + "]",
                "'" + p + "' must be an absolute path or start with ~/");
      else if (p == "/" || p == "~/" || p == "~")
        r.error(r.path_of("write") + "[" + std::to_string(i) + "]",
                "'" + p + "' would make the sandbox pointless");
    }
    write_out = *w;
  }
}

namespace {

std::optional<tool_spec> parse_tool(const std::string& id, const value& v, const std::string& file,
                                    problem_list& out) {
  std::string path = "tools." + id;
  field_reader r(v, file, path, out);
  if (!r.is_object())
    return std::nullopt;
  if (!is_valid_id(id))
    r.error(path, "'" + id + "' is not a valid tool id ([a-z0-9][a-z0-9._-]*)");
  r.reject_unknown({"adapter", "argv", "timeout_s", "max_concurrency", "env", "circuit_breaker",
                    "resilience_policy", "limits", "description", "sandbox"});
  tool_spec t;
  t.id = id;
  if (auto a = r.string("adapter")) {
    const auto& known = known_adapters();
    if (std::find(known.begin(), known.end(), *a) == known.end()) {
      auto msg = "unknown adapter kind '" + *a + "' (known: subprocess, aider)";
      if (auto near = closest_match(*a, known))
        msg += "; did you mean '" + *near + "'?";
      r.error(r.path_of("adapter"), msg);
    } else {
      t.adapter = *a;
    }
  }
  if (auto argv = r.string_list("argv", t.adapter != "aider")) {
    check_argv(r, *argv);
    t.argv = *argv;
  } else if (t.adapter == "aider" && !r.get("argv")) {
    t.argv = default_aider_argv();
  }
  if (auto n = r.integer("timeout_s", 1, 86400))
    t.timeout_s = static_cast<int>(*n);
  if (auto n = r.integer("max_concurrency", 1, 1024))
    t.max_concurrency = static_cast<int>(*n);
  if (const value* env = r.object("env")) {
    for (std::size_t i = 0; i < env->keys().size(); ++i) {
      const auto& k = env->keys()[i];
      const value& val = env->items()[i];
      auto field = r.path_of("env") + "." + k;
      if (k.empty() || k.find('=') != std::string::npos)
        r.error(field, "not a valid environment variable name");
      else if (!val.is_string() && !val.is_number() && !val.is_bool())
        r.error(field, "expected a string value, got " + std::string(val.kind_name()));
      else
        t.env[k] = val.is_bool() ? (val.as_bool() ? "true" : "false") : val.text();
    }
  }
  if (const value* cb = r.object("circuit_breaker"))
    t.breaker = parse_breaker(*cb, file, r.path_of("circuit_breaker"), out);
  if (const value* rp = r.object("resilience_policy"))
    t.resilience = parse_resilience(*rp, file, r.path_of("resilience_policy"), out);
  if (const value* lim = r.object("limits"))
    parse_limits(*lim, file, r.path_of("limits"), t, out);
  if (const value* sb = r.get("sandbox"))
    parse_sandbox(*sb, file, r.path_of("sandbox"), t.sandbox, t.sandbox_write, out);
  return t;
}

} // namespace

resource_limits default_tool_limits() {
  resource_limits l;
  l.cpu_s = 3600;        // an hour of CPU: past any edit, short of a spinning loop left all night
  l.file_size_mb = 1024; // a source tree's file is far smaller; a runaway log is not
  l.open_files = 4096;   // above Debian's default 1024, for test runners; a leak stops there
  return l;
}

const std::vector<std::string>& known_adapters() {
  static const std::vector<std::string> k{"subprocess", "aider"};
  return k;
}

std::vector<std::string> default_aider_argv() {
  return {"aider",    "--yes-always", "--no-auto-commits", "--no-gitignore", "--message",
          "{prompt}", "{files}"};
}

tool_registry parse_tools(const value& doc, const std::string& file, problem_list& out) {
  tool_registry reg;
  field_reader r(doc, file, "", out);
  if (!r.is_object())
    return reg;
  r.reject_unknown({"tools"});
  const value* tools = r.object("tools", true);
  if (!tools)
    return reg;
  for (std::size_t i = 0; i < tools->keys().size(); ++i)
    if (auto t = parse_tool(tools->keys()[i], tools->items()[i], file, out))
      reg.tools.emplace(t->id, std::move(*t));
  return reg;
}

} // namespace uet::config
